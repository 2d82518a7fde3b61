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
 * The cache of incremental reads (issue 28) and the link that vouches for it ({@link Invalidations}: Redis names every
 * key under the input prefixes that changes). Used by the reader's thread only (the link's thread only hands keys over).
 *
 * <p>What it keeps: the HMGET replies of the budgets, attributions, stress and cluster-state hashes, by symbol or
 * cluster, each with its key's expiry on Redis's clock (DESIGN section 20: past it the value is read again, whether or not
 * Redis has deleted the key yet), and the cluster map's chunks for one discovery. The small hashes a cycle always needs
 * (portfolio, regime, controls, discovered clusters, the state hash) are read every cycle. It is dropped whole whenever
 * a change may have gone unheard: the link broke or missed a barrier, the primary moved (a Sentinel failover), a flush,
 * and, told by its reader, a failed cycle, a change of tenure or of the dataset. Every {@code fullReadEvery} a read takes
 * everything from Redis and counts where the cache disagreed ({@link Plan#audit}).
 */
final class TrackedCache implements InputCache {

    /** The prefixes the link listens to: every input key, no overlap (Redis refuses overlapping broadcast prefixes). */
    static final List<String> PREFIXES = List.of("quantum:portfolio:", Keys.ATTRIBUTION_PREFIX, Keys.STRESS_PREFIX, Keys.CLUSTER_MAP,
            Keys.PORTFOLIO, Keys.REGIME_STREAM, Keys.CONTROL, Keys.TARGET_PREFIX);

    /** How long after a link could not be opened the next attempt waits (an ACL without tracking must not cost every cycle). */
    static final Duration REOPEN_AFTER = Duration.ofSeconds(60);

    private final RedisConnection connection;
    private final Duration fullReadEvery;
    private final Duration timeout;
    private final int maxCached;
    private final EnumMap<Part, Map<String, List<String>>> values = new EnumMap<>(Part.class);
    /** When each kept value's key expires, epoch ms on Redis's clock (its {@code PTTL}, read in the same pipeline); absent: none. */
    private final EnumMap<Part, Map<String, Long>> expiries = new EnumMap<>(Part.class);
    private volatile Consumer<Change> changes = c -> { };
    /**
     * Target keys named by the link since the last barrier, by symbol: the link's thread adds, the reader's takes the map
     * and leaves a new one, both under the map's lock, so a name counts in exactly one read.
     */
    private Map<String, Integer> targetCounts = new HashMap<>();
    private final Object targetLock = new Object();
    /** What {@link #targetsHeard()} answers for the read in progress: null when the link did not listen since the last barrier. */
    private Map<String, Integer> heardTargets;
    private Invalidations link;
    private Instant nextOpen = Instant.MIN;
    private Instant lastFull;
    /** The cluster map's chunks as last read, for the symbol list {@link #mapFor}. */
    private List<List<String>> mapChunks;
    private List<String> mapFor;
    private boolean mapDirty;
    private Set<String> symbolSet = Set.of();
    private List<String> symbolSetFor;

    /** @param maxCached the most symbols whose inputs are kept: beyond it every read is full (the heap's share, docs/performance.md) */
    TrackedCache(RedisConnection connection, Duration fullReadEvery, Duration timeout, int maxCached) {
        this.maxCached = maxCached;
        this.connection = Objects.requireNonNull(connection, "connection");
        this.fullReadEvery = Objects.requireNonNull(fullReadEvery, "fullReadEvery");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        for (Part p : Part.values()) {
            values.put(p, new HashMap<>());
            expiries.put(p, new HashMap<>());
        }
    }

    @Override
    public void onChange(Consumer<Change> listener) {
        changes = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public Plan begin(Instant now, Optional<Discovery> discovery) {
        heardTargets = null;
        List<ReadResult.Drop> drops = new ArrayList<>();
        if (link != null) {
            Optional<String> primary;
            try {
                primary = connection.primaryAddress();
            } catch (RedisFailure e) {
                primary = Optional.empty();
            }
            if (!link.alive()) {
                drops.add(dropLink(DropCause.LINK_LOST, "the invalidation link was lost"));
            } else if (primary.isEmpty() || !primary.get().equals(link.address())) {
                drops.add(dropLink(DropCause.PRIMARY_MOVED, "the primary moved from " + link.address() + " to " + primary.orElse("unknown")));
            }
        }
        if (link == null) {
            return open(now).after(drops);
        }
        Invalidations.Drained drained = link.drain();
        if (drained instanceof Invalidations.Drained.Lost lost) {
            drops.add(dropLink(DropCause.LINK_LOST, "the invalidation link was lost: " + lost.reason()));
            return open(now).after(drops);
        }
        Invalidations.Drained.Changed changed = (Invalidations.Drained.Changed) drained;
        Map<String, Integer> counted;
        synchronized (targetLock) {
            counted = targetCounts;
            targetCounts = new HashMap<>(); // names heard from now on count for the next read
        }
        if (changed.everything()) {
            clear();
            lastFull = now;
            drops.add(new ReadResult.Drop(DropCause.FLUSH, "Redis flushed its keys"));
            // and the universe with it: rescan
            return new Plan(false, true, false, true, drops, Optional.empty(), Set.of());
        }
        heardTargets = counted;
        boolean rescan = forget(changed.keys(), discovery);
        boolean audit = lastFull == null || !now.isBefore(lastFull.plus(fullReadEvery)) || now.isBefore(lastFull);
        if (audit) {
            lastFull = now;
        }
        return new Plan(true, true, audit, rescan, drops, Optional.empty(), changed.keys());
    }

    /** Opens a link (when it may be tried now): a new link's first read takes everything and walks the keyspace. */
    private Plan open(Instant now) {
        if (now.isBefore(nextOpen)) {
            return Plan.OFF;
        }
        try {
            Optional<Invalidations> opened = connection.track(PREFIXES, timeout, this::heard);
            if (opened.isEmpty()) {
                nextOpen = Instant.MAX; // a Cluster: full reads for good
                return new Plan(false, false, false, false, List.of(), Optional.of("a Redis Cluster: every read is full (no tracking per node)"),
                        Set.of());
            }
            link = opened.get();
        } catch (RedisFailure e) {
            nextOpen = now.plus(REOPEN_AFTER);
            return new Plan(false, false, false, false, List.of(), Optional.of("client tracking unavailable, every read is full: "
                    + e.getMessage()), Set.of());
        }
        clear();
        lastFull = now;
        // DESIGN section 20: keys created while no link listened (or before this one) were never heard: walk the keyspace.
        return new Plan(false, true, false, true, List.of(), Optional.empty(), Set.of());
    }

    /** Forgets the changed keys; whether one names a symbol the discovery does not hold (a new budget or attribution). */
    private boolean forget(Set<String> keys, Optional<Discovery> discovery) {
        boolean unknown = false;
        Set<String> symbols = discovery.map(this::symbols).orElse(Set.of());
        for (String key : keys) {
            if (key.startsWith(Keys.BUDGET_PREFIX)) {
                String symbol = key.substring(Keys.BUDGET_PREFIX.length());
                remove(Part.BUDGET, symbol);
                unknown |= symbol.indexOf(':') < 0 && !symbols.contains(symbol);
            } else if (key.startsWith(Keys.ATTRIBUTION_PREFIX)) {
                String symbol = key.substring(Keys.ATTRIBUTION_PREFIX.length());
                remove(Part.ATTRIBUTION, symbol);
                unknown |= symbols.contains(symbol) && !discovery.get().withAttribution().contains(symbol);
            } else if (key.startsWith(Keys.STRESS_PREFIX)) {
                remove(Part.STRESS, key.substring(Keys.STRESS_PREFIX.length()));
            } else if (key.startsWith(Keys.CLUSTER_STATE_PREFIX)) {
                remove(Part.CLUSTER_STATE, key.substring(Keys.CLUSTER_STATE_PREFIX.length()));
            } else if (key.equals(Keys.CLUSTER_MAP)) {
                mapDirty = true;
            }
        }
        return unknown && discovery.isPresent() && discovery.get().overCapacity() == 0;
    }

    private void remove(Part part, String id) {
        values.get(part).remove(id);
        expiries.get(part).remove(id);
    }

    private Set<String> symbols(Discovery d) {
        if (symbolSetFor != d.symbols()) {
            symbolSet = new HashSet<>(d.symbols());
            symbolSetFor = d.symbols();
        }
        return symbolSet;
    }

    /**
     * The link's thread: a changed key (null: everything) wakes the loop when it is one that starts a cycle; a target key is
     * counted (each write of the service names its targets once, so a second name is someone else's change).
     */
    private void heard(String key) {
        if (key == null) {
            return;
        }
        if (key.startsWith(Keys.TARGET_PREFIX)) {
            String symbol = key.substring(Keys.TARGET_PREFIX.length());
            if (symbol.indexOf(':') < 0) {
                synchronized (targetLock) {
                    targetCounts.merge(symbol, 1, Integer::sum);
                }
            }
            return;
        }
        Change change = key.equals(Keys.PORTFOLIO) ? Change.PORTFOLIO : key.equals(Keys.REGIME_STREAM) ? Change.REGIME
                : key.startsWith(Keys.CONTROL) ? Change.CONTROL : null;
        if (change != null) {
            changes.accept(change);
        }
    }

    @Override
    public List<String> get(Plan plan, Part part, String id, Instant now) {
        return plan.use() && !plan.audit() ? servable(part, id, now) : null;
    }

    /** What the cache would serve at {@code now}: the kept value, unless its key has expired on Redis's clock. */
    private List<String> servable(Part part, String id, Instant now) {
        List<String> kept = values.get(part).get(id);
        if (kept == null) {
            return null;
        }
        Long expiry = expiries.get(part).get(id);
        return expiry != null && now.toEpochMilli() >= expiry ? null : kept;
    }

    @Override
    public boolean holds(Part part, String id, Instant now) {
        List<String> kept = servable(part, id, now);
        return kept != null && !allNull(kept);
    }

    @Override
    public void expiry(Plan plan, Part part, String id, long pttlMillis, Instant now) {
        if (!plan.keep()) {
            return;
        }
        if (pttlMillis >= 0) {
            expiries.get(part).put(id, now.toEpochMilli() + pttlMillis);
        } else {
            expiries.get(part).remove(id);
        }
    }

    @Override
    public Difference put(Plan plan, Part part, String id, List<String> reply, Instant now) {
        if (!plan.keep()) {
            return null;
        }
        List<String> before = plan.audit() ? servable(part, id, now) : null;
        Long keptExpiry = expiries.get(part).get(id);
        if (reply == null) {
            remove(part, id);
        } else {
            values.get(part).put(id, reply);
        }
        if (plan.audit() && before != null && !before.equals(reply)) {
            return new Difference(part.key(id), reply != null && !allNull(reply), keptExpiry == null ? -1 : keptExpiry);
        }
        return null;
    }

    private static boolean allNull(List<String> values) {
        for (String v : values) {
            if (v != null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<List<String>> mapChunks(Plan plan, List<String> symbols) {
        return plan.use() && !plan.audit() && !mapDirty && mapFor == symbols ? mapChunks : null;
    }

    @Override
    public boolean putMapChunks(Plan plan, List<String> symbols, List<List<String>> chunks) {
        if (!plan.keep()) {
            return false;
        }
        boolean differs = plan.audit() && !mapDirty && mapFor == symbols && mapChunks != null && !mapChunks.equals(chunks);
        mapChunks = chunks;
        mapFor = chunks == null ? null : symbols;
        mapDirty = false;
        return differs;
    }

    @Override
    public List<String> settle(Plan plan, List<Difference> differences, Instant readEnd) {
        if (!plan.audit() || differences.isEmpty() || link == null) {
            return List.of();
        }
        Invalidations.Drained drained = link.drain();
        if (!(drained instanceof Invalidations.Drained.Changed changed)) {
            dropLink(DropCause.LINK_LOST, "the invalidation link was lost");
            return List.of(); // the next read tells the drop (the link is gone) and reads everything
        }
        forget(changed.keys(), Optional.empty());
        if (changed.everything()) {
            clear();
            return List.of();
        }
        List<String> missed = new ArrayList<>();
        for (Difference d : differences) {
            boolean raced = changed.keys().contains(d.key())
                    && (d.present() || (d.keptExpiry() >= 0 && d.keptExpiry() <= readEnd.toEpochMilli()));
            if (!raced) {
                missed.add(d.key());
            }
        }
        return missed;
    }

    @Override
    public void drop() {
        clear();
        lastFull = null;
    }

    private ReadResult.Drop dropLink(DropCause cause, String reason) {
        if (link != null) {
            link.close();
            link = null;
        }
        clear();
        lastFull = null;
        return new ReadResult.Drop(cause, reason + "; the cache was dropped");
    }

    /**
     * {@code plan}, or, for a universe of more than {@code maxCached} symbols, a full read that keeps nothing and an empty
     * cache (its tables freed): the cache costs ~400 bytes of heap per symbol, and a universe the heap holds only without it
     * is read as before incremental reads. The link stays: changes still start cycles.
     */
    @Override
    public Plan fit(Plan plan, int symbols) {
        if (symbols <= maxCached) {
            return plan;
        }
        for (Part p : Part.values()) {
            values.put(p, new HashMap<>());
            expiries.put(p, new HashMap<>());
        }
        clear();
        lastFull = null;
        return new Plan(false, false, false, plan.rescan(), plan.drops(), Optional.of("a universe of " + symbols
                + " symbols is beyond the input cache's capacity of " + maxCached + " (the heap's): every read is full"), plan.heard());
    }

    private void clear() {
        values.values().forEach(Map::clear);
        expiries.values().forEach(Map::clear);
        mapChunks = null;
        mapFor = null;
        mapDirty = false;
    }

    @Override
    public Optional<Map<String, Integer>> targetsHeard() {
        return Optional.ofNullable(heardTargets);
    }

    @Override
    public boolean listening() {
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
