package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The target hash {@code quantum:allocation:target:{symbol}} of DESIGN section 4, both ways: the one
 * place that names its fields, encodes a decision into them and decodes them back. The writer, the
 * Java Governor gate, the snapshot output and the report use it. {@code timestamp} and {@code ts}
 * are the same integer epoch seconds (the Governor parses {@code int(timestamp)}); numbers are plain
 * decimals ({@link Scalars#formatDecimal}).
 *
 * @param timestamp the write time, whole seconds
 */
public record TargetHash(
        double targetUsd,
        double weight,
        String clusterId,
        Regime regime,
        DrawdownZone drawdownZone,
        double confidence,
        Instant timestamp,
        Mode mode,
        double baseBudgetUsd,
        double regimeFactor,
        double clusterFactor,
        double drawdownFactor,
        double performanceFactor,
        CapKind cap) {

    public static final String TARGET_USD = "target_usd";
    public static final String WEIGHT = "weight";
    public static final String CLUSTER_ID = "cluster_id";
    public static final String REGIME = "regime";
    public static final String DRAWDOWN_ZONE = "drawdown_zone";
    public static final String CONFIDENCE = "confidence";
    public static final String TIMESTAMP = "timestamp";
    public static final String TS = "ts";
    public static final String MODE = "mode";
    public static final String BASE_BUDGET_USD = "base_budget_usd";
    public static final String REGIME_FACTOR = "regime_factor";
    public static final String CLUSTER_FACTOR = "cluster_factor";
    public static final String DRAWDOWN_FACTOR = "drawdown_factor";
    public static final String PERFORMANCE_FACTOR = "performance_factor";
    public static final String CAP = "cap";
    /** The cap values, for messages: {@code none, symbol, ..., or ramp}. */
    private static final String CAPS = capNames();
    /** Fields that mark a target hash as this service's: the contract fields only it writes. */
    public static final String[] SIGNATURE_FIELDS = {TARGET_USD, CAP, BASE_BUDGET_USD};

    public TargetHash {
        nonNegative(targetUsd, TARGET_USD);
        nonNegative(weight, WEIGHT);
        if (!Scalars.isValidName(clusterId)) {
            throw new IllegalArgumentException(CLUSTER_ID + ": must be 1-64 characters of [A-Za-z0-9._-], was '"
                    + Scalars.printable(clusterId) + "'");
        }
        Objects.requireNonNull(regime, REGIME);
        Objects.requireNonNull(drawdownZone, DRAWDOWN_ZONE);
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException(CONFIDENCE + ": must be in [0, 1], was " + confidence);
        }
        Objects.requireNonNull(timestamp, TIMESTAMP);
        if (timestamp.getNano() != 0 || timestamp.getEpochSecond() < 0) {
            throw new IllegalArgumentException(TIMESTAMP + ": must be whole epoch seconds >= 0, was " + timestamp);
        }
        Objects.requireNonNull(mode, MODE);
        nonNegative(baseBudgetUsd, BASE_BUDGET_USD);
        nonNegative(regimeFactor, REGIME_FACTOR);
        nonNegative(clusterFactor, CLUSTER_FACTOR);
        nonNegative(drawdownFactor, DRAWDOWN_FACTOR);
        nonNegative(performanceFactor, PERFORMANCE_FACTOR);
        Objects.requireNonNull(cap, CAP);
    }

    /** The hash of one decision written at {@code now} (cut to whole seconds) in {@code mode}. */
    public static TargetHash of(Decision d, Instant now, Mode mode) {
        return new TargetHash(d.targetUsd(), d.weight(), d.clusterId(), d.regime(), d.drawdownZone(), d.confidence(),
                Instant.ofEpochSecond(now.getEpochSecond()), mode, d.baseBudgetUsd(), d.regimeFactor(), d.clusterFactor(),
                d.drawdownFactor(), d.performanceFactor(), d.cap());
    }

    /** The fields in the contract's order, as Redis holds them. */
    public Map<String, String> encode() {
        return pairsToMap(encodePairs());
    }

    /** The fields in the contract's order as one array: field, value, field, value... (the writer sends them as they are). */
    public String[] encodePairs() {
        String ts = Scalars.formatEpochSeconds(timestamp);
        return new String[] {
            TARGET_USD, Scalars.formatDecimal(targetUsd),
            WEIGHT, Scalars.formatDecimal(weight),
            CLUSTER_ID, clusterId,
            REGIME, regime.name(),
            DRAWDOWN_ZONE, drawdownZone.name(),
            CONFIDENCE, Scalars.formatDecimal(confidence),
            TIMESTAMP, ts,
            TS, ts,
            MODE, mode.wireName(),
            BASE_BUDGET_USD, Scalars.formatDecimal(baseBudgetUsd),
            REGIME_FACTOR, Scalars.formatDecimal(regimeFactor),
            CLUSTER_FACTOR, Scalars.formatDecimal(clusterFactor),
            DRAWDOWN_FACTOR, Scalars.formatDecimal(drawdownFactor),
            PERFORMANCE_FACTOR, Scalars.formatDecimal(performanceFactor),
            CAP, cap.wireName()};
    }

    /** Field/value pairs as a map in their order. */
    static Map<String, String> pairsToMap(String[] pairs) {
        Map<String, String> f = new LinkedHashMap<>(pairs.length);
        for (int i = 0; i < pairs.length; i += 2) {
            f.put(pairs[i], pairs[i + 1]);
        }
        return f;
    }

    /**
     * Decodes a whole target hash (or the target part of a decision entry). Every field must be there
     * and valid; {@code ts} must equal {@code timestamp}. Extra fields are ignored.
     */
    public static Decoded<TargetHash> decode(Map<String, String> hash) {
        try {
            OptionalLong ts = Values.epochSeconds(hash.get(TIMESTAMP));
            if (ts.isEmpty()) {
                return invalid(TIMESTAMP, "integer epoch seconds", hash.get(TIMESTAMP));
            }
            if (!Objects.equals(hash.get(TS), hash.get(TIMESTAMP))) {
                return invalid(TS, "equal to timestamp " + hash.get(TIMESTAMP), hash.get(TS));
            }
            Optional<Mode> mode = Values.mode(hash.get(MODE));
            if (mode.isEmpty()) {
                return invalid(MODE, "shadow or enforce", hash.get(MODE));
            }
            Optional<Regime> regime = Values.byName(Regime.values(), Enum::name, hash.get(REGIME));
            Optional<DrawdownZone> zone = Values.byName(DrawdownZone.values(), Enum::name, hash.get(DRAWDOWN_ZONE));
            Optional<CapKind> cap = Values.byName(CapKind.values(), CapKind::wireName, hash.get(CAP));
            if (regime.isEmpty()) {
                return invalid(REGIME, "TREND, MEAN_REVERSION, CHOP or UNKNOWN", hash.get(REGIME));
            }
            if (zone.isEmpty()) {
                return invalid(DRAWDOWN_ZONE, "LOW, MID or HIGH", hash.get(DRAWDOWN_ZONE));
            }
            if (cap.isEmpty()) {
                return invalid(CAP, CAPS, hash.get(CAP));
            }
            return new Decoded.Valid<>(new TargetHash(number(hash, TARGET_USD), number(hash, WEIGHT), hash.get(CLUSTER_ID),
                    regime.get(), zone.get(), number(hash, CONFIDENCE), Instant.ofEpochSecond(ts.getAsLong()), mode.get(),
                    number(hash, BASE_BUDGET_USD), number(hash, REGIME_FACTOR), number(hash, CLUSTER_FACTOR),
                    number(hash, DRAWDOWN_FACTOR), number(hash, PERFORMANCE_FACTOR), cap.get()));
        } catch (IllegalArgumentException e) {
            return new Decoded.Invalid<>(e.getMessage());
        }
    }

    /** {@code target_usd}: a finite number {@code >= 0}, or empty. */
    public static OptionalDouble targetUsd(String value) {
        OptionalDouble usd = Scalars.parseNumber(value);
        return usd.isPresent() && usd.getAsDouble() >= 0 ? usd : OptionalDouble.empty();
    }

    private static double number(Map<String, String> hash, String field) {
        OptionalDouble v = Scalars.parseNumber(hash.get(field));
        if (v.isEmpty()) {
            throw new IllegalArgumentException(field + ": must be a finite decimal number, was '" + Scalars.printable(hash.get(field)) + "'");
        }
        return v.getAsDouble();
    }

    private static <T> Decoded<T> invalid(String field, String allowed, String value) {
        return new Decoded.Invalid<>(field + ": must be " + allowed + ", was '" + Scalars.printable(value) + "'");
    }

    private static void nonNegative(double value, String field) {
        if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(field + ": must be finite and >= 0, was " + value);
        }
    }

    private static String capNames() {
        CapKind[] all = CapKind.values();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < all.length; i++) {
            sb.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].wireName());
        }
        return sb.toString();
    }
}
