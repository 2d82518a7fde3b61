package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.Invalidations;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.client.Reply;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached gate's one owner of what it knows of Redis (DESIGN sections 20 and 23): the entries read, the invalidation
 * link that keeps them true, Redis's clock, and the witness thread ({@code allocation-gate-witness}) that every check
 * interval proves the link alive (a {@code PING} barrier), reads the dataset token and Redis's {@code TIME}, and opens a
 * new link when the old one is lost. Internal.
 *
 * <p>An entry is served only from the generation of a live link, whose invalidations remove it; a read stores what it
 * read only if no invalidation, flush, dataset change or link loss came between its placeholder and its reply, so a
 * value Redis no longer holds is never stored. Without a live link (lost, not yet back, or a Redis Cluster) nothing is
 * cached and every decision is a round trip.
 */
final class GateCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("com.quantumtrader.allocation.redis.GovernorGate");
    private static final List<String> PREFIXES = List.of(Keys.TARGET_PREFIX, Keys.BUDGET_PREFIX);

    private final RedisConnection connection;
    private final Duration checkInterval;
    private final Duration linkTimeout;
    private final Thread witness;
    /** A sum per thread, added up when asked: the hit path of many threads shares no counter. */
    private final LongAdder hits = new LongAdder();
    /** The generation of the live link, or null: no cache now. */
    private volatile Generation current;
    private volatile Clock clock;
    private volatile boolean closed;
    /** The witness thread's own. */
    private String token;
    private String linkTrouble;
    private String checkTrouble;

    GateCache(RedisConnection connection, Duration checkInterval, Duration linkTimeout) {
        this.connection = connection;
        this.checkInterval = checkInterval;
        this.linkTimeout = linkTimeout;
        this.witness = new Thread(this::watch, "allocation-gate-witness");
        this.witness.setDaemon(true);
    }

    /** Runs the first check now (so a gate that can reach Redis caches from its first decision), then every interval. */
    void start() {
        try {
            check();
        } finally {
            witness.start();
        }
    }

    /** The entry kept for {@code symbol}, or null: none, or no live link now. */
    GateEntry get(String symbol) {
        Generation g = current;
        if (g != null && g.live) {
            Object e = g.entries.get(symbol);
            if (e instanceof GateEntry entry) {
                hits.increment();
                return entry;
            }
        }
        return null;
    }

    /** Redis's clock now (epoch ms), as last measured; {@link GateRead#NO_CLOCK} before the first measure. */
    long redisMillis() {
        Clock c = clock;
        return c == null ? GateRead.NO_CLOCK : c.now();
    }

    /** Whether a live link keeps entries now. */
    boolean caching() {
        Generation g = current;
        return g != null && g.live;
    }

    long hits() {
        return hits.sum();
    }

    /**
     * Reads {@code symbols} in one round trip and keeps each whose slot this read claimed and no change emptied meanwhile.
     *
     * @throws RedisFailure when Redis cannot be read
     */
    GateRead.Result read(Collection<String> symbols) {
        Generation g = current;
        Object claim = new Object();
        List<String> claimed = new ArrayList<>();
        if (g != null && g.live) {
            for (String s : symbols) {
                if (g.entries.putIfAbsent(s, claim) == null) {
                    claimed.add(s);
                }
            }
        }
        try {
            GateRead.Result result = GateRead.read(connection, symbols, true, true);
            clock = Clock.at(result.redisMillis());
            // Every invalidation Redis sent before it answered is heard before anything is kept or answered: a change
            // made after another thread's read but before this one must remove that thread's entry first, or a caller
            // could be answered the new value and then, from the cache, the old one.
            if (g != null && g.live && !g.link.barrier()) {
                g.live = false;
            }
            Map<String, GateEntry> read = result.entries();
            for (String s : claimed) {
                g.entries.replace(s, claim, read.get(s));
            }
            return result;
        } finally {
            for (String s : claimed) {
                g.entries.remove(s, claim);
            }
        }
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(checkInterval.toMillis());
                check();
                if (checkTrouble != null) {
                    log.info("gate: the witness's checks pass again");
                    checkTrouble = null;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!e.toString().equals(checkTrouble)) { // once per kind of trouble, not every interval
                    checkTrouble = e.toString();
                    log.warn("gate: the witness's check failed: {}", checkTrouble);
                }
            }
        }
    }

    /** One check: the link alive (or a new one), the dataset the same, the clock measured. */
    private void check() {
        Generation g = current;
        if (g != null && g.link.drain() instanceof Invalidations.Drained.Lost lost) {
            drop(g, "the invalidation link was lost (" + lost.reason() + ")");
            g = null;
        }
        Optional<String> primary = g == null ? Optional.empty() : connection.primaryAddress();
        if (g != null && primary.isPresent() && !primary.get().equals(g.link.address())) {
            // a failover: the link hears the old node, whose data may lag the new primary's (Sentinel's pool follows it)
            drop(g, "the primary moved from " + g.link.address() + " to " + primary.get());
            g = null;
        }
        Generation fresh = g == null ? open() : null;
        try {
            if (!sameDataset() && g != null) {
                int size = g.entries.size();
                g.entries.clear();
                log.info("gate: dropped {} cached symbols: the dataset changed under the gate ({} holds another token: a swap, "
                        + "a flush or a restore)", size, Keys.DATASET);
            }
        } catch (RedisFailure e) {
            if (fresh != null) {
                fresh.link.close();
            }
            throw e;
        }
        if (fresh != null) {
            fresh.live = true;
            current = fresh;
            if (linkTrouble != null) {
                log.info("gate: the invalidation link is back; decisions are served from the cache again");
                linkTrouble = null;
            }
        }
    }

    /** A new generation with its own link, not yet live; null when none can be opened (a Cluster, Redis unreachable). */
    private Generation open() {
        Generation g = new Generation();
        try {
            Optional<Invalidations> link = connection.track(PREFIXES, linkTimeout, g::heard);
            if (link.isEmpty()) {
                trouble("a Redis Cluster has no one invalidation link: every decision is a round trip");
                return null;
            }
            g.link = link.get();
            return g;
        } catch (RedisFailure e) {
            trouble("no invalidation link (" + e.getMessage() + "): every decision is a round trip until it opens");
            return null;
        }
    }

    private void trouble(String why) {
        if (!why.equals(linkTrouble)) {
            log.warn("gate: {}", why);
            linkTrouble = why;
        }
    }

    /** Reads the dataset token (set if missing) and Redis's clock; false when the token differs from the last one seen. */
    private boolean sameDataset() {
        long before = System.nanoTime();
        String[] seen = connection.call(RedisFailure.Operation.GATE, nodes -> {
            Reply<String> set = nodes.pipeline(Keys.DATASET).setIfAbsent(Keys.DATASET, UUID.randomUUID().toString());
            Reply<String> get = nodes.pipeline(Keys.DATASET).get(Keys.DATASET);
            Reply<List<String>> time = nodes.pipeline(Keys.DATASET).time();
            nodes.sync();
            try {
                set.get();
            } catch (RuntimeException e) {
                // an ACL that forbids SET: the token of a runner still witnesses the dataset
            }
            return new String[] {get.orNullIfWrongType(), String.valueOf(GateRead.millis(time.get()))};
        });
        long after = System.nanoTime();
        clock = new Clock(Long.parseLong(seen[1]), before + (after - before) / 2);
        boolean same = token == null || token.equals(seen[0]);
        token = seen[0];
        return same;
    }

    private void drop(Generation g, String why) {
        g.live = false;
        if (current == g) {
            current = null;
        }
        int size = g.entries.size();
        g.entries.clear();
        g.link.close();
        linkTrouble = why;
        log.warn("gate: dropped {} cached symbols: {}; every decision is a round trip until a new link opens", size, why);
    }

    @Override
    public void close() {
        closed = true;
        witness.interrupt();
        Generation g = current;
        current = null;
        if (g != null) {
            g.live = false;
            g.link.close();
        }
    }

    /** The entries kept under one link: removed by what the link hears, abandoned with it. */
    private static final class Generation {
        /** A symbol's {@link GateEntry}, or a read's claim on its slot. */
        final ConcurrentHashMap<String, Object> entries = new ConcurrentHashMap<>();
        volatile boolean live;
        volatile Invalidations link;

        /** A key the link heard changed ({@code null}: a flush, or the link lost). */
        void heard(String key) {
            if (key == null) {
                Invalidations l = link;
                if (l == null || !l.alive()) {
                    live = false;
                }
                entries.clear();
                return;
            }
            if (key.startsWith(Keys.TARGET_PREFIX)) {
                entries.remove(key.substring(Keys.TARGET_PREFIX.length()));
            } else if (key.startsWith(Keys.BUDGET_PREFIX)) {
                entries.remove(key.substring(Keys.BUDGET_PREFIX.length()));
            }
        }
    }

    /** Redis's clock: its epoch ms at one instant of this JVM's monotonic clock, read forward from there. */
    private record Clock(long redisMillis, long atNanos) {
        static Clock at(long redisMillis) {
            return new Clock(redisMillis, System.nanoTime());
        }

        long now() {
            return redisMillis + (System.nanoTime() - atNanos) / 1_000_000L;
        }
    }
}
