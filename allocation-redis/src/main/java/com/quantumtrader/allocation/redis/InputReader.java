package com.quantumtrader.allocation.redis;

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
public final class InputReader {

    /** Fields per HMGET of the cluster map. */
    static final int CLUSTER_MAP_CHUNK = 1000;
    /** Matches {@code quantum:portfolio:budget:*} and {@code quantum:alpha:attribution:*} in one pass, and not the service's own
     * {@code quantum:allocation:*} keys, which Redis then need not send. */
    static final String DISCOVERY_PATTERN = "quantum:[pa][lo][pr]*";


    private final RedisConnection connection;
    private final Map<String, String> staticClusterMap;
    private final int maxSymbols;

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
        this.connection = Objects.requireNonNull(connection, "connection");
        this.staticClusterMap = Map.copyOf(staticClusterMap);
        if (maxSymbols < 1) {
            throw new IllegalArgumentException("maxSymbols: must be >= 1, was " + maxSymbols);
        }
        this.maxSymbols = maxSymbols;
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
        return connection.call(RedisFailure.Operation.READ, nodes -> read(nodes, previous.filter(d -> d.fresh(now)), now, targets));
    }

    /** Keys per {@code EXISTS} of the lost-target check: short enough never to hold Redis (~0.1 ms each). */
    static final int EXISTS_CHUNK = 1000;

    private ReadResult read(Nodes nodes, Optional<Discovery> cached, Instant now, List<String> targets) {
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

        Reply<List<String>> portfolioResponse = nodes.pipeline(Keys.PORTFOLIO).hmget(Keys.PORTFOLIO, InputCodec.PORTFOLIO_FIELDS);
        // The cluster map's entries of this universe only, in HMGETs of CLUSTER_MAP_CHUNK fields: an HGETALL of a
        // 100,000-entry hash holds Redis for tens of ms, and entries of symbols without a budget are not needed.
        List<Reply<List<String>>> clusterMapResponses = new ArrayList<>(symbols.size() / CLUSTER_MAP_CHUNK + 1);
        for (int from = 0; from < symbols.size(); from += CLUSTER_MAP_CHUNK) {
            String[] chunk = symbols.subList(from, Math.min(symbols.size(), from + CLUSTER_MAP_CHUNK)).toArray(new String[0]);
            clusterMapResponses.add(nodes.pipeline(Keys.CLUSTER_MAP).hmget(Keys.CLUSTER_MAP, chunk));
        }
        Reply<List<StreamRecord>> regimeResponse = nodes.pipeline(Keys.REGIME_STREAM).lastEntry(Keys.REGIME_STREAM);
        Reply<Map<String, String>> discoveredResponse = nodes.pipeline(Keys.DISCOVERED_CLUSTERS).hgetAll(Keys.DISCOVERED_CLUSTERS);
        Reply<Map<String, String>> controlResponse = nodes.pipeline(Keys.CONTROL).hgetAll(Keys.CONTROL);
        Reply<Map<String, String>> scopedResponse = nodes.pipeline(Keys.SCOPED_CONTROLS).hgetAll(Keys.SCOPED_CONTROLS);
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
        for (String symbol : symbols) {
            String budgetKey = Keys.budget(symbol);
            budgetResponses.add(nodes.pipeline(budgetKey).hmget(budgetKey, BUDGET_FIELDS));
            String attributionKey = Keys.attribution(symbol);
            attributionResponses.add(withAttribution.contains(symbol)
                    ? nodes.pipeline(attributionKey).hmget(attributionKey, ATTRIBUTION_FIELDS) : null);
        }
        nodes.sync();

        Map<String, String> portfolio = Reply.fields(get(portfolioResponse, DataSource.PORTFOLIO, DataSource.PORTFOLIO_SUBJECT,
                rejections), InputCodec.PORTFOLIO_FIELDS);

        List<List<String>> mapChunks = new ArrayList<>(clusterMapResponses.size());
        for (Reply<List<String>> chunk : clusterMapResponses) {
            List<String> values = get(chunk, DataSource.CLUSTER_MAP, Keys.CLUSTER_MAP, rejections);
            if (values == null) {
                mapChunks = null; // the wrong type: rejected once, the file's map and the other sources apply
                break;
            }
            mapChunks.add(values);
        }
        // Decoded straight from the replies, symbol by symbol in the discovery's (sorted) order, through the one
        // decode path (InputCodec.Assembly, shared with snapshots): no hash of strings per symbol, no copy, no sort.
        InputCodec.Assembly assembly = new InputCodec.Assembly(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            List<String> budget = get(budgetResponses.get(i), DataSource.BUDGET, symbol, rejections); // null: wrong type, rejected
            if (budget != null && cached.isPresent() && allNull(budget)) {
                continue; // the budget key vanished since the SCAN: the symbol left the universe, in this cycle
            }
            String mapped = mapChunks == null ? null : mapChunks.get(i / CLUSTER_MAP_CHUNK).get(i % CLUSTER_MAP_CHUNK);
            if (mapped == null) {
                mapped = staticClusterMap.get(symbol);
            }
            Reply<List<String>> attributionResponse = attributionResponses.get(i);
            List<String> attribution = attributionResponse == null ? null
                    : get(attributionResponse, DataSource.ATTRIBUTION, symbol, rejections);
            assembly.symbol(symbol, budget, mapped, attribution);
        }
        Set<String> clustersInUse = new LinkedHashSet<>(assembly.clustersInUse());

        Map<String, String> regime = Map.of();
        Optional<Instant> regimeEntryTime = Optional.empty();
        List<StreamRecord> entries = get(regimeResponse, DataSource.REGIME, DataSource.REGIME_SUBJECT, rejections);
        if (entries != null && !entries.isEmpty()) {
            StreamRecord last = entries.get(0);
            regime = last.fields();
            regimeEntryTime = Optional.of(Instant.ofEpochMilli(last.millis()));
        }

        Map<String, String> controlHash = controlResponse.orNullIfWrongType();
        Decoded<ControlHash> control = controlHash == null ? new Decoded.Invalid<>(ControlHash.WRONG_TYPE) : ControlHash.decode(controlHash);
        ScopedControls scoped = scoped(scopedResponse);

        Map<String, String> discovered = getOptional(discoveredResponse, DataSource.CLUSTER_MAP, Keys.DISCOVERED_CLUSTERS, rejections);
        if (discovered == null) {
            discovered = Map.of(); // the wrong type or denied: rejected once, the other sources apply
        }
        Set<String> discoveredIds = new LinkedHashSet<>();
        for (String id : discovered.keySet()) {
            if (Scalars.isValidName(id) && !Allocator.UNKNOWN_CLUSTER.equals(id)) {
                discoveredIds.add(id); // which of them the map uses depends on their state, read with the stress hashes
                clustersInUse.add(id);
            }
        }
        Map<String, Map<String, String>> clusterStates = new HashMap<>(discoveredIds.size() * 2);
        Map<String, Map<String, String>> stress = readStress(nodes, clustersInUse, discoveredIds, clusterStates, rejections);

        CycleInputs inputs = assembly.finish(rejections, portfolio, stress, discovered, clusterStates, regime, regimeEntryTime);
        Optional<String> lastWrite = Optional.ofNullable(lastWriteResponse.orNullIfWrongType());
        long present = 0;
        for (Reply<Long> r : existsResponses) {
            present += r.get();
        }
        return new ReadResult(inputs, rejections, control, scoped, lastWrite, discovery, connection.roundTrips() - before, discoverNanos,
                targets.size() - present);
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
                                                        Map<String, Map<String, String>> clusterStates, List<Rejection> rejections) {
        List<String> ids = new ArrayList<>();
        for (String id : clusterIds) {
            if (Scalars.isValidName(id) && !Allocator.UNKNOWN_CLUSTER.equals(id)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<Reply<List<String>>> responses = new ArrayList<>(ids.size());
        for (String id : ids) {
            String key = Keys.stress(id);
            responses.add(nodes.pipeline(key).hmget(key, STRESS_FIELDS));
        }
        List<String> stateIds = new ArrayList<>(discoveredIds);
        List<Reply<List<String>>> stateResponses = new ArrayList<>(stateIds.size());
        for (String id : stateIds) {
            String key = Keys.clusterState(id);
            stateResponses.add(nodes.pipeline(key).hmget(key, CLUSTER_STATE_FIELDS));
        }
        nodes.sync();
        for (int i = 0; i < stateIds.size(); i++) {
            Map<String, String> state = Reply.fields(getOptional(stateResponses.get(i), DataSource.CLUSTER_MAP, stateIds.get(i), rejections),
                    InputCodec.CLUSTER_STATE_FIELDS);
            if (!state.isEmpty()) {
                clusterStates.put(stateIds.get(i), state);
            }
        }
        Map<String, Map<String, String>> clusters = new HashMap<>(ids.size() * 2);
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> hash = Reply.fields(get(responses.get(i), DataSource.CLUSTER, ids.get(i), rejections), InputCodec.STRESS_FIELDS);
            if (!hash.isEmpty()) {
                clusters.put(ids.get(i), hash);
            }
        }
        return clusters;
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
     * The scoped controls: the hash decoded, or one invalid entry when the key is of the wrong type or the ACL denies it
     * (an ACL written before this release must not fail every cycle; the controls it cannot read are reported).
     */
    private static ScopedControls scoped(Reply<Map<String, String>> response) {
        try {
            Map<String, String> hash = response.orNullIfWrongType();
            return hash == null ? new ScopedControls(List.of(), List.of(Keys.SCOPED_CONTROLS + ": holds the wrong Redis type (must be a hash)"))
                    : ScopedControls.decode(hash);
        } catch (ReplyError e) {
            if (!e.isDenied()) {
                throw e;
            }
            return new ScopedControls(List.of(), List.of(Keys.SCOPED_CONTROLS + ": the service's Redis user may not read it (NOPERM):"
                    + " add the key to its ACL (docs/security.md)"));
        }
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
