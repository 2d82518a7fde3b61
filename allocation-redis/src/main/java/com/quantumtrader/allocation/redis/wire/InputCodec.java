package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.redis.read.InputReader;
import static com.quantumtrader.allocation.core.Scalars.isValidName;
import static com.quantumtrader.allocation.redis.wire.FieldRules.badName;
import static com.quantumtrader.allocation.redis.wire.FieldRules.symbolArray;
import static com.quantumtrader.allocation.redis.wire.FieldRules.number;
import static com.quantumtrader.allocation.redis.wire.FieldRules.numberOrNaN;
import static com.quantumtrader.allocation.redis.wire.FieldRules.sortedKeys;
import static com.quantumtrader.allocation.redis.wire.FieldRules.timestamp;
import static com.quantumtrader.allocation.redis.wire.FieldRules.timestampOrNull;
import static com.quantumtrader.allocation.redis.wire.FieldRules.valuesOf;
import static com.quantumtrader.allocation.core.Scalars.parseNumber;
import static com.quantumtrader.allocation.core.Scalars.printable;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.ClusterStress;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.DiscoveredCluster;
import com.quantumtrader.allocation.core.PerformanceAttribution;
import com.quantumtrader.allocation.core.PortfolioState;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.RegimeState;
import com.quantumtrader.allocation.core.RejectReason;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.SymbolBudget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * The input half of the wire contract (DESIGN section 3): the field names of every input hash and
 * their decoding into core's typed inputs. {@code read.InputReader} reads exactly these fields; the
 * snapshot file and the golden cases decode through here too. Nothing here throws on bad data:
 * every discarded value becomes a {@link Rejection}.
 */
public final class InputCodec {

    public static final String EQUITY_USD = "equity_usd";
    public static final String DRAWDOWN = "drawdown";
    public static final String TIMESTAMP = "timestamp";
    public static final String TS_UTC = "ts_utc";
    public static final String BUDGET_USD = "budget_usd";
    public static final String CLUSTER_ID = "cluster_id";
    public static final String STRESS = "stress";
    public static final String ALPHA = "alpha";
    public static final String REGIME = "regime";
    public static final String CONFIDENCE = "confidence";
    public static final String PERFORMANCE_FACTOR = "performance_factor";
    public static final String UPDATED_TS = "updated_ts";

    /** The fields read from {@code quantum:state:portfolio}. */
    public static final String[] PORTFOLIO_FIELDS = {EQUITY_USD, DRAWDOWN, TIMESTAMP, TS_UTC};
    /** The fields read from {@code quantum:portfolio:budget:{symbol}}. */
    public static final String[] BUDGET_FIELDS = {BUDGET_USD, TIMESTAMP, CLUSTER_ID};
    /** The fields read from {@code quantum:cluster:stress:{cluster}}. */
    public static final String[] STRESS_FIELDS = {STRESS, ALPHA, TIMESTAMP};
    /** The fields read from {@code quantum:portfolio:cluster_state:{cluster}}. */
    public static final String[] CLUSTER_STATE_FIELDS = {STRESS, UPDATED_TS};
    /** The fields read from {@code quantum:alpha:attribution:{symbol}}. */
    public static final String[] ATTRIBUTION_FIELDS = {PERFORMANCE_FACTOR, TS_UTC, TIMESTAMP};

    private InputCodec() {
    }

    /**
     * Decodes one cycle's raw hashes. Nothing here throws on bad data: every discarded value becomes
     * a {@link Rejection}, and the typed value is left out (or, for a cluster hash's stress and
     * alpha and a regime's name and confidence, marked unusable) so the rules fall back.
     * Keys are visited in sorted order, so budgets come out sorted by symbol and identical inputs
     * give identical output, rejections included, whatever order Redis returned them in.
     */
    public static CycleInputs decode(RawInputs raw) {
        return decode(raw, List.of());
    }

    /**
     * Decodes one cycle's raw hashes after rejections the reader already made (a key of the wrong
     * Redis type, a bad key name); those come first in the result's rejections. The same
     * {@link Assembly} as the reader's, fed from hashes instead of replies.
     */
    public static CycleInputs decode(RawInputs raw, List<Rejection> readRejections) {
        TreeSet<String> symbols = new TreeSet<>(raw.budgets().keySet());
        symbols.addAll(raw.clusterMap().keySet());
        symbols.addAll(raw.attributions().keySet());
        Assembly assembly = new Assembly(symbols.size());
        for (String symbol : symbols) {
            Map<String, String> budget = raw.budgets().get(symbol);
            Map<String, String> attribution = raw.attributions().get(symbol);
            assembly.symbol(symbol, budget == null ? null : valuesOf(budget, BUDGET_FIELDS), raw.clusterMap().get(symbol),
                    attribution == null ? null : valuesOf(attribution, ATTRIBUTION_FIELDS));
        }
        return assembly.finish(readRejections, raw.portfolio(), raw.clusters(), raw.discovered(), raw.clusterStates(), raw.regime(),
                raw.regimeEntryTime());
    }

    /**
     * The one decode path of a cycle's inputs, used by {@link #decode(RawInputs)} (snapshots, golden cases) and by the
     * reader straight from its replies: symbols are fed in sorted order, each with the values of its budget hash
     * ({@link #BUDGET_FIELDS}' order, null: no budget read), its cluster-map entry and the values of its attribution
     * hash ({@link #ATTRIBUTION_FIELDS}' order, null: none read); {@link #finish} decodes the few whole hashes and returns
     * the inputs with the rejections in one order: read, portfolio, budgets, cluster map, clusters and discovered
     * clusters, regime, attributions. Lives for one decode, on one thread.
     */
    public static final class Assembly {
        private final List<SymbolBudget> budgets;
        private final List<Map.Entry<String, String>> clusterMap = new ArrayList<>();
        private final Map<String, PerformanceAttribution> attributions = new HashMap<>();
        private final Set<String> clustersInUse = new LinkedHashSet<>();
        private final List<Rejection> budgetRejections = new ArrayList<>();
        private final List<Rejection> mapRejections = new ArrayList<>();
        private final List<Rejection> attributionRejections = new ArrayList<>();

        public Assembly(int expectedSymbols) {
            budgets = new ArrayList<>(expectedSymbols);
        }

        /** One symbol's values; a name that breaks the rule is rejected per source that names it. */
        public void symbol(String symbol, List<String> budget, String mapped, List<String> attribution) {
            boolean valid = isValidName(symbol);
            if (budget != null) {
                if (!valid) {
                    budgetRejections.add(badName(DataSource.BUDGET, printable(symbol), "symbol", symbol));
                } else {
                    SymbolBudget b = budget(symbol, budget.get(0), budget.get(1), budget.get(2), budgetRejections);
                    if (b != null) {
                        budgets.add(b);
                        b.clusterId().ifPresent(clustersInUse::add);
                    }
                }
            }
            if (mapped != null) {
                if (!valid) {
                    mapRejections.add(badName(DataSource.CLUSTER_MAP, printable(symbol), "symbol", symbol));
                } else {
                    String cluster = mappedCluster(symbol, mapped, mapRejections);
                    if (cluster != null) {
                        clusterMap.add(Map.entry(symbol, cluster));
                        clustersInUse.add(cluster);
                    }
                }
            }
            if (attribution != null && !allNull(attribution)) {
                if (!valid) {
                    attributionRejections.add(badName(DataSource.ATTRIBUTION, printable(symbol), "symbol", symbol));
                } else {
                    PerformanceAttribution a = attribution(symbol, attribution.get(0), attribution.get(1), attribution.get(2),
                            attributionRejections);
                    if (a != null) {
                        attributions.put(symbol, a);
                    }
                }
            }
        }

        /** The clusters the symbols fed so far name (budget's cluster_id, cluster map): the stress hashes worth reading. */
        public Set<String> clustersInUse() {
            return clustersInUse;
        }

        /** The inputs: the symbols fed so far and these whole hashes (empty: the key does not exist). */
        public CycleInputs finish(List<Rejection> readRejections, Map<String, String> portfolio, Map<String, Map<String, String>> stress,
                                  Map<String, String> discoveredHash, Map<String, Map<String, String>> clusterStates,
                                  Map<String, String> regime, Optional<Instant> regimeEntryTime) {
            List<Rejection> all = new ArrayList<>(readRejections.size() + budgetRejections.size() + mapRejections.size()
                    + attributionRejections.size() + 8);
            all.addAll(readRejections);
            Optional<PortfolioState> portfolioState = decodePortfolio(portfolio, all);
            all.addAll(budgetRejections);
            all.addAll(mapRejections);
            List<DiscoveredCluster> discovered = new ArrayList<>(discoveredHash.size());
            Map<String, ClusterStress> clusters = decodeClusters(stress, discoveredHash, clusterStates, discovered, all);
            Optional<RegimeState> regimeState = decodeRegime(regime, regimeEntryTime, all);
            all.addAll(attributionRejections);
            @SuppressWarnings("unchecked")
            Map.Entry<String, String>[] entries = clusterMap.toArray(new Map.Entry[0]);
            return new CycleInputs(portfolioState, budgets, Map.ofEntries(entries), discovered, clusters, regimeState, attributions, all);
        }
    }

    private static boolean allNull(List<String> values) {
        for (String v : values) {
            if (v != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The stress hashes and the live stack's discovered clusters with their state hashes, each in sorted order: the
     * stress of each cluster (its stress hash, else a discovered cluster's state) and, into {@code discovered}, the
     * discovered clusters.
     */
    public static Map<String, ClusterStress> decodeClusters(Map<String, Map<String, String>> stress, Map<String, String> discoveredHash,
                                                     Map<String, Map<String, String>> states, List<DiscoveredCluster> discovered,
                                                     List<Rejection> rejections) {
        Map<String, ClusterStress> clusters = new HashMap<>((stress.size() + discoveredHash.size()) * 2);
        for (String id : sortedKeys(stress)) {
            decodeCluster(id, stress.get(id), rejections).ifPresent(c -> clusters.put(id, c));
        }
        for (String id : sortedKeys(discoveredHash)) {
            Map<String, String> state = states.getOrDefault(id, Map.of());
            Optional<DiscoveredCluster> cluster = decodeDiscovered(id, discoveredHash.get(id), state, rejections);
            cluster.ifPresent(discovered::add);
            if (cluster.isPresent() && !stress.containsKey(id) && !state.isEmpty()) {
                decodeClusterState(id, state, cluster.get().updated(), rejections).ifPresent(c -> clusters.put(id, c));
            }
        }
        return clusters;
    }

    /** The portfolio hash: {@code equity_usd}, {@code drawdown}, {@code timestamp} (else {@code ts_utc}). Empty hash: missing. */
    public static Optional<PortfolioState> decodePortfolio(Map<String, String> hash, List<Rejection> rejections) {
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        String subject = DataSource.PORTFOLIO_SUBJECT;
        OptionalDouble equity = number(DataSource.PORTFOLIO, subject, hash, EQUITY_USD, rejections);
        OptionalDouble drawdown = number(DataSource.PORTFOLIO, subject, hash, DRAWDOWN, rejections);
        Optional<Instant> ts = timestamp(DataSource.PORTFOLIO, subject, hash, TIMESTAMP, TS_UTC, rejections);
        if (equity.isEmpty() || drawdown.isEmpty() || ts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PortfolioState(equity.getAsDouble(), drawdown.getAsDouble(), ts.get()));
    }

    /**
     * One budget hash through the {@link Assembly}: {@code budget_usd} (finite, {@code >= 0}), {@code timestamp},
     * optional {@code cluster_id}. A hash with none of the three (empty: the key vanished between discovery and read)
     * is rejected as vanished, as the reader, which reads only those fields, sees it.
     */
    public static Optional<SymbolBudget> decodeBudget(String symbol, Map<String, String> hash, List<Rejection> rejections) {
        Assembly one = new Assembly(1);
        one.symbol(symbol, valuesOf(hash, BUDGET_FIELDS), null, null);
        rejections.addAll(one.budgetRejections);
        return one.budgets.isEmpty() ? Optional.empty() : Optional.of(one.budgets.get(0));
    }

    /**
     * A budget from its fields' values as Redis returned them ({@code null}: absent), for a symbol whose name is
     * valid, as the {@link Assembly} feeds them.
     * All three absent is a key that vanished between discovery and read: rejected.
     *
     * @return the budget, or null when it was rejected
     */
    private static SymbolBudget budget(String symbol, String usd, String ts, String cluster, List<Rejection> rejections) {
        if (usd == null && ts == null && cluster == null) {
            rejections.add(new Rejection(DataSource.BUDGET, RejectReason.MISSING_FIELD, symbol, "budget hash vanished before it was read"));
            return null;
        }
        double budget = numberOrNaN(DataSource.BUDGET, symbol, BUDGET_USD, usd, rejections);
        if (budget < 0) {
            rejections.add(new Rejection(DataSource.BUDGET, RejectReason.INVALID_VALUE, symbol,
                    "budget_usd=" + printable(usd) + " must be >= 0"));
            budget = Double.NaN;
        }
        Instant t = timestampOrNull(DataSource.BUDGET, symbol, TIMESTAMP, ts, null, null, rejections);
        if (Double.isNaN(budget) || t == null) {
            return null;
        }
        Optional<String> clusterId = Optional.empty();
        if (cluster != null && !cluster.isBlank()) {
            String stripped = cluster.strip();
            if (isValidName(stripped)) {
                clusterId = Optional.of(stripped);
            } else {
                rejections.add(badName(DataSource.CLUSTER_MAP, symbol, CLUSTER_ID, cluster));
            }
        }
        return new SymbolBudget(symbol, budget + 0.0, t, clusterId);
    }

    /**
     * One entry of the operator's cluster map for a symbol whose name is valid: the cluster, stripped, or null after
     * rejecting a bad name (the next source of the map then applies).
     */
    private static String mappedCluster(String symbol, String cluster, List<Rejection> rejections) {
        String stripped = cluster.strip();
        if (isValidName(stripped)) {
            return stripped;
        }
        rejections.add(badName(DataSource.CLUSTER_MAP, symbol, "cluster", cluster));
        return null;
    }

    /**
     * A cluster stress hash: {@code stress}, {@code alpha}, {@code timestamp}. Without a usable
     * timestamp the hash is rejected whole; a bad stress or alpha is rejected alone.
     */
    public static Optional<ClusterStress> decodeCluster(String clusterId, Map<String, String> hash, List<Rejection> rejections) {
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        if (!isValidName(clusterId)) {
            rejections.add(badName(DataSource.CLUSTER, printable(clusterId), "cluster", clusterId));
            return Optional.empty();
        }
        Optional<Instant> ts = timestamp(DataSource.CLUSTER, clusterId, hash, TIMESTAMP, null, rejections);
        OptionalDouble stress = number(DataSource.CLUSTER, clusterId, hash, STRESS, rejections);
        OptionalDouble alpha = number(DataSource.CLUSTER, clusterId, hash, ALPHA, rejections);
        return ts.map(t -> new ClusterStress(clusterId, stress, alpha, t));
    }

    /**
     * One field of {@code quantum:portfolio:clusters} with its {@code cluster_state} hash (DESIGN section 15).
     * The value must be a JSON array of strings; a member that is not a symbol name is rejected alone
     * ({@code bad_name}), anything else makes the whole field a rejection ({@code invalid_value}), all under
     * {@code data_source="cluster_map"} with the cluster id as subject. A missing state hash is no rejection
     * (the service leaves fields of clusters that no longer exist behind): the cluster is kept with no
     * {@code updated}, which core never uses for the map. A state hash without a usable {@code updated_ts} is rejected.
     */
    public static Optional<DiscoveredCluster> decodeDiscovered(String id, String json, Map<String, String> state, List<Rejection> rejections) {
        if (!isValidName(id)) {
            rejections.add(badName(DataSource.CLUSTER_MAP, printable(id), "discovered cluster", id));
            return Optional.empty();
        }
        if (Allocator.UNKNOWN_CLUSTER.equals(id)) {
            rejections.add(new Rejection(DataSource.CLUSTER_MAP, RejectReason.INVALID_VALUE, id,
                    "discovered cluster id " + id + " is reserved for symbols no map assigns"));
            return Optional.empty();
        }
        List<String> members = new ArrayList<>();
        if (!symbolArray(json, id, members, rejections)) {
            rejections.add(new Rejection(DataSource.CLUSTER_MAP, RejectReason.INVALID_VALUE, id,
                    "value '" + printable(json) + "' is not a JSON array of symbol names"));
            return Optional.empty();
        }
        Optional<Instant> updated = Optional.empty();
        if (!state.isEmpty()) {
            updated = timestamp(DataSource.CLUSTER_MAP, id, state, UPDATED_TS, null, rejections);
        }
        return Optional.of(new DiscoveredCluster(id, members, updated));
    }

    /**
     * A discovered cluster's stress, for a cluster with no {@code quantum:cluster:stress} hash: {@code stress}
     * with {@code updated_ts} as its timestamp and no alpha (that hash has none). A bad or missing {@code stress}
     * is a {@code data_source="cluster"} rejection, as it would be in a stress hash.
     */
    static Optional<ClusterStress> decodeClusterState(String id, Map<String, String> state, Optional<Instant> updated,
                                                      List<Rejection> rejections) {
        if (updated.isEmpty()) {
            return Optional.empty(); // updated_ts missing or unusable: already rejected under cluster_map
        }
        OptionalDouble stress = number(DataSource.CLUSTER, id, state, STRESS, rejections);
        return Optional.of(new ClusterStress(id, stress, OptionalDouble.empty(), updated.get()));
    }

    /**
     * The last regime entry: {@code regime} (case-insensitive), {@code confidence} (absent: 1,
     * unparsable: 0), {@code timestamp} (absent: the entry id's time). An unknown name is kept as
     * {@link Regime#UNKNOWN}, rejected, and makes the rules fall back.
     */
    public static Optional<RegimeState> decodeRegime(Map<String, String> fields, Optional<Instant> entryTime, List<Rejection> rejections) {
        if (fields.isEmpty() && entryTime.isEmpty()) {
            return Optional.empty();
        }
        String subject = DataSource.REGIME_SUBJECT;
        Optional<Instant> ts;
        if (fields.containsKey(TIMESTAMP)) {
            ts = timestamp(DataSource.REGIME, subject, fields, TIMESTAMP, null, rejections);
        } else if (entryTime.isPresent()) {
            ts = entryTime;
        } else {
            rejections.add(new Rejection(DataSource.REGIME, RejectReason.MISSING_FIELD, subject, "timestamp is missing"));
            ts = Optional.empty();
        }
        String name = fields.get(REGIME);
        Regime regime = Regime.fromName(name);
        if (regime == Regime.UNKNOWN) {
            rejections.add(new Rejection(DataSource.REGIME,
                    name == null ? RejectReason.MISSING_FIELD : RejectReason.INVALID_VALUE, subject,
                    name == null ? "regime is missing" : "regime '" + printable(name) + "' is not TREND, MEAN_REVERSION or CHOP"));
        }
        double confidence = 1.0;
        String rawConfidence = fields.get(CONFIDENCE);
        if (rawConfidence != null) {
            OptionalDouble parsed = parseNumber(rawConfidence);
            if (parsed.isPresent()) {
                confidence = parsed.getAsDouble();
            } else {
                confidence = 0.0;
                rejections.add(new Rejection(DataSource.REGIME, RejectReason.INVALID_VALUE, subject,
                        "confidence='" + printable(rawConfidence) + "' is not a finite number; read as 0"));
            }
        }
        double c = confidence;
        return ts.map(t -> new RegimeState(regime, c, t));
    }

    /**
     * An attribution from its fields' values ({@code null}: absent) for a symbol whose name is valid; all absent is
     * no attribution (null, nothing rejected).
     *
     * @return the attribution, or null when absent or rejected
     */
    private static PerformanceAttribution attribution(String symbol, String factorText, String tsUtc, String timestamp, List<Rejection> rejections) {
        if (factorText == null && tsUtc == null && timestamp == null) {
            return null;
        }
        double factor = numberOrNaN(DataSource.ATTRIBUTION, symbol, PERFORMANCE_FACTOR, factorText, rejections);
        if (factor < 0) {
            rejections.add(new Rejection(DataSource.ATTRIBUTION, RejectReason.INVALID_VALUE, symbol,
                    "performance_factor=" + printable(factorText) + " must be >= 0"));
            factor = Double.NaN;
        }
        Instant ts = timestampOrNull(DataSource.ATTRIBUTION, symbol, TS_UTC, tsUtc, TIMESTAMP, timestamp, rejections);
        if (Double.isNaN(factor) || ts == null) {
            return null;
        }
        return new PerformanceAttribution(symbol, factor + 0.0, ts);
    }

}
