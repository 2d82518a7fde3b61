package com.quantumtrader.allocation.redis.read;

import static com.quantumtrader.allocation.redis.read.Replies.allNull;
import static com.quantumtrader.allocation.redis.read.Replies.control;
import static com.quantumtrader.allocation.redis.read.Replies.datasetToken;
import static com.quantumtrader.allocation.redis.read.Replies.get;
import static com.quantumtrader.allocation.redis.read.Replies.getOptional;
import static com.quantumtrader.allocation.redis.read.Replies.newestValidRegime;
import static com.quantumtrader.allocation.redis.read.Replies.readBounded;
import static com.quantumtrader.allocation.redis.read.Replies.ttl;
import com.quantumtrader.allocation.redis.client.Arg;
import com.quantumtrader.allocation.redis.client.Reply;
import com.quantumtrader.allocation.redis.client.StreamRecord;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.Nodes;
import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One read's work over one connection's nodes (DESIGN section 19, 20): what it asks in the pipeline (the keyspace walked,
 * or the discovery reused; each hash the cache cannot serve, with its expiry), then what the replies say, decoded through
 * {@link com.quantumtrader.allocation.redis.wire.InputCodec}'s one path. Made by {@link InputReader} for one read, which
 * owns what lasts between reads.
 */
/** One read's work over one connection's nodes: what it asks in the pipeline, then what the replies say. */
final class ReadPass {

    /** Fields per HMGET of the cluster map. */
    static final int CLUSTER_MAP_CHUNK = 1000;


    /** Keys per {@code EXISTS} of the lost-target check: short enough never to hold Redis (~0.1 ms each). */
    static final int EXISTS_CHUNK = 1000;


    /**
     * How many of the regime stream's last entries a read looks at (DESIGN section 25): a garbage last entry falls back to
     * the newest valid one before it, which the rules then judge fresh or stale as any regime. A few, not the stream: an
     * entry may hold thousands of fields.
     */
    static final int REGIME_LOOKBACK = 5;

    private final RedisConnection connection;
    private final InputCache cache;
    private final Map<String, String> staticClusterMap;
    private final int maxSymbols;
    private final Nodes nodes;
    private final Instant now;
    private final long before;
    private final long start = System.nanoTime();
    private final List<Rejection> rejections = new ArrayList<>();
    private final List<InputCache.Difference> differences = new ArrayList<>();
    private InputCache.Plan plan;
    private long inputReads;
    /** Commands sent in the pipeline under way. */
    private long sent;
    /** The dataset token this pass found (empty: denied by the ACL). */
    Optional<String> token = Optional.empty();

    ReadPass(RedisConnection connection, InputCache cache, Map<String, String> staticClusterMap, int maxSymbols, Nodes nodes,
             InputCache.Plan plan, Instant now) {
        this.connection = connection;
        this.cache = cache;
        this.staticClusterMap = staticClusterMap;
        this.maxSymbols = maxSymbols;
        this.nodes = nodes;
        this.plan = plan;
        this.now = now;
        this.before = connection.roundTrips();
    }

    ReadResult read(Optional<Discovery> reuse, Optional<Discovery> previous, List<String> targets) {
        Discovery found = reuse.orElseGet(() -> discover(targets));
        if (reuse.isEmpty() && plan.audit()) {
            compare(previous, found);
        }
        rejections.addAll(found.badNames());
        List<String> symbols = found.symbols();
        long discoverNanos = System.nanoTime() - start;
        plan = cache.fit(plan, symbols.size());
        Symbols asked = askSymbols(symbols, found.withAttribution());
        Reply<List<String>> portfolioResponse = nodes.pipeline(Keys.PORTFOLIO).hmget(Keys.PORTFOLIO, InputCodec.PORTFOLIO_FIELDS);
        Reply<List<StreamRecord>> regimeResponse = nodes.pipeline(Keys.REGIME_STREAM).lastEntries(Keys.REGIME_STREAM, REGIME_LOOKBACK);
        // The hashes read whole are sized first (HLEN), then read in a second round trip only within their bound: one key of a
        // million fields ended the JVM (DESIGN section 25). The control hash is read by its four fields alone.
        Reply<Long> discoveredLength = nodes.pipeline(Keys.DISCOVERED_CLUSTERS).hlen(Keys.DISCOVERED_CLUSTERS);
        Reply<Long> controlLength = nodes.pipeline(Keys.CONTROL).hlen(Keys.CONTROL);
        Reply<List<String>> controlResponse = nodes.pipeline(Keys.CONTROL).hmget(Keys.CONTROL, ControlHash.FIELDS);
        Reply<Long> scopedLength = nodes.pipeline(Keys.SCOPED_CONTROLS).hlen(Keys.SCOPED_CONTROLS);
        Reply<String> lastWriteResponse = nodes.pipeline(Keys.STATE).hget(Keys.STATE, StateHash.CYCLE_ID);
        // The dataset token: set if missing, then read, in the same round trip (a no-op SET NX is neither replicated nor heard).
        Reply<String> tokenSet = nodes.pipeline(Keys.DATASET).setIfAbsent(Keys.DATASET,
                java.util.UUID.randomUUID().toString()); // a new one each time: a swapped-in db must not get the old db's
        Reply<String> tokenResponse = nodes.pipeline(Keys.DATASET).get(Keys.DATASET);
        inputReads += 5; // portfolio, regime, discovered clusters, control, scoped controls
        List<Reply<Long>> existsResponses = askExists(targets);
        nodes.sync();

        Map<String, String> portfolio = Reply.fields(get(portfolioResponse, DataSource.PORTFOLIO, DataSource.PORTFOLIO_SUBJECT,
                rejections), InputCodec.PORTFOLIO_FIELDS);
        InputCodec.Assembly assembly = assemble(symbols, asked, reuse.isPresent());
        Set<String> clustersInUse = new LinkedHashSet<>(assembly.clustersInUse());
        Optional<StreamRecord> regime = Optional.ofNullable(get(regimeResponse, DataSource.REGIME, DataSource.REGIME_SUBJECT, rejections))
                .filter(entries -> !entries.isEmpty()).map(entries -> newestValidRegime(entries, rejections));
        Decoded<ControlHash> control = control(controlLength, controlResponse);
        Replies.Bounded bounded = readBounded(nodes, scopedLength, discoveredLength, rejections);
        Map<String, String> discovered = bounded.discovered(); // the wrong type, denied or oversized: rejected once, the other sources apply
        Set<String> discoveredIds = discoveredIds(discovered);
        clustersInUse.addAll(discoveredIds); // which of them the map uses depends on their state, read with the stress hashes
        Map<String, Map<String, String>> clusterStates = new HashMap<>(discoveredIds.size() * 2);
        Map<String, Map<String, String>> stress = readStress(clustersInUse, discoveredIds, clusterStates);
        List<String> missed = cache.settle(plan, differences, now.plusNanos(System.nanoTime() - start).plusSeconds(1));

        CycleInputs inputs = assembly.finish(rejections, portfolio, stress, discovered, clusterStates,
                regime.map(StreamRecord::fields).orElse(Map.of()), regime.map(r -> Instant.ofEpochMilli(r.millis())));
        Optional<String> lastWrite = Optional.ofNullable(lastWriteResponse.orNullIfWrongType());
        token = datasetToken(tokenSet, tokenResponse);
        long present = existsResponses.stream().mapToLong(Reply::get).sum();
        return new ReadResult(inputs, rejections, control, bounded.scoped(), lastWrite, found, connection.roundTrips() - before,
                discoverNanos, targets.size() - present, cacheOutcome(missed));
    }

    /** What the cache did in this pass: off, an audit, an incremental or a full read, with its drops and remark. */
    private ReadResult.Cache cacheOutcome(List<String> missed) {
        ReadResult.Cache.Kind kind = cache instanceof NoCache ? ReadResult.Cache.Kind.OFF : plan.audit() ? ReadResult.Cache.Kind.AUDIT
                : plan.use() ? ReadResult.Cache.Kind.INCREMENTAL : ReadResult.Cache.Kind.FULL;
        return new ReadResult.Cache(kind, inputReads, missed, plan.drops(), plan.note());
    }

    /** The discovered clusters' ids a symbol may be mapped to: valid names, not the unknown cluster. */
    private static Set<String> discoveredIds(Map<String, String> discovered) {
        Set<String> ids = new LinkedHashSet<>();
        for (String id : discovered.keySet()) {
            if (Scalars.isValidName(id) && !Allocator.UNKNOWN_CLUSTER.equals(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * Walks the keyspace. Over capacity with the written targets unknown (a start, a takeover), it finds them first, so they
     * are kept (and stay refreshed) rather than the first names: two more passes, only in this degraded case.
     */
    private Discovery discover(List<String> targets) {
        Discovery found = KeyspaceScan.scan(nodes, new HashSet<>(targets), now, maxSymbols);
        if (found.overCapacity() == 0 || !targets.isEmpty()) {
            return found;
        }
        TreeSet<String> targeted = new TreeSet<>(); // by name, at most maxSymbols of them: deterministic
        nodes.scan(Keys.TARGET_PREFIX + "*", key -> {
            String symbol = key.substring(Keys.TARGET_PREFIX.length());
            if (Scalars.isValidName(symbol)) {
                KeyspaceScan.keep(targeted, symbol, null, maxSymbols);
            }
        });
        return KeyspaceScan.scan(nodes, targeted, now, maxSymbols);
    }

    /**
     * An audit's check of the discovery it replaces: a budget key the keyspace holds that the last discovery lacked, or
     * one the cache still holds a budget for that the keyspace lacks, with no change heard for it before this read began,
     * is a difference (a new symbol while the link was down, a swapped dataset), settled as any other. Only between two
     * whole universes (no capacity overflow).
     */
    private void compare(Optional<Discovery> previous, Discovery found) {
        if (previous.isEmpty() || previous.get().overCapacity() > 0 || found.overCapacity() > 0) {
            return;
        }
        Set<String> was = new HashSet<>(previous.get().symbols());
        Set<String> is = new HashSet<>(found.symbols());
        for (String symbol : found.symbols()) {
            if (!was.contains(symbol) && !plan.heard().contains(Keys.budget(symbol))) {
                differences.add(new InputCache.Difference(Keys.budget(symbol), true, -1));
            }
        }
        for (String symbol : previous.get().symbols()) {
            if (!is.contains(symbol) && cache.holds(InputCache.Part.BUDGET, symbol, now)
                    && !plan.heard().contains(Keys.budget(symbol))) {
                differences.add(new InputCache.Difference(Keys.budget(symbol), false, -1));
            }
        }
    }

    /** The lost-target check's EXISTS, {@link #EXISTS_CHUNK} keys at a time (one per command in a Cluster: one slot each). */
    private List<Reply<Long>> askExists(List<String> targets) {
        List<Reply<Long>> responses = new ArrayList<>();
        if (!nodes.oneServer()) {
            for (String symbol : targets) {
                String key = Keys.target(symbol);
                responses.add(nodes.pipeline(key).exists(key));
            }
            return responses;
        }
        for (int from = 0; from < targets.size(); from += EXISTS_CHUNK) {
            List<String> chunk = targets.subList(from, Math.min(targets.size(), from + EXISTS_CHUNK));
            String[] keys = new String[chunk.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Keys.target(chunk.get(i));
            }
            responses.add(nodes.pipeline(keys[0]).exists(keys));
        }
        return responses;
    }

    /** Per symbol, what the cache holds or the replies asked for; and the cluster map's chunks. */
    private record Symbols(List<List<String>> keptMap, List<Reply<List<String>>> mapResponses, List<Asked> budgets,
                           List<Asked> attributions) {
    }

    /** One hash of one symbol or cluster: kept by the cache, or asked (HMGET, and its PTTL when the cache keeps it). */
    private record Asked(List<String> kept, Reply<List<String>> response, Reply<Long> ttl) {
        static final Asked NONE = new Asked(null, null, null);
    }

    /**
     * Asks for the cluster map's entries of this universe, in HMGETs of {@link #CLUSTER_MAP_CHUNK} fields (an HGETALL of a
     * 100,000-entry hash holds Redis for tens of ms), and each symbol's budget and attribution the cache cannot serve.
     */
    private Symbols askSymbols(List<String> symbols, Set<String> withAttribution) {
        List<List<String>> keptMap = cache.mapChunks(plan, symbols);
        List<Reply<List<String>>> mapResponses = new ArrayList<>(symbols.size() / CLUSTER_MAP_CHUNK + 1);
        for (int from = 0; keptMap == null && from < symbols.size(); from += CLUSTER_MAP_CHUNK) {
            inputReads++;
            String[] chunk = symbols.subList(from, Math.min(symbols.size(), from + CLUSTER_MAP_CHUNK)).toArray(new String[0]);
            mapResponses.add(nodes.pipeline(Keys.CLUSTER_MAP).hmget(Keys.CLUSTER_MAP, chunk));
        }
        List<Asked> budgets = new ArrayList<>(symbols.size());
        List<Asked> attributions = new ArrayList<>(symbols.size());
        for (String symbol : symbols) {
            budgets.add(ask(InputCache.Part.BUDGET, symbol, BUDGET_FIELDS));
            attributions.add(withAttribution.contains(symbol) ? ask(InputCache.Part.ATTRIBUTION, symbol, ATTRIBUTION_FIELDS) : Asked.NONE);
        }
        return new Symbols(keptMap, mapResponses, budgets, attributions);
    }

    /** {@code id}'s hash of {@code part}: served by the cache, or asked with its expiry (DESIGN section 20). */
    private Asked ask(InputCache.Part part, String id, Arg[] fields) {
        List<String> kept = cache.get(plan, part, id, now);
        if (kept != null) {
            return new Asked(kept, null, null);
        }
        String key = part.key(id);
        inputReads++;
        sent++;
        Reply<List<String>> response = nodes.pipeline(key).hmget(key, fields);
        return new Asked(null, response, plan.keep() ? nodes.pipeline(key).pttl(key) : null);
    }

    /** The value of one asked hash: the cache's, or the reply (null: the wrong type, rejected), kept with its expiry. */
    private List<String> value(InputCache.Part part, String id, Asked asked, Function<Reply<List<String>>, List<String>> get) {
        if (asked.response() == null) {
            return asked.kept();
        }
        List<String> values = get.apply(asked.response());
        InputCache.Difference d = cache.put(plan, part, id, values, now);
        if (d != null) {
            differences.add(d);
        }
        if (asked.ttl() != null) {
            cache.expiry(plan, part, id, ttl(asked.ttl()), now);
        }
        return values;
    }

    /**
     * Decodes the symbols straight from the replies, in the discovery's (sorted) order, through the one decode path
     * ({@link InputCodec.Assembly}, shared with snapshots): no hash of strings per symbol, no copy, no sort.
     */
    private InputCodec.Assembly assemble(List<String> symbols, Symbols asked, boolean reused) {
        List<List<String>> mapChunks = asked.keptMap() != null ? asked.keptMap() : mapChunks(symbols, asked.mapResponses());
        InputCodec.Assembly assembly = new InputCodec.Assembly(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            List<String> budget = value(InputCache.Part.BUDGET, symbol, asked.budgets().get(i),
                    r -> get(r, DataSource.BUDGET, symbol, rejections)); // null: wrong type, rejected
            if (budget != null && reused && allNull(budget)) {
                continue; // the budget key vanished since the SCAN: the symbol left the universe, in this cycle
            }
            String mapped = mapChunks == null ? null : mapChunks.get(i / CLUSTER_MAP_CHUNK).get(i % CLUSTER_MAP_CHUNK);
            if (mapped == null) {
                mapped = staticClusterMap.get(symbol);
            }
            List<String> attribution = value(InputCache.Part.ATTRIBUTION, symbol, asked.attributions().get(i),
                    r -> get(r, DataSource.ATTRIBUTION, symbol, rejections));
            assembly.symbol(symbol, budget, mapped, attribution);
        }
        return assembly;
    }

    /** The cluster map's chunks from their replies (null: the wrong type, rejected once; the file's map applies), kept. */
    private List<List<String>> mapChunks(List<String> symbols, List<Reply<List<String>>> responses) {
        List<List<String>> chunks = new ArrayList<>(responses.size());
        for (Reply<List<String>> chunk : responses) {
            List<String> values = get(chunk, DataSource.CLUSTER_MAP, Keys.CLUSTER_MAP, rejections);
            if (values == null) {
                chunks = null;
                break;
            }
            chunks.add(values);
        }
        if (cache.putMapChunks(plan, symbols, chunks)) {
            differences.add(new InputCache.Difference(Keys.CLUSTER_MAP, true, -1));
        }
        return chunks;
    }

    /**
     * The stress hashes of the clusters in use and the state hashes of the discovered clusters, in one pipeline; the
     * states go into {@code clusterStates}.
     */
    private Map<String, Map<String, String>> readStress(Set<String> clusterIds, Set<String> discoveredIds,
                                                        Map<String, Map<String, String>> clusterStates) {
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
        sent = 0;
        List<Asked> stresses = new ArrayList<>(ids.size());
        ids.forEach(id -> stresses.add(ask(InputCache.Part.STRESS, id, STRESS_FIELDS)));
        List<Asked> states = new ArrayList<>(stateIds.size());
        stateIds.forEach(id -> states.add(ask(InputCache.Part.CLUSTER_STATE, id, CLUSTER_STATE_FIELDS)));
        if (sent > 0) {
            nodes.sync();
        }
        hashes(InputCache.Part.CLUSTER_STATE, stateIds, states, DataSource.CLUSTER_MAP, InputCodec.CLUSTER_STATE_FIELDS, clusterStates);
        Map<String, Map<String, String>> clusters = new HashMap<>(ids.size() * 2);
        hashes(InputCache.Part.STRESS, ids, stresses, DataSource.CLUSTER, InputCodec.STRESS_FIELDS, clusters);
        return clusters;
    }

    /**
     * Each asked hash of {@code ids} that holds a field, by id, into {@code into}. A cluster state hash is optional (an ACL
     * without it is a rejection, not a failed cycle), a stress hash is not.
     */
    private void hashes(InputCache.Part part, List<String> ids, List<Asked> asked, DataSource source, String[] fields,
                        Map<String, Map<String, String>> into) {
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            Map<String, String> hash = Reply.fields(value(part, id, asked.get(i), r -> part == InputCache.Part.CLUSTER_STATE
                    ? getOptional(r, source, id, rejections) : get(r, source, id, rejections)), fields);
            if (!hash.isEmpty()) {
                into.put(id, hash);
            }
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
}
