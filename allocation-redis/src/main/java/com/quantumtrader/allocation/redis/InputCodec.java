package com.quantumtrader.allocation.redis;

import static com.quantumtrader.allocation.core.Scalars.isValidName;
import static com.quantumtrader.allocation.core.Scalars.parseNumber;
import static com.quantumtrader.allocation.core.Scalars.parseTimestamp;
import static com.quantumtrader.allocation.core.Scalars.printable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The input half of the wire contract (DESIGN section 3): the field names of every input hash and
 * their decoding into core's typed inputs. {@link InputReader} reads exactly these fields; the
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
    static final String[] PORTFOLIO_FIELDS = {EQUITY_USD, DRAWDOWN, TIMESTAMP, TS_UTC};
    /** The fields read from {@code quantum:portfolio:budget:{symbol}}. */
    static final String[] BUDGET_FIELDS = {BUDGET_USD, TIMESTAMP, CLUSTER_ID};
    /** The fields read from {@code quantum:cluster:stress:{cluster}}. */
    static final String[] STRESS_FIELDS = {STRESS, ALPHA, TIMESTAMP};
    /** The fields read from {@code quantum:portfolio:cluster_state:{cluster}}. */
    static final String[] CLUSTER_STATE_FIELDS = {STRESS, UPDATED_TS};
    /** The fields read from {@code quantum:alpha:attribution:{symbol}}. */
    static final String[] ATTRIBUTION_FIELDS = {PERFORMANCE_FACTOR, TS_UTC, TIMESTAMP};

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
     * Redis type, a bad key name); those come first in the result's rejections.
     */
    public static CycleInputs decode(RawInputs raw, List<Rejection> readRejections) {
        List<Rejection> rejections = new ArrayList<>(readRejections);
        Optional<PortfolioState> portfolio = decodePortfolio(raw.portfolio(), rejections);

        List<SymbolBudget> budgets = new ArrayList<>(raw.budgets().size());
        for (String symbol : sortedKeys(raw.budgets())) {
            decodeBudget(symbol, raw.budgets().get(symbol), rejections).ifPresent(budgets::add);
        }

        Map<String, String> clusterMap = new HashMap<>(raw.clusterMap().size() * 2);
        for (String symbol : sortedKeys(raw.clusterMap())) {
            String cluster = raw.clusterMap().get(symbol);
            if (!isValidName(symbol)) {
                rejections.add(badName(DataSource.CLUSTER_MAP, printable(symbol), "symbol", symbol));
            } else if (!isValidName(cluster.strip())) {
                rejections.add(badName(DataSource.CLUSTER_MAP, symbol, "cluster", cluster));
            } else {
                clusterMap.put(symbol, cluster.strip());
            }
        }

        Map<String, ClusterStress> clusters = new HashMap<>(raw.clusters().size() * 2);
        for (String id : sortedKeys(raw.clusters())) {
            decodeCluster(id, raw.clusters().get(id), rejections).ifPresent(c -> clusters.put(id, c));
        }

        List<DiscoveredCluster> discovered = new ArrayList<>(raw.discovered().size());
        for (String id : sortedKeys(raw.discovered())) {
            Map<String, String> state = raw.clusterStates().getOrDefault(id, Map.of());
            Optional<DiscoveredCluster> cluster = decodeDiscovered(id, raw.discovered().get(id), state, rejections);
            cluster.ifPresent(discovered::add);
            if (cluster.isPresent() && !raw.clusters().containsKey(id) && !state.isEmpty()) {
                decodeClusterState(id, state, cluster.get().updated(), rejections).ifPresent(c -> clusters.put(id, c));
            }
        }

        Optional<RegimeState> regime = decodeRegime(raw.regime(), raw.regimeEntryTime(), rejections);

        Map<String, PerformanceAttribution> attributions = new HashMap<>(raw.attributions().size() * 2);
        for (String symbol : sortedKeys(raw.attributions())) {
            decodeAttribution(symbol, raw.attributions().get(symbol), rejections).ifPresent(a -> attributions.put(symbol, a));
        }

        return new CycleInputs(portfolio, budgets, clusterMap, discovered, clusters, regime, attributions, rejections);
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
     * A budget hash: {@code budget_usd} (finite, {@code >= 0}), {@code timestamp}, optional
     * {@code cluster_id}. An empty hash is a key that vanished between discovery and read: rejected.
     */
    public static Optional<SymbolBudget> decodeBudget(String symbol, Map<String, String> hash, List<Rejection> rejections) {
        if (!isValidName(symbol)) {
            rejections.add(badName(DataSource.BUDGET, printable(symbol), "symbol", symbol));
            return Optional.empty();
        }
        if (hash.isEmpty()) {
            rejections.add(new Rejection(DataSource.BUDGET, RejectReason.MISSING_FIELD, symbol, "budget hash vanished before it was read"));
            return Optional.empty();
        }
        OptionalDouble budget = number(DataSource.BUDGET, symbol, hash, BUDGET_USD, rejections);
        if (budget.isPresent() && budget.getAsDouble() < 0) {
            rejections.add(new Rejection(DataSource.BUDGET, RejectReason.INVALID_VALUE, symbol,
                    "budget_usd=" + printable(hash.get(BUDGET_USD)) + " must be >= 0"));
            budget = OptionalDouble.empty();
        }
        Optional<Instant> ts = timestamp(DataSource.BUDGET, symbol, hash, TIMESTAMP, null, rejections);
        if (budget.isEmpty() || ts.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> clusterId = Optional.empty();
        String rawCluster = hash.get(CLUSTER_ID);
        if (rawCluster != null && !rawCluster.isBlank()) {
            if (isValidName(rawCluster.strip())) {
                clusterId = Optional.of(rawCluster.strip());
            } else {
                rejections.add(badName(DataSource.CLUSTER_MAP, symbol, CLUSTER_ID, rawCluster));
            }
        }
        return Optional.of(new SymbolBudget(symbol, budget.getAsDouble() + 0.0, ts.get(), clusterId));
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

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Adds the array's valid names to {@code members}; false when {@code json} is not a JSON array of strings. */
    private static boolean symbolArray(String json, String id, List<String> members, List<Rejection> rejections) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return false;
        }
        if (node == null || !node.isArray()) {
            return false;
        }
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                return false;
            }
        }
        for (JsonNode element : node) {
            String symbol = element.textValue();
            if (isValidName(symbol)) {
                members.add(symbol);
            } else {
                rejections.add(badName(DataSource.CLUSTER_MAP, id, "member", symbol));
            }
        }
        return true;
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

    /** An attribution hash: {@code performance_factor} (finite, {@code >= 0}), {@code ts_utc} (else {@code timestamp}). */
    public static Optional<PerformanceAttribution> decodeAttribution(String symbol, Map<String, String> hash, List<Rejection> rejections) {
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        if (!isValidName(symbol)) {
            rejections.add(badName(DataSource.ATTRIBUTION, printable(symbol), "symbol", symbol));
            return Optional.empty();
        }
        OptionalDouble factor = number(DataSource.ATTRIBUTION, symbol, hash, PERFORMANCE_FACTOR, rejections);
        if (factor.isPresent() && factor.getAsDouble() < 0) {
            rejections.add(new Rejection(DataSource.ATTRIBUTION, RejectReason.INVALID_VALUE, symbol,
                    "performance_factor=" + printable(hash.get(PERFORMANCE_FACTOR)) + " must be >= 0"));
            factor = OptionalDouble.empty();
        }
        Optional<Instant> ts = timestamp(DataSource.ATTRIBUTION, symbol, hash, TS_UTC, TIMESTAMP, rejections);
        if (factor.isEmpty() || ts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PerformanceAttribution(symbol, factor.getAsDouble() + 0.0, ts.get()));
    }

    /** Keys in sorted order, so decisions and rejections never depend on the order Redis returned them in. */
    private static String[] sortedKeys(Map<String, ?> map) {
        String[] keys = map.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        return keys;
    }

    private static Rejection badName(DataSource source, String subject, String what, String value) {
        return new Rejection(source, RejectReason.BAD_NAME, subject,
                what + " '" + printable(value) + "' is not 1-64 characters of [A-Za-z0-9._-]");
    }

    private static OptionalDouble number(DataSource source, String subject, Map<String, String> hash, String field, List<Rejection> rejections) {
        String raw = hash.get(field);
        if (raw == null) {
            rejections.add(new Rejection(source, RejectReason.MISSING_FIELD, subject, field + " is missing"));
            return OptionalDouble.empty();
        }
        OptionalDouble value = parseNumber(raw);
        if (value.isEmpty()) {
            rejections.add(new Rejection(source, RejectReason.INVALID_VALUE, subject,
                    field + "='" + printable(raw) + "' is not a finite number"));
        }
        return value;
    }

    private static Optional<Instant> timestamp(DataSource source, String subject, Map<String, String> hash,
                                               String field, String alternative, List<Rejection> rejections) {
        String name = field;
        String raw = hash.get(field);
        if (raw == null && alternative != null) {
            name = alternative;
            raw = hash.get(alternative);
        }
        if (raw == null) {
            rejections.add(new Rejection(source, RejectReason.MISSING_FIELD, subject,
                    field + (alternative == null ? "" : " (or " + alternative + ")") + " is missing"));
            return Optional.empty();
        }
        Optional<Instant> value = parseTimestamp(raw);
        if (value.isEmpty()) {
            rejections.add(new Rejection(source, RejectReason.INVALID_VALUE, subject,
                    name + "='" + printable(raw) + "' is not an epoch timestamp in seconds or milliseconds"));
        }
        return value;
    }
}
