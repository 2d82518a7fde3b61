package com.quantumtrader.allocation.redis.read;

import com.quantumtrader.allocation.redis.client.Arg;
import com.quantumtrader.allocation.redis.client.Reply;
import com.quantumtrader.allocation.redis.client.ReplyError;
import com.quantumtrader.allocation.redis.client.StreamRecord;

import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.client.Nodes;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.RejectReason;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.RegimeState;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one cycle's inputs (DESIGN section 3), the fields {@link InputCodec} names, in a constant number of round trips whatever the
 * number of symbols: the SCAN pages of discovery, one pipeline for the portfolio, cluster map, the live stack's
 * discovered clusters ({@code quantum:portfolio:clusters}), regime, operator control hash, budgets and attributions,
 * and one pipeline for the stress hashes of the clusters in use and the discovered clusters' state hashes.
 *
 * <p>A key of the wrong type is a rejection of its source ({@code wrong_type}); a budget key
 * whose suffix is not a symbol name is a rejection ({@code bad_name}); per-cluster budget keys and
 * any suffix with {@code :} are not symbols and are skipped. Only a failure of Redis itself
 * (connection, timeout, ACL) ends the read, as a {@link RedisFailure}.
 */
public final class InputReader implements AutoCloseable {

    /** Fields per HMGET of the cluster map. */
    static final int CLUSTER_MAP_CHUNK = 1000;
    /** Matches {@code quantum:portfolio:budget:*} and {@code quantum:alpha:attribution:*} in one pass, and not the service's own
     * {@code quantum:allocation:*} keys, which Redis then need not send. */
    static final String DISCOVERY_PATTERN = "quantum:[pa][lo][pr]*";


    private final RedisConnection connection;
    private final Map<String, String> staticClusterMap;
    private final int maxSymbols;
    /** The incremental reads' cache and link; null when every read is full. */
    private final InputCache cache;

    /**
     * @param staticClusterMap symbol -> cluster from {@code P29_CLUSTER_MAP_FILE}; the Redis hash wins over it
     */
    public InputReader(RedisConnection connection, Map<String, String> staticClusterMap) {
        this(connection, staticClusterMap, Integer.MAX_VALUE);
    }

    /**
     * @param maxSymbols {@code P29_MAX_SYMBOLS}: the most symbols a read holds (the heap's capacity); beyond it
     *                   the excess is counted in the {@link Discovery}, never read
     */
    public InputReader(RedisConnection connection, Map<String, String> staticClusterMap, int maxSymbols) {
        this(connection, staticClusterMap, maxSymbols, Optional.empty());
    }

    /**
     * @param incremental {@code P29_INCREMENTAL}: read only what changed, told by Redis ({@link Incremental}); empty: read
     *                    every input every cycle
     */
    public InputReader(RedisConnection connection, Map<String, String> staticClusterMap, int maxSymbols, Optional<Incremental> incremental) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.staticClusterMap = Map.copyOf(staticClusterMap);
        if (maxSymbols < 1) {
            throw new IllegalArgumentException("maxSymbols: must be >= 1, was " + maxSymbols);
        }
        this.maxSymbols = maxSymbols;
        this.cache = incremental.map(i -> new InputCache(connection, i.fullReadEvery(), i.timeout(), i.maxCached())).orElse(null);
    }

    /**
     * Incremental reads (issue 28): the reader keeps what it read and reads again only the keys Redis says changed
     * ({@code CLIENT TRACKING ... BCAST}), every key at least every {@code fullReadEvery} (an audit that counts where
     * the cache was wrong).
     *
     * @param fullReadEvery {@code P29_FULL_READ_SEC}
     * @param timeout       how long the cycle's barrier waits for the link's reply before the link counts as lost
     */
    public record Incremental(java.time.Duration fullReadEvery, java.time.Duration timeout, int maxCached) {
        /** No limit on the symbols whose inputs are kept (tests; the service passes its heap's). */
        public Incremental(java.time.Duration fullReadEvery, java.time.Duration timeout) {
            this(fullReadEvery, timeout, Integer.MAX_VALUE);
        }

        public Incremental {
            if (maxCached < 1) {
                throw new IllegalArgumentException("maxCached: must be >= 1, was " + maxCached);
            }
            if (fullReadEvery.isNegative() || fullReadEvery.isZero()) {
                throw new IllegalArgumentException("fullReadEvery: must be > 0, was " + fullReadEvery);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout: must be > 0, was " + timeout);
            }
        }
    }

    /** What changed, of the inputs whose change starts a cycle at once. */
    public enum Change { PORTFOLIO, REGIME, CONTROL }

    /**
     * Who is told, on the invalidation link's thread, when the portfolio, the regime or a control changes (incremental
     * reads only; the listener must not block).
     */
    public void onChange(java.util.function.Consumer<Change> listener) {
        Objects.requireNonNull(listener, "listener");
        if (cache != null) {
            cache.onChange(c -> listener.accept(Change.valueOf(c.name())));
        }
    }

    /** Drops every cached input (a failed cycle, a change of leader or epoch): the next read reads everything. */
    public void dropCache(String reason) {
        if (cache != null) {
            cache.drop(reason);
        }
    }

    /** The cache of incremental reads, null without them (tests plant a wrong value in it). */
    InputCache cache() {
        return cache;
    }

    /** Closes the invalidation link, if any. */
    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
    }

    /** Reads every input of one cycle, walking the keyspace (SCAN) to discover the symbols. */
    public ReadResult read() {
        return read(Optional.empty(), Instant.EPOCH);
    }

    /**
     * Reads every input of one cycle at {@code now}. The symbols come from {@code previous} while it is
     * {@link Discovery#fresh}: no SCAN, and a budget key that no longer exists drops its symbol in this
     * cycle (no rejection: it vanished). Otherwise the keyspace is walked again. The discovery used is in
     * the result, for the next read.
     */
    public ReadResult read(Optional<Discovery> previous, Instant now) {
        return read(previous, now, List.of());
    }

    /**
     * {@link #read(Optional, Instant)}, also counting which of {@code targets} (symbols whose target hash the
     * writer holds in Redis) are gone: deleted by hand, evicted, lost with a node (DESIGN section 16). In the
     * same pipeline: {@code EXISTS} of {@link #EXISTS_CHUNK} keys at a time (one key per command in a Cluster,
     * where a multi-key command must stay in one slot).
     */
    public ReadResult read(Optional<Discovery> previous, Instant now, List<String> targets) {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(targets, "targets");
        InputCache.Plan plan = cache == null ? InputCache.Plan.OFF : cache.begin(now, previous);
        // Listening, the discovery stands until a change names a symbol it lacks (or the audit's full read); otherwise it is walked again
        // when it is RESCAN old.
        Optional<Discovery> reuse = plan.rescan() ? Optional.empty()
                : plan.use() && !plan.audit() && previous.map(d -> d.overCapacity() == 0).orElse(false)
                ? previous.filter(d -> !now.isBefore(d.scannedAt())) : previous.filter(d -> d.fresh(now));
        return connection.call(RedisFailure.Operation.READ, nodes -> read(nodes, reuse, now, targets, plan));
    }

    /** Keys per {@code EXISTS} of the lost-target check: short enough never to hold Redis (~0.1 ms each). */
    static final int EXISTS_CHUNK = 1000;

    private ReadResult read(Nodes nodes, Optional<Discovery> cached, Instant now, List<String> targets, InputCache.Plan begun) {
        long before = connection.roundTrips();
        long start = System.nanoTime();
        List<Rejection> rejections = new ArrayList<>();
        Discovery discovery;
        if (cached.isPresent()) {
            discovery = cached.get();
        } else {
            List<Rejection> badNames = new ArrayList<>();
            Set<String> attributed = new HashSet<>();
            long[] over = {0};
            List<String> found = discoverSymbols(nodes, badNames, attributed, new HashSet<>(targets), over);
            if (over[0] > 0 && targets.isEmpty()) {
                // Over capacity with the written targets unknown (a start, a takeover): find them, so they are kept
                // (and stay refreshed) rather than the first names; two more passes, only in this degraded case.
                TreeSet<String> targeted = new TreeSet<>(); // by name, at most maxSymbols of them: deterministic
                nodes.scan(Keys.TARGET_PREFIX + "*", key -> {
                    String symbol = key.substring(Keys.TARGET_PREFIX.length());
                    if (Scalars.isValidName(symbol)) {
                        keep(targeted, symbol, null);
                    }
                });
                Set<String> written = new HashSet<>(targeted);
                badNames.clear();
                attributed.clear();
                over[0] = 0;
                found = discoverSymbols(nodes, badNames, attributed, written, over);
            }
            discovery = new Discovery(found, attributed, badNames, now, over[0]);
        }
        rejections.addAll(discovery.badNames());
        Set<String> withAttribution = discovery.withAttribution();
        List<String> symbols = discovery.symbols();
        long discoverNanos = System.nanoTime() - start;
        InputCache.Plan plan = cache == null ? begun : cache.fit(begun, symbols.size());

        Reply<List<String>> portfolioResponse = nodes.pipeline(Keys.PORTFOLIO).hmget(Keys.PORTFOLIO, InputCodec.PORTFOLIO_FIELDS);
        // The cluster map's entries of this universe only, in HMGETs of CLUSTER_MAP_CHUNK fields: an HGETALL of a
        // 100,000-entry hash holds Redis for tens of ms, and entries of symbols without a budget are not needed.
        long inputReads = 5; // portfolio, regime, discovered clusters, control, scoped controls
        List<List<String>> keptMap = cache == null ? null : cache.mapChunks(plan, symbols);
        List<Reply<List<String>>> clusterMapResponses = new ArrayList<>(symbols.size() / CLUSTER_MAP_CHUNK + 1);
        for (int from = 0; keptMap == null && from < symbols.size(); from += CLUSTER_MAP_CHUNK) {
            inputReads++;
            String[] chunk = symbols.subList(from, Math.min(symbols.size(), from + CLUSTER_MAP_CHUNK)).toArray(new String[0]);
            clusterMapResponses.add(nodes.pipeline(Keys.CLUSTER_MAP).hmget(Keys.CLUSTER_MAP, chunk));
        }
        Reply<List<StreamRecord>> regimeResponse = nodes.pipeline(Keys.REGIME_STREAM).lastEntries(Keys.REGIME_STREAM, REGIME_LOOKBACK);
        // The three hashes read whole are sized first (HLEN), then read in a second round trip only within their bound: one
        // key of a million fields ended the JVM (DESIGN section 25). The control hash is read by its four fields alone.
        Reply<Long> discoveredLength = nodes.pipeline(Keys.DISCOVERED_CLUSTERS).hlen(Keys.DISCOVERED_CLUSTERS);
        Reply<Long> controlLength = nodes.pipeline(Keys.CONTROL).hlen(Keys.CONTROL);
        Reply<List<String>> controlResponse = nodes.pipeline(Keys.CONTROL).hmget(Keys.CONTROL, ControlHash.FIELDS);
        Reply<Long> scopedLength = nodes.pipeline(Keys.SCOPED_CONTROLS).hlen(Keys.SCOPED_CONTROLS);
        Reply<String> lastWriteResponse = nodes.pipeline(Keys.STATE).hget(Keys.STATE, StateHash.CYCLE_ID);
        List<Reply<Long>> existsResponses = new ArrayList<>();
        if (!nodes.oneServer()) {
            for (String symbol : targets) {
                String key = Keys.target(symbol);
                existsResponses.add(nodes.pipeline(key).exists(key));
            }
        } else {
            for (int from = 0; from < targets.size(); from += EXISTS_CHUNK) {
                List<String> chunk = targets.subList(from, Math.min(targets.size(), from + EXISTS_CHUNK));
                String[] keys = new String[chunk.size()];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = Keys.target(chunk.get(i));
                }
                existsResponses.add(nodes.pipeline(keys[0]).exists(keys));
            }
        }
        List<Reply<List<String>>> budgetResponses = new ArrayList<>(symbols.size());
        List<Reply<List<String>>> attributionResponses = new ArrayList<>(symbols.size());
        List<List<String>> keptBudgets = new ArrayList<>(symbols.size());
        List<Reply<Long>> budgetTtls = new ArrayList<>(symbols.size());
        List<List<String>> keptAttributions = new ArrayList<>(symbols.size());
        for (String symbol : symbols) {
            List<String> budget = cache == null ? null : cache.getBudget(plan, symbol, now);
            keptBudgets.add(budget);
            if (budget == null) {
                String budgetKey = Keys.budget(symbol);
                budgetResponses.add(nodes.pipeline(budgetKey).hmget(budgetKey, BUDGET_FIELDS));
                if (cache != null && plan.keep()) {
                    budgetTtls.add(nodes.pipeline(budgetKey).pttl(budgetKey)); // its expiry, kept with it (DESIGN section 20)
                } else {
                    budgetTtls.add(null);
                }
                inputReads++;
            } else {
                budgetResponses.add(null);
                budgetTtls.add(null);
            }
            List<String> attribution = null;
            if (withAttribution.contains(symbol)) {
                attribution = cache == null ? null : cache.get(plan, InputCache.Part.ATTRIBUTION, symbol);
            }
            keptAttributions.add(attribution);
            if (withAttribution.contains(symbol) && attribution == null) {
                String attributionKey = Keys.attribution(symbol);
                attributionResponses.add(nodes.pipeline(attributionKey).hmget(attributionKey, ATTRIBUTION_FIELDS));
                inputReads++;
            } else {
                attributionResponses.add(null);
            }
        }
        nodes.sync();
        List<String> candidates = new ArrayList<>();

        Map<String, String> portfolio = Reply.fields(get(portfolioResponse, DataSource.PORTFOLIO, DataSource.PORTFOLIO_SUBJECT,
                rejections), InputCodec.PORTFOLIO_FIELDS);

        List<List<String>> mapChunks = keptMap;
        if (keptMap == null) {
            mapChunks = new ArrayList<>(clusterMapResponses.size());
            for (Reply<List<String>> chunk : clusterMapResponses) {
                List<String> values = get(chunk, DataSource.CLUSTER_MAP, Keys.CLUSTER_MAP, rejections);
                if (values == null) {
                    mapChunks = null; // the wrong type: rejected once, the file's map and the other sources apply
                    break;
                }
                mapChunks.add(values);
            }
            if (cache != null && cache.putMapChunks(plan, symbols, mapChunks)) {
                candidates.add(Keys.CLUSTER_MAP);
            }
        }
        // Decoded straight from the replies, symbol by symbol in the discovery's (sorted) order, through the one
        // decode path (InputCodec.Assembly, shared with snapshots): no hash of strings per symbol, no copy, no sort.
        InputCodec.Assembly assembly = new InputCodec.Assembly(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            List<String> budget = keptBudgets.get(i);
            if (budget == null) {
                budget = get(budgetResponses.get(i), DataSource.BUDGET, symbol, rejections); // null: wrong type, rejected
                audit(cache == null ? null : cache.put(plan, InputCache.Part.BUDGET, symbol, budget), candidates);
                if (budgetTtls.get(i) != null) {
                    cache.budgetExpiry(plan, symbol, ttl(budgetTtls.get(i)), now);
                }
            }
            if (budget != null && cached.isPresent() && allNull(budget)) {
                continue; // the budget key vanished since the SCAN: the symbol left the universe, in this cycle
            }
            String mapped = mapChunks == null ? null : mapChunks.get(i / CLUSTER_MAP_CHUNK).get(i % CLUSTER_MAP_CHUNK);
            if (mapped == null) {
                mapped = staticClusterMap.get(symbol);
            }
            Reply<List<String>> attributionResponse = attributionResponses.get(i);
            List<String> attribution = keptAttributions.get(i);
            if (attributionResponse != null) {
                attribution = get(attributionResponse, DataSource.ATTRIBUTION, symbol, rejections);
                audit(cache == null ? null : cache.put(plan, InputCache.Part.ATTRIBUTION, symbol, attribution), candidates);
            }
            assembly.symbol(symbol, budget, mapped, attribution);
        }
        Set<String> clustersInUse = new LinkedHashSet<>(assembly.clustersInUse());

        Map<String, String> regime = Map.of();
        Optional<Instant> regimeEntryTime = Optional.empty();
        List<StreamRecord> entries = get(regimeResponse, DataSource.REGIME, DataSource.REGIME_SUBJECT, rejections);
        if (entries != null && !entries.isEmpty()) {
            StreamRecord last = newestValidRegime(entries, rejections);
            regime = last.fields();
            regimeEntryTime = Optional.of(Instant.ofEpochMilli(last.millis()));
        }

        Decoded<ControlHash> control = control(controlLength, controlResponse);
        Bounded bounded = readBounded(nodes, scopedLength, discoveredLength, rejections);
        ScopedControls scoped = bounded.scoped();
        Map<String, String> discovered = bounded.discovered(); // the wrong type, denied or oversized: rejected once, the other sources apply
        Set<String> discoveredIds = new LinkedHashSet<>();
        for (String id : discovered.keySet()) {
            if (Scalars.isValidName(id) && !Allocator.UNKNOWN_CLUSTER.equals(id)) {
                discoveredIds.add(id); // which of them the map uses depends on their state, read with the stress hashes
                clustersInUse.add(id);
            }
        }
        Map<String, Map<String, String>> clusterStates = new HashMap<>(discoveredIds.size() * 2);
        long[] reads = {inputReads, 0};
        Map<String, Map<String, String>> stress = readStress(nodes, clustersInUse, discoveredIds, clusterStates, rejections, plan, candidates,
                reads);
        List<String> missed = cache == null ? List.of() : cache.settle(plan, candidates);

        CycleInputs inputs = assembly.finish(rejections, portfolio, stress, discovered, clusterStates, regime, regimeEntryTime);
        Optional<String> lastWrite = Optional.ofNullable(lastWriteResponse.orNullIfWrongType());
        long present = 0;
        for (Reply<Long> r : existsResponses) {
            present += r.get();
        }
        ReadResult.Cache how = new ReadResult.Cache(cache == null ? ReadResult.Cache.Kind.OFF : plan.audit() ? ReadResult.Cache.Kind.AUDIT
                : plan.use() ? ReadResult.Cache.Kind.INCREMENTAL : ReadResult.Cache.Kind.FULL, reads[0], missed, plan.note());
        return new ReadResult(inputs, rejections, control, scoped, lastWrite, discovery, connection.roundTrips() - before, discoverNanos,
                targets.size() - present, how);
    }

    /**
     * One SCAN pass (never KEYS) over {@link #DISCOVERY_PATTERN}, which covers both the budget keys and
     * the attribution keys, so attributions are read only for symbols that have one. In a Cluster, the
     * pass walks every primary.
     */
    /**
     * The symbols of one SCAN pass, at most {@link #maxSymbols} (DESIGN section 16: a universe beyond what
     * the heap holds is never a crash). Beyond it the symbols kept are, deterministically, those in
     * {@code written} (the targets the writer holds, so they stay refreshed), then the rest by name; the
     * keys seen beyond go to {@code over}. Memory during the pass is bounded by the same number: keys are
     * consumed page by page, never collected.
     */
    private List<String> discoverSymbols(Nodes nodes, List<Rejection> rejections, Set<String> withAttribution, Set<String> written,
                                         long[] over) {
        Comparator<String> order = Comparator.<String, Boolean>comparing(sym -> !written.contains(sym)).thenComparing(Comparator.naturalOrder());
        TreeSet<String> symbols = new TreeSet<>(order); // SCAN may repeat a key: a set
        TreeSet<String> attributed = new TreeSet<>(order);
        long[] badNames = {0};
        nodes.scan(DISCOVERY_PATTERN, key -> {
            if (key.startsWith(Keys.ATTRIBUTION_PREFIX)) {
                keep(attributed, key.substring(Keys.ATTRIBUTION_PREFIX.length()), null);
                return;
            }
            if (key.startsWith(Keys.CLUSTER_BUDGET_PREFIX) || !key.startsWith(Keys.BUDGET_PREFIX)) {
                return;
            }
            String suffix = key.substring(Keys.BUDGET_PREFIX.length());
            if (suffix.indexOf(':') >= 0) {
                return; // another namespace under the prefix, not a symbol
            }
            if (Scalars.isValidName(suffix)) {
                keep(symbols, suffix, over);
            } else if (badNames[0]++ < MAX_BAD_NAMES) {
                rejections.add(new Rejection(DataSource.BUDGET, RejectReason.BAD_NAME, Scalars.printable(suffix),
                        "key '" + Scalars.printable(key) + "' does not end in 1-64 characters of [A-Za-z0-9._-]"));
            }
        });
        if (badNames[0] > MAX_BAD_NAMES) {
            rejections.add(new Rejection(DataSource.BUDGET, RejectReason.BAD_NAME, "...",
                    (badNames[0] - MAX_BAD_NAMES) + " more budget keys with bad names, not listed"));
        }
        attributed.retainAll(symbols);
        withAttribution.addAll(attributed);
        List<String> sorted = new ArrayList<>(symbols);
        sorted.sort(null); // once per SCAN, not per cycle: budgets come out in this order
        return sorted;
    }

    /** Adds {@code symbol} to a set bounded at {@link #maxSymbols}: beyond it the last in the set's order goes, counted in {@code over}. */
    private void keep(TreeSet<String> set, String symbol, long[] over) {
        if (set.size() < maxSymbols) {
            set.add(symbol);
            return;
        }
        if (set.contains(symbol)) {
            return;
        }
        if (over != null) {
            over[0]++;
        }
        @SuppressWarnings("unchecked")
        Comparator<String> order = set.comparator() == null ? Comparator.naturalOrder() : (Comparator<String>) set.comparator();
        if (order.compare(symbol, set.last()) < 0) {
            set.pollLast();
            set.add(symbol);
        }
    }

    /** Rejections listed per SCAN for budget keys with bad names; the rest are one summary rejection. */
    static final int MAX_BAD_NAMES = 1000;

    /**
     * The stress hashes of the clusters in use and the state hashes of the discovered clusters, in one pipeline;
     * the states go into {@code clusterStates}.
     */
    private Map<String, Map<String, String>> readStress(Nodes nodes, Set<String> clusterIds, Set<String> discoveredIds,
                                                        Map<String, Map<String, String>> clusterStates, List<Rejection> rejections,
                                                        InputCache.Plan plan, List<String> candidates, long[] reads) {
        List<String> ids = new ArrayList<>();
        for (String id : clusterIds) {
            if (Scalars.isValidName(id) && !Allocator.UNKNOWN_CLUSTER.equals(id)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<String> stateIds = new ArrayList<>(discoveredIds);
        List<Reply<List<String>>> responses = request(nodes, ids, InputCache.Part.STRESS, plan, reads);
        List<Reply<List<String>>> stateResponses = request(nodes, stateIds, InputCache.Part.CLUSTER_STATE, plan, reads);
        if (reads[1] > 0) {
            nodes.sync();
        }
        for (int i = 0; i < stateIds.size(); i++) {
            String id = stateIds.get(i);
            List<String> values = reply(stateResponses.get(i), InputCache.Part.CLUSTER_STATE, id, plan, candidates,
                    r -> getOptional(r, DataSource.CLUSTER_MAP, id, rejections));
            Map<String, String> state = Reply.fields(values, InputCodec.CLUSTER_STATE_FIELDS);
            if (!state.isEmpty()) {
                clusterStates.put(id, state);
            }
        }
        Map<String, Map<String, String>> clusters = new HashMap<>(ids.size() * 2);
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            List<String> values = reply(responses.get(i), InputCache.Part.STRESS, id, plan, candidates,
                    r -> get(r, DataSource.CLUSTER, id, rejections));
            Map<String, String> hash = Reply.fields(values, InputCodec.STRESS_FIELDS);
            if (!hash.isEmpty()) {
                clusters.put(id, hash);
            }
        }
        return clusters;
    }

    /**
     * The HMGETs of {@code ids}' hashes of one part, a null reply for each the cache holds; counts them in {@code reads[0]} (input reads)
     * and {@code reads[1]} (sent in this pipeline).
     */
    private List<Reply<List<String>>> request(Nodes nodes, List<String> ids, InputCache.Part part, InputCache.Plan plan, long[] reads) {
        List<Reply<List<String>>> responses = new ArrayList<>(ids.size());
        for (String id : ids) {
            if (cache != null && cache.get(plan, part, id) != null) {
                responses.add(null);
                continue;
            }
            String key = part == InputCache.Part.STRESS ? Keys.stress(id) : Keys.clusterState(id);
            responses.add(nodes.pipeline(key).hmget(key, part == InputCache.Part.STRESS ? STRESS_FIELDS : CLUSTER_STATE_FIELDS));
            reads[0]++;
            reads[1]++;
        }
        return responses;
    }

    /** The values of one hash: kept by the cache (no reply), or the reply decoded by {@code get} and kept. */
    private List<String> reply(Reply<List<String>> response, InputCache.Part part, String id, InputCache.Plan plan, List<String> candidates,
                               java.util.function.Function<Reply<List<String>>, List<String>> get) {
        if (response == null) {
            return cache.get(plan, part, id);
        }
        List<String> values = get.apply(response);
        audit(cache == null ? null : cache.put(plan, part, id, values), candidates);
        return values;
    }

    private static void audit(String candidate, List<String> candidates) {
        if (candidate != null) {
            candidates.add(candidate);
        }
    }

    /** The field names of the per-symbol and per-cluster HMGETs, encoded once for the process. */
    private static final Arg[] BUDGET_FIELDS = raw(InputCodec.BUDGET_FIELDS);
    private static final Arg[] ATTRIBUTION_FIELDS = raw(InputCodec.ATTRIBUTION_FIELDS);
    private static final Arg[] STRESS_FIELDS = raw(InputCodec.STRESS_FIELDS);
    private static final Arg[] CLUSTER_STATE_FIELDS = raw(InputCodec.CLUSTER_STATE_FIELDS);

    private static Arg[] raw(String[] names) {
        Arg[] out = new Arg[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = Arg.of(names[i]);
        }
        return out;
    }

    private static boolean allNull(List<String> values) {
        for (String v : values) {
            if (v != null) {
                return false;
            }
        }
        return true;
    }

    /** A reply, or null after rejecting a WRONGTYPE reply. Any other error is Redis failing: rethrown. */
    static <T> T get(Reply<T> response, DataSource source, String subject, List<Rejection> rejections) {
        try {
            return response.get();
        } catch (ReplyError e) {
            if (!e.isWrongType()) {
                throw e;
            }
            rejections.add(new Rejection(source, RejectReason.WRONG_TYPE, subject, "key holds the wrong Redis type"));
            return null;
        }
    }

    /**
     * A budget's {@code PTTL}; an ACL written before this release (no {@code +pttl}) must not fail every cycle: then the
     * expiry is not known (-1) and the key counts as changed only when Redis deletes it, as in the third release.
     */
    private static long ttl(Reply<Long> response) {
        try {
            Long ms = response.get();
            return ms == null ? -1 : ms;
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            return -1;
        }
    }

    /**
     * How many of the regime stream's last entries a read looks at (DESIGN section 25): a garbage last entry falls back to
     * the newest valid one before it, which the rules then judge fresh or stale as any regime. A few, not the stream: an
     * entry may hold thousands of fields.
     */
    public static final int REGIME_LOOKBACK = 5;

    /**
     * Of the regime stream's last entries, newest first, the newest that decodes to a known regime with a time; each
     * newer one it passes over is rejected (counted and logged with the reason, and which entry applies instead). None
     * valid: the newest, so the rules fall back to 1.0 with its reason (DESIGN section 2, rule 3).
     */
    static StreamRecord newestValidRegime(List<StreamRecord> entries, List<Rejection> rejections) {
        List<Rejection> passedOver = new ArrayList<>();
        for (StreamRecord entry : entries) {
            List<Rejection> own = new ArrayList<>();
            Optional<RegimeState> state = InputCodec.decodeRegime(entry.fields(),
                    Optional.of(Instant.ofEpochMilli(entry.millis())), own);
            if (state.isPresent() && state.get().regime() != Regime.UNKNOWN) {
                String instead = "; the entry before it, " + entry.millis() + "-" + entry.sequence() + " (" + state.get().regime() + "), applies";
                for (Rejection r : passedOver) {
                    rejections.add(new Rejection(r.source(), r.reason(), r.subject(), r.detail() + instead));
                }
                return entry;
            }
            for (Rejection r : own) {
                passedOver.add(new Rejection(r.source(), r.reason(), r.subject(), "entry " + entry.millis() + "-" + entry.sequence() + ": "
                        + r.detail()));
            }
        }
        return entries.get(0); // none valid: its own decoding rejects it again
    }

    /**
     * The most fields of {@code quantum:portfolio:clusters} a read takes (the live stack writes one per cluster, tens of
     * them): beyond it the hash is rejected whole, counted and logged, and the other cluster sources apply.
     */
    static final int MAX_DISCOVERED_CLUSTERS = 10_000;

    private static final String DENIED = ": the service's Redis user may not read it (NOPERM): add the key to its ACL (docs/security.md)";

    /** The control hash from its HLEN and HMGET: wrong type and NOPERM are unreadable (the held control stays), not absent. */
    private static Decoded<ControlHash> control(Reply<Long> length, Reply<List<String>> fields) {
        try {
            Long n = length.orNullIfWrongType();
            List<String> values = fields.orNullIfWrongType();
            if (n == null || values == null) {
                return new Decoded.Invalid<>(ControlHash.WRONG_TYPE);
            }
            return ControlHash.decode(n, Reply.fields(values, ControlHash.FIELDS));
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            return new Decoded.Invalid<>(Keys.CONTROL + DENIED);
        }
    }

    /** The scoped controls and the discovered clusters, each read whole only within its bound. */
    private record Bounded(ScopedControls scoped, Map<String, String> discovered) {
    }

    /**
     * The second round trip, only when either hash has fields within its bound: {@code HGETALL} of each. An oversized,
     * wrong-typed or denied scoped-controls hash is {@link ScopedControls#unreadable}; such a discovered-clusters hash is
     * rejected ({@code data_source="cluster_map"}) and read as empty.
     */
    private static Bounded readBounded(Nodes nodes, Reply<Long> scopedLength, Reply<Long> discoveredLength, List<Rejection> rejections) {
        String scopedProblem = null;
        long scopedFields = 0;
        try {
            Long n = scopedLength.orNullIfWrongType();
            if (n == null) {
                scopedProblem = Keys.SCOPED_CONTROLS + ": holds the wrong Redis type (must be a hash)";
            } else if (n > ScopedControls.MAX_FIELDS) {
                scopedProblem = Keys.SCOPED_CONTROLS + ": holds " + n + " fields, more than " + ScopedControls.MAX_FIELDS
                        + " (not read: delete the key, then set the controls again)";
            } else {
                scopedFields = n;
            }
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            scopedProblem = Keys.SCOPED_CONTROLS + DENIED;
        }
        Long discoveredFields = getOptional(discoveredLength, DataSource.CLUSTER_MAP, Keys.DISCOVERED_CLUSTERS, rejections);
        if (discoveredFields != null && discoveredFields > MAX_DISCOVERED_CLUSTERS) {
            rejections.add(new Rejection(DataSource.CLUSTER_MAP, RejectReason.INVALID_VALUE, Keys.DISCOVERED_CLUSTERS, "holds "
                    + discoveredFields + " fields, more than " + MAX_DISCOVERED_CLUSTERS + ": not read, the other cluster sources apply"));
            discoveredFields = null;
        }
        Reply<Map<String, String>> scopedResponse = scopedFields > 0 ? nodes.pipeline(Keys.SCOPED_CONTROLS).hgetAll(Keys.SCOPED_CONTROLS) : null;
        Reply<Map<String, String>> discoveredResponse = discoveredFields != null && discoveredFields > 0
                ? nodes.pipeline(Keys.DISCOVERED_CLUSTERS).hgetAll(Keys.DISCOVERED_CLUSTERS) : null;
        if (scopedResponse != null || discoveredResponse != null) {
            nodes.sync();
        }
        ScopedControls scoped = scopedProblem != null ? ScopedControls.unreadable(scopedProblem) : ScopedControls.NONE;
        if (scopedResponse != null) {
            Map<String, String> hash = scopedResponse.orNullIfWrongType(); // changed type between the round trips: unreadable
            scoped = hash == null ? ScopedControls.unreadable(Keys.SCOPED_CONTROLS + ": holds the wrong Redis type (must be a hash)")
                    : hash.size() > ScopedControls.MAX_FIELDS ? ScopedControls.unreadable(Keys.SCOPED_CONTROLS + ": grew past "
                    + ScopedControls.MAX_FIELDS + " fields while read") : ScopedControls.decode(hash);
        }
        Map<String, String> discovered = discoveredResponse == null ? null
                : getOptional(discoveredResponse, DataSource.CLUSTER_MAP, Keys.DISCOVERED_CLUSTERS, rejections);
        return new Bounded(scoped, discovered == null ? Map.of() : discovered);
    }

    /**
     * A reply of an optional input (the live stack's discovered clusters), or null after rejecting a WRONGTYPE or
     * an ACL NOPERM reply ({@code denied}): an ACL written before the service read these keys must not fail every
     * cycle, which would let every target expire. Any other error is Redis failing: rethrown.
     */
    static <T> T getOptional(Reply<T> response, DataSource source, String subject, List<Rejection> rejections) {
        try {
            return get(response, source, subject, rejections);
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            rejections.add(new Rejection(source, RejectReason.DENIED, subject,
                    "the service's Redis user may not read it (NOPERM): add the key to its ACL (docs/security.md)"));
            return null;
        }
    }
}
