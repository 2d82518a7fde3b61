package com.quantumtrader.allocation.redis.read;

import com.quantumtrader.allocation.redis.client.Invalidations;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The inputs earlier reads found that no change has touched since (issue 28), and the link that vouches for them
 * ({@link Invalidations}: Redis names every key under the input prefixes that changes). One value, owned by its
 * {@link InputReader}; used by the reader's thread only (the link's thread only hands keys over).
 *
 * <p>What it keeps: the HMGET replies of the budgets, attributions, stress and cluster-state hashes, by symbol or
 * cluster, and the cluster map's chunks for one discovery. The small hashes a cycle always needs (portfolio, regime,
 * controls, discovered clusters, the state hash) are read every cycle. It is dropped whole whenever a change may have
 * gone unheard: the link broke or missed a barrier, the primary moved (a Sentinel failover), a flush, and, told by the
 * runner, a failed cycle or a change of leader or epoch. Every {@code fullReadEvery} a read takes everything from Redis
 * and counts where the cache disagreed ({@link Plan#audit}).
 */
final class InputCache implements AutoCloseable {

    /** The prefixes the link listens to: every input key, no overlap (Redis refuses overlapping broadcast prefixes). */
    static final List<String> PREFIXES = List.of("quantum:portfolio:", Keys.ATTRIBUTION_PREFIX, Keys.STRESS_PREFIX, Keys.CLUSTER_MAP,
            Keys.PORTFOLIO, Keys.REGIME_STREAM, Keys.CONTROL);

    /** How long after a link could not be opened the next attempt waits (an ACL without tracking must not cost every cycle). */
    static final Duration REOPEN_AFTER = Duration.ofSeconds(60);

    /** The hashes read by HMGET that the cache keeps, by id (a symbol or a cluster). */
    enum Part { BUDGET, ATTRIBUTION, STRESS, CLUSTER_STATE }

    /** The inputs whose invalidation starts a cycle at once (DESIGN section 19). */
    enum Change { PORTFOLIO, REGIME, CONTROL }

    /**
     * What this read may do with the cache.
     *
     * @param use    cached values stand in for reads (false: read every key, and keep what is read when {@code keep})
     * @param keep   replies are kept for the next reads (a link listens)
     * @param audit  a full read that compares what the cache held
     * @param rescan a changed key names a symbol the discovery does not hold: walk the keyspace now
     * @param note   why the cache was not used, when it was dropped or could not listen
     */
    record Plan(boolean use, boolean keep, boolean audit, boolean rescan, Optional<String> note) {
        static final Plan OFF = new Plan(false, false, false, false, Optional.empty());
    }

    private final RedisConnection connection;
    private final Duration fullReadEvery;
    private final Duration timeout;
    private final int maxCached;
    private final EnumMap<Part, Map<String, List<String>>> values = new EnumMap<>(Part.class);
    /**
     * DESIGN section 20: when a kept budget's key expires, in epoch milliseconds on Redis's clock (its {@code PTTL}, read in
     * the same pipeline, from the read's {@code now}); past it the budget counts as changed, whether or not Redis has
     * deleted the key yet (its background expiry may take a minute to reach it, and sends the invalidation only then).
     */
    private final Map<String, Long> budgetExpiry = new java.util.HashMap<>();
    private volatile Consumer<Change> changes = c -> { };
    private Invalidations link;
    private Instant nextOpen = Instant.MIN;
    private Instant lastFull;
    /** The cluster map's chunks as last read, for the symbol list {@link #mapFor}. */
    private List<List<String>> mapChunks;
    private List<String> mapFor;
    private boolean mapDirty;
    private Set<String> symbolSet = Set.of();
    private List<String> symbolSetFor;
    /** Why the cache was dropped since the last read (a runner's drop between reads), for that read's note. */
    private String pendingNote;
    private long discrepancies;

    /** @param maxCached the most symbols whose inputs are kept: beyond it every read is full (the heap's share, docs/performance.md) */
    InputCache(RedisConnection connection, Duration fullReadEvery, Duration timeout, int maxCached) {
        this.maxCached = maxCached;
        this.connection = Objects.requireNonNull(connection, "connection");
        this.fullReadEvery = Objects.requireNonNull(fullReadEvery, "fullReadEvery");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        for (Part p : Part.values()) {
            values.put(p, new HashMap<>());
        }
    }

    /** Who is told when the portfolio, the regime or a control changes (on the link's thread; it must not block). */
    void onChange(Consumer<Change> listener) {
        changes = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Begins a read at {@code now} over {@code discovery} (the one it would reuse, if any): checks the link still
     * listens to the primary that serves writes, opens it if needed, and takes the keys changed since the last read
     * (the barrier). Never throws: a link that cannot be opened means a full read, noted.
     */
    Plan begin(Instant now, Optional<Discovery> discovery) {
        String note = pendingNote;
        pendingNote = null;
        if (link != null) {
            Optional<String> primary;
            try {
                primary = connection.primaryAddress();
            } catch (RedisFailure e) {
                primary = Optional.empty();
            }
            if (!link.alive()) {
                note = join(note, dropLink("the invalidation link was lost"));
            } else if (primary.isEmpty() || !primary.get().equals(link.address())) {
                note = join(note, dropLink("the primary moved from " + link.address() + " to " + primary.orElse("unknown")));
            }
        }
        if (link == null) {
            if (now.isBefore(nextOpen)) {
                return new Plan(false, false, false, false, Optional.ofNullable(note));
            }
            try {
                Optional<Invalidations> opened = connection.track(PREFIXES, timeout, this::heard);
                if (opened.isEmpty()) {
                    nextOpen = Instant.MAX; // a Cluster: full reads for good
                    return new Plan(false, false, false, false, Optional.of("a Redis Cluster: every read is full (no tracking per node)"));
                }
                link = opened.get();
            } catch (RedisFailure e) {
                nextOpen = now.plus(REOPEN_AFTER);
                return new Plan(false, false, false, false, Optional.of("client tracking unavailable, every read is full: " + e.getMessage()));
            }
            clear();
            lastFull = now;
            // DESIGN section 20: keys created while no link listened (or before this one) were never heard: walk the keyspace.
            return new Plan(false, true, false, true, Optional.ofNullable(note));
        }
        Invalidations.Drained drained = link.drain();
        if (drained instanceof Invalidations.Drained.Lost lost) {
            String why = join(note, dropLink("the invalidation link was lost: " + lost.reason()));
            Plan reopened = begin(now, discovery);
            return new Plan(reopened.use(), reopened.keep(), reopened.audit(), reopened.rescan(), Optional.of(join(why,
                    reopened.note().orElse(null))));
        }
        Invalidations.Drained.Changed changed = (Invalidations.Drained.Changed) drained;
        if (changed.everything()) {
            clear();
            lastFull = now;
            // and the universe with it: rescan
            return new Plan(false, true, false, true, Optional.of(join(note, "Redis flushed its keys")));
        }
        boolean rescan = forget(changed.keys(), discovery);
        boolean audit = lastFull == null || !now.isBefore(lastFull.plus(fullReadEvery)) || now.isBefore(lastFull);
        if (audit) {
            lastFull = now;
        }
        return new Plan(true, true, audit, rescan, Optional.ofNullable(note));
    }

    /** Forgets the changed keys; whether one names a symbol the discovery does not hold (a new budget or attribution). */
    private boolean forget(Set<String> keys, Optional<Discovery> discovery) {
        boolean unknown = false;
        Set<String> symbols = discovery.map(this::symbols).orElse(Set.of());
        for (String key : keys) {
            if (key.startsWith(Keys.BUDGET_PREFIX)) {
                String symbol = key.substring(Keys.BUDGET_PREFIX.length());
                values.get(Part.BUDGET).remove(symbol);
                unknown |= symbol.indexOf(':') < 0 && !symbols.contains(symbol);
            } else if (key.startsWith(Keys.ATTRIBUTION_PREFIX)) {
                String symbol = key.substring(Keys.ATTRIBUTION_PREFIX.length());
                values.get(Part.ATTRIBUTION).remove(symbol);
                unknown |= symbols.contains(symbol) && !discovery.get().withAttribution().contains(symbol);
            } else if (key.startsWith(Keys.STRESS_PREFIX)) {
                values.get(Part.STRESS).remove(key.substring(Keys.STRESS_PREFIX.length()));
            } else if (key.startsWith(Keys.CLUSTER_STATE_PREFIX)) {
                values.get(Part.CLUSTER_STATE).remove(key.substring(Keys.CLUSTER_STATE_PREFIX.length()));
            } else if (key.equals(Keys.CLUSTER_MAP)) {
                mapDirty = true;
            }
        }
        return unknown && discovery.isPresent() && discovery.get().overCapacity() == 0;
    }

    private Set<String> symbols(Discovery d) {
        if (symbolSetFor != d.symbols()) {
            symbolSet = new HashSet<>(d.symbols());
            symbolSetFor = d.symbols();
        }
        return symbolSet;
    }

    /** The link's thread: a changed key (null: everything) wakes the loop when it is one that starts a cycle. */
    private void heard(String key) {
        if (key == null) {
            return;
        }
        Change change = key.equals(Keys.PORTFOLIO) ? Change.PORTFOLIO : key.equals(Keys.REGIME_STREAM) ? Change.REGIME
                : key.startsWith(Keys.CONTROL) ? Change.CONTROL : null;
        if (change != null) {
            changes.accept(change);
        }
    }

    /** A kept reply, or null when this read must ask Redis. */
    List<String> get(Plan plan, Part part, String id) {
        return plan.use() && !plan.audit() ? values.get(part).get(id) : null;
    }

    /** A kept budget, or null when this read at {@code now} must ask Redis: not kept, or its key has expired on Redis's clock. */
    List<String> getBudget(Plan plan, String id, Instant now) {
        List<String> kept = get(plan, Part.BUDGET, id);
        if (kept == null) {
            return null;
        }
        Long expiry = budgetExpiry.get(id);
        return expiry != null && now.toEpochMilli() >= expiry ? null : kept;
    }

    /** Keeps when a budget read this cycle expires ({@code pttlMillis} from {@code now}; negative: no expiry). */
    void budgetExpiry(Plan plan, String id, long pttlMillis, Instant now) {
        if (!plan.keep()) {
            return;
        }
        if (pttlMillis >= 0) {
            budgetExpiry.put(id, now.toEpochMilli() + pttlMillis);
        } else {
            budgetExpiry.remove(id);
        }
    }

    /**
     * Keeps a reply read this cycle ({@code null}: the key could not be read as a hash, nothing is kept). In an audit,
     * a reply that differs from what was kept is returned as the key's name, a candidate discrepancy; else null.
     */
    String put(Plan plan, Part part, String id, List<String> reply) {
        if (!plan.keep()) {
            return null;
        }
        Map<String, List<String>> kept = values.get(part);
        List<String> before = reply == null ? kept.remove(id) : kept.put(id, reply);
        if (plan.audit() && before != null && !before.equals(reply)) {
            return key(part, id);
        }
        return null;
    }

    /** The cluster map's chunks kept for {@code symbols}, or null when they must be read. */
    List<List<String>> mapChunks(Plan plan, List<String> symbols) {
        return plan.use() && !plan.audit() && !mapDirty && mapFor == symbols ? mapChunks : null;
    }

    /** Keeps the chunks read for {@code symbols} (null: the wrong type, nothing kept); in an audit, whether they differ. */
    boolean putMapChunks(Plan plan, List<String> symbols, List<List<String>> chunks) {
        if (!plan.keep()) {
            return false;
        }
        boolean differs = plan.audit() && !mapDirty && mapFor == symbols && mapChunks != null && !mapChunks.equals(chunks);
        mapChunks = chunks;
        mapFor = chunks == null ? null : symbols;
        mapDirty = false;
        return differs;
    }

    /**
     * Ends an audit: of the keys whose kept value differed from Redis's, those changed meanwhile (a write between the
     * barrier and the read, heard at a second barrier) are not discrepancies; the rest are counted and returned.
     */
    List<String> settle(Plan plan, List<String> candidates) {
        if (!plan.audit() || candidates.isEmpty() || link == null) {
            return List.of();
        }
        Invalidations.Drained drained = link.drain();
        if (!(drained instanceof Invalidations.Drained.Changed changed)) {
            dropLink("the invalidation link was lost");
            return List.of();
        }
        forget(changed.keys(), Optional.empty());
        if (changed.everything()) {
            clear();
            return List.of();
        }
        List<String> missed = new ArrayList<>();
        for (String key : candidates) {
            if (!changed.keys().contains(key)) {
                missed.add(key);
            }
        }
        discrepancies += missed.size();
        return missed;
    }

    /** Discrepancies counted by audits so far. */
    long discrepancies() {
        return discrepancies;
    }

    private static String key(Part part, String id) {
        return switch (part) {
            case BUDGET -> Keys.budget(id);
            case ATTRIBUTION -> Keys.attribution(id);
            case STRESS -> Keys.stress(id);
            case CLUSTER_STATE -> Keys.clusterState(id);
        };
    }

    /** Drops every kept value (the link, if any, goes on listening): a failed cycle, a new leader or epoch. */
    void drop(String reason) {
        clear();
        lastFull = null;
        if (pendingNote == null || !pendingNote.contains(reason)) {
            pendingNote = join(pendingNote, reason); // every cause told, none hidden behind another (DESIGN section 20)
        }
    }

    /** Two notes as one, either may be null. */
    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }

    private String dropLink(String reason) {
        if (link != null) {
            link.close();
            link = null;
        }
        clear();
        lastFull = null;
        return reason + "; the cache was dropped";
    }

    /**
     * {@code plan}, or, for a universe of more than {@code maxCached} symbols, a full read that keeps nothing and an empty
     * cache (its tables freed): the cache costs ~400 bytes of heap per symbol, and a universe the heap holds only without it
     * is read as before incremental reads. The link stays: changes still start cycles.
     */
    Plan fit(Plan plan, int symbols) {
        if (symbols <= maxCached) {
            return plan;
        }
        for (Part p : Part.values()) {
            values.put(p, new HashMap<>());
        }
        clear();
        lastFull = null;
        return new Plan(false, false, false, plan.rescan(), Optional.of("a universe of " + symbols + " symbols is beyond the input cache's"
                + " capacity of " + maxCached + " (the heap's): every read is full"));
    }

    private void clear() {
        values.values().forEach(Map::clear);
        budgetExpiry.clear();
        mapChunks = null;
        mapFor = null;
        mapDirty = false;
    }

    /** Whether a link listens now. */
    boolean listening() {
        return link != null && link.alive();
    }

    @Override
    public void close() {
        if (link != null) {
            link.close();
            link = null;
        }
    }
}
