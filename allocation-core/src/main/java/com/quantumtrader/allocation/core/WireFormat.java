package com.quantumtrader.allocation.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The Redis wire format, both ways: decoding the strings of the input hashes into typed values,
 * and encoding numbers and timestamps the way the Python consumers parse them ({@code float()},
 * {@code int()}). The Redis adapter and the snapshot file reader both decode through here.
 *
 * <p>Numbers: optional ASCII whitespace around an optional sign, digits with an optional fraction,
 * an optional exponent ({@code 1e-05} is what Python writes for small floats). {@code nan},
 * {@code inf}, {@code Infinity}, hex, text, empty and whitespace-only are invalid, and so is a
 * value that overflows to infinity. Timestamps: such a number of epoch seconds, {@code >= 0};
 * above {@code 1e11} it is read as epoch milliseconds; a result at or above {@code 1e11} seconds
 * (microseconds, garbage) is invalid.
 */
public final class WireFormat {

    /** Above this a timestamp is read as epoch milliseconds (1e11 s is the year 5138). */
    public static final double MILLIS_THRESHOLD = 1e11;
    private static final int MAX_NUMBER_LENGTH = 400; // the longest plain double (4.9e-324) is 327 characters
    private static final int MAX_PRINTABLE = 64;

    private WireFormat() {
    }

    // ---------------------------------------------------------------- scalars

    /** A finite number, or empty for anything the contract calls invalid (see the class comment). */
    public static OptionalDouble parseNumber(String text) {
        if (text == null) {
            return OptionalDouble.empty();
        }
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        if (end - start == 0 || end - start > MAX_NUMBER_LENGTH || !isDecimal(text, start, end)) {
            return OptionalDouble.empty();
        }
        double value = Double.parseDouble(text.substring(start, end));
        return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
    }

    /** An epoch timestamp in seconds or milliseconds (see the class comment), or empty. */
    public static Optional<Instant> parseTimestamp(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (!s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long whole = Long.parseLong(s); // exact path for integers, the common case
            if (whole > MILLIS_THRESHOLD) {
                return whole / 1000 < MILLIS_THRESHOLD ? Optional.of(Instant.ofEpochMilli(whole)) : Optional.empty();
            }
            return Optional.of(Instant.ofEpochSecond(whole));
        }
        OptionalDouble parsed = parseNumber(text);
        if (parsed.isEmpty() || parsed.getAsDouble() < 0) {
            return Optional.empty();
        }
        double seconds = parsed.getAsDouble();
        if (seconds > MILLIS_THRESHOLD) {
            seconds /= 1000.0;
        }
        if (seconds >= MILLIS_THRESHOLD) {
            return Optional.empty();
        }
        long whole = (long) Math.floor(seconds);
        long nanos = Math.min(999_999_999L, Math.round((seconds - whole) * 1e9));
        return Optional.of(Instant.ofEpochSecond(whole, nanos));
    }

    /** True for 1-64 characters of {@code [A-Za-z0-9._-]}: a symbol or cluster name safe in keys and labels. */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * A value made safe to echo in a log line or message: non-printable and non-ASCII characters
     * become {@code ?}, and it is cut at 64 characters with {@code ...}.
     */
    public static String printable(String value) {
        if (value == null) {
            return "null";
        }
        int len = Math.min(value.length(), MAX_PRINTABLE);
        StringBuilder sb = new StringBuilder(len + 3);
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (value.length() > MAX_PRINTABLE) {
            sb.append("...");
        }
        return sb.toString();
    }

    /**
     * A finite number as a plain decimal that Python's {@code float()} reads back to the same double:
     * {@code 12548.780117029388}, {@code 0.0000001}, {@code 20000.0}; never an exponent, NaN or Infinity.
     *
     * @throws IllegalArgumentException for a non-finite value
     */
    public static String formatDecimal(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value: must be finite, was " + value);
        }
        if (value == 0) {
            return "0.0"; // also turns -0.0 into 0.0
        }
        String shortest = Double.toString(value);
        if (shortest.indexOf('E') < 0) {
            return shortest;
        }
        return new BigDecimal(shortest).toPlainString();
    }

    /** Integer epoch seconds, as the Governor's {@code int(timestamp)} needs. */
    public static String formatEpochSeconds(Instant time) {
        return Long.toString(time.getEpochSecond());
    }

    // ---------------------------------------------------------------- hashes

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

        Optional<RegimeState> regime = decodeRegime(raw.regime(), raw.regimeEntryTime(), rejections);

        Map<String, PerformanceAttribution> attributions = new HashMap<>(raw.attributions().size() * 2);
        for (String symbol : sortedKeys(raw.attributions())) {
            decodeAttribution(symbol, raw.attributions().get(symbol), rejections).ifPresent(a -> attributions.put(symbol, a));
        }

        return new CycleInputs(portfolio, budgets, clusterMap, clusters, regime, attributions, rejections);
    }

    /** The portfolio hash: {@code equity_usd}, {@code drawdown}, {@code timestamp} (else {@code ts_utc}). Empty hash: missing. */
    public static Optional<PortfolioState> decodePortfolio(Map<String, String> hash, List<Rejection> rejections) {
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        String subject = Allocator.PORTFOLIO_SUBJECT;
        OptionalDouble equity = number(DataSource.PORTFOLIO, subject, hash, "equity_usd", rejections);
        OptionalDouble drawdown = number(DataSource.PORTFOLIO, subject, hash, "drawdown", rejections);
        Optional<Instant> ts = timestamp(DataSource.PORTFOLIO, subject, hash, "timestamp", "ts_utc", rejections);
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
        OptionalDouble budget = number(DataSource.BUDGET, symbol, hash, "budget_usd", rejections);
        if (budget.isPresent() && budget.getAsDouble() < 0) {
            rejections.add(new Rejection(DataSource.BUDGET, RejectReason.INVALID_VALUE, symbol,
                    "budget_usd=" + printable(hash.get("budget_usd")) + " must be >= 0"));
            budget = OptionalDouble.empty();
        }
        Optional<Instant> ts = timestamp(DataSource.BUDGET, symbol, hash, "timestamp", null, rejections);
        if (budget.isEmpty() || ts.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> clusterId = Optional.empty();
        String rawCluster = hash.get("cluster_id");
        if (rawCluster != null && !rawCluster.isBlank()) {
            if (isValidName(rawCluster.strip())) {
                clusterId = Optional.of(rawCluster.strip());
            } else {
                rejections.add(badName(DataSource.CLUSTER_MAP, symbol, "cluster_id", rawCluster));
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
        Optional<Instant> ts = timestamp(DataSource.CLUSTER, clusterId, hash, "timestamp", null, rejections);
        OptionalDouble stress = number(DataSource.CLUSTER, clusterId, hash, "stress", rejections);
        OptionalDouble alpha = number(DataSource.CLUSTER, clusterId, hash, "alpha", rejections);
        return ts.map(t -> new ClusterStress(clusterId, stress, alpha, t));
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
        String subject = Allocator.REGIME_SUBJECT;
        Optional<Instant> ts;
        if (fields.containsKey("timestamp")) {
            ts = timestamp(DataSource.REGIME, subject, fields, "timestamp", null, rejections);
        } else if (entryTime.isPresent()) {
            ts = entryTime;
        } else {
            rejections.add(new Rejection(DataSource.REGIME, RejectReason.MISSING_FIELD, subject, "timestamp is missing"));
            ts = Optional.empty();
        }
        String name = fields.get("regime");
        Regime regime = Regime.fromName(name);
        if (regime == Regime.UNKNOWN) {
            rejections.add(new Rejection(DataSource.REGIME,
                    name == null ? RejectReason.MISSING_FIELD : RejectReason.INVALID_VALUE, subject,
                    name == null ? "regime is missing" : "regime '" + printable(name) + "' is not TREND, MEAN_REVERSION or CHOP"));
        }
        double confidence = 1.0;
        String rawConfidence = fields.get("confidence");
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
        OptionalDouble factor = number(DataSource.ATTRIBUTION, symbol, hash, "performance_factor", rejections);
        if (factor.isPresent() && factor.getAsDouble() < 0) {
            rejections.add(new Rejection(DataSource.ATTRIBUTION, RejectReason.INVALID_VALUE, symbol,
                    "performance_factor=" + printable(hash.get("performance_factor")) + " must be >= 0"));
            factor = OptionalDouble.empty();
        }
        Optional<Instant> ts = timestamp(DataSource.ATTRIBUTION, symbol, hash, "ts_utc", "timestamp", rejections);
        if (factor.isEmpty() || ts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PerformanceAttribution(symbol, factor.getAsDouble() + 0.0, ts.get()));
    }

    // ---------------------------------------------------------------- helpers

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

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /** {@code [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?} over text[start, end). */
    private static boolean isDecimal(String s, int start, int end) {
        int i = start;
        if (s.charAt(i) == '+' || s.charAt(i) == '-') {
            i++;
        }
        int intDigits = 0;
        while (i < end && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < end && s.charAt(i) == '.') {
            i++;
            while (i < end && isDigit(s.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return false;
        }
        if (i < end && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < end && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < end && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == end;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
