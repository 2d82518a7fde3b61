package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Fallback;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One entry of the cycle stream {@code quantum:stream:allocation.cycle} (DESIGN section 12), both
 * ways: one per cycle the leader completed (computed or skipped), so a day of operation is ~17,000
 * small entries whatever the universe size. The go-live report reads it.
 *
 * @param skipReason      the skip reason's wire name, empty when computed
 * @param written         target hashes written (or, in shadow, that enforce would have written): new, changed, refreshed
 * @param unchanged       targets left as written
 * @param removed         targets deleted because their symbol left the universe
 * @param fallbacks       per data source, the neutral values used (one per subject)
 * @param fallbackSymbols decisions that used at least one neutral value (the go-live report's fallback share)
 * @param confidenceMean  over the cycle's decisions; 0 when there is none
 * @param equityUsd       0 when skipped
 * @param zone            the zone in force, empty when skipped
 * @param regime          the regime used, empty when skipped
 * @param durationMs      read and compute, up to the write
 * @param failedSinceLast cycles that failed (Redis, a bug) since the previous entry of this instance
 * @param grossRatio      the book's total over equity ({@code total_target_usd / equity_usd}; 0 when skipped), DESIGN section 17
 * @param halted          decisions whose target a halt set to 0 (cap {@code halt})
 * @param scaled          decisions a scale control lowered (cap {@code scale})
 * @param ramped          decisions the ramp held back (cap {@code ramp})
 * @param trigger         what started the cycle (issue 28); entries written before it read as the timer's
 */
public record CycleEntry(String cycleId, Instant ts, String instance, Mode mode, Outcome outcome, String skipReason,
                         int symbols, int written, int unchanged, int removed, Map<DataSource, Integer> fallbacks, int fallbackSymbols, int rejected,
                         double confidenceMean, double confidenceMin, double confidenceP10,
                         double totalTargetUsd, double totalBaseUsd, double equityUsd, String zone, String regime,
                         long durationMs, long failedSinceLast, double grossRatio, int halted, int scaled, int ramped, Trigger trigger) {

    public static final String CYCLE_ID = "cycle_id";
    public static final String TS = "ts";
    public static final String INSTANCE = "instance";
    public static final String MODE = "mode";
    public static final String OUTCOME = "outcome";
    public static final String SKIP_REASON = "skip_reason";
    public static final String SYMBOLS = "symbols";
    public static final String WRITTEN = "written";
    public static final String UNCHANGED = "unchanged";
    public static final String REMOVED = "removed";
    public static final String FALLBACKS_PREFIX = "fallbacks_";
    public static final String FALLBACK_SYMBOLS = "fallback_symbols";
    public static final String REJECTED = "rejected";
    public static final String CONFIDENCE_MEAN = "confidence_mean";
    public static final String CONFIDENCE_MIN = "confidence_min";
    public static final String CONFIDENCE_P10 = "confidence_p10";
    public static final String TOTAL_TARGET_USD = "total_target_usd";
    public static final String TOTAL_BASE_USD = "total_base_usd";
    public static final String EQUITY_USD = "equity_usd";
    public static final String DRAWDOWN_ZONE = "drawdown_zone";
    public static final String REGIME = "regime";
    public static final String DURATION_MS = "duration_ms";
    public static final String FAILED_SINCE_LAST = "failed_since_last";
    public static final String GROSS_RATIO = "gross_ratio";
    public static final String HALTED = "halted";
    public static final String SCALED = "scaled";
    public static final String RAMPED = "ramped";
    public static final String TRIGGER = "trigger";

    public CycleEntry {
        if (cycleId == null || cycleId.isEmpty()) {
            throw new IllegalArgumentException(CYCLE_ID + ": must not be empty, was '" + Scalars.printable(cycleId) + "'");
        }
        ts = Instant.ofEpochSecond(Objects.requireNonNull(ts, TS).getEpochSecond());
        Names.checkInstanceId(instance);
        Objects.requireNonNull(mode, MODE);
        Objects.requireNonNull(outcome, OUTCOME);
        Objects.requireNonNull(skipReason, SKIP_REASON);
        nonNegative(SYMBOLS, symbols);
        nonNegative(WRITTEN, written);
        nonNegative(UNCHANGED, unchanged);
        nonNegative(REMOVED, removed);
        nonNegative(REJECTED, rejected);
        nonNegative(FALLBACK_SYMBOLS, fallbackSymbols);
        if (fallbackSymbols > symbols) {
            throw new IllegalArgumentException(FALLBACK_SYMBOLS + ": must be at most " + SYMBOLS + " (" + symbols + "), was " + fallbackSymbols);
        }
        EnumMap<DataSource, Integer> all = new EnumMap<>(DataSource.class);
        for (DataSource source : DataSource.values()) {
            int n = fallbacks.getOrDefault(source, 0);
            nonNegative(FALLBACKS_PREFIX + source.wireName(), n);
            all.put(source, n);
        }
        fallbacks = Map.copyOf(all);
        unit(CONFIDENCE_MEAN, confidenceMean);
        unit(CONFIDENCE_MIN, confidenceMin);
        unit(CONFIDENCE_P10, confidenceP10);
        finiteNonNegative(TOTAL_TARGET_USD, totalTargetUsd);
        finiteNonNegative(TOTAL_BASE_USD, totalBaseUsd);
        finiteNonNegative(EQUITY_USD, equityUsd);
        Objects.requireNonNull(zone, DRAWDOWN_ZONE);
        Objects.requireNonNull(regime, REGIME);
        if (durationMs < 0 || failedSinceLast < 0) {
            throw new IllegalArgumentException(DURATION_MS + ", " + FAILED_SINCE_LAST + ": must be >= 0, was " + durationMs + ", " + failedSinceLast);
        }
        finiteNonNegative(GROSS_RATIO, grossRatio);
        nonNegative(HALTED, halted);
        nonNegative(SCALED, scaled);
        nonNegative(RAMPED, ramped);
        Objects.requireNonNull(trigger, TRIGGER);
    }

    /** An entry without the book-limit counts (written before the third release): they read as 0. */
    public CycleEntry(String cycleId, Instant ts, String instance, Mode mode, Outcome outcome, String skipReason, int symbols, int written,
                      int unchanged, int removed, Map<DataSource, Integer> fallbacks, int fallbackSymbols, int rejected, double confidenceMean,
                      double confidenceMin, double confidenceP10, double totalTargetUsd, double totalBaseUsd, double equityUsd, String zone,
                      String regime, long durationMs, long failedSinceLast) {
        this(cycleId, ts, instance, mode, outcome, skipReason, symbols, written, unchanged, removed, fallbacks, fallbackSymbols, rejected,
                confidenceMean, confidenceMin, confidenceP10, totalTargetUsd, totalBaseUsd, equityUsd, zone, regime, durationMs, failedSinceLast,
                0, 0, 0, 0, Trigger.TIMER);
    }

    /**
     * The entry of one completed cycle.
     *
     * @param written   targets written this cycle (new, changed, refreshed)
     * @param unchanged targets left as written
     * @param removed   targets deleted
     */
    public static CycleEntry of(CycleResult result, Mode mode, String cycleId, String instance, int written, int unchanged, int removed,
                                long durationMs, long failedSinceLast, Trigger trigger) {
        Map<DataSource, Integer> fallbacks = new EnumMap<>(DataSource.class);
        for (Fallback f : result.fallbacks()) {
            fallbacks.merge(f.source(), 1, Integer::sum);
        }
        int n = result.decisions().size();
        double[] confidence = new double[n];
        double target = 0;
        double base = 0;
        double sum = 0;
        int fellBack = 0;
        int[] caps = new int[CapKind.values().length];
        for (int i = 0; i < n; i++) {
            Decision d = result.decisions().get(i);
            caps[d.cap().ordinal()]++;
            if (!d.fallbacks().isEmpty()) {
                fellBack++;
            }
            confidence[i] = d.confidence();
            sum += d.confidence();
            target += d.targetUsd();
            base += d.baseBudgetUsd();
        }
        Arrays.sort(confidence);
        double min = n == 0 ? 0 : confidence[0];
        double p10 = n == 0 ? 0 : confidence[(int) Math.floor(0.1 * (n - 1))]; // nearest rank, rounding down: never above the true 10th percentile
        if (result instanceof CycleResult.Computed c) {
            double equity = c.context().equityUsd();
            return new CycleEntry(cycleId, result.now(), instance, mode, Outcome.COMPUTED, "", n, written, unchanged, removed, fallbacks,
                    fellBack, result.rejections().size(), n == 0 ? 0 : sum / n, min, p10, saturate(target), saturate(base), equity,
                    c.context().drawdownZone().name(), c.context().regime().name(), durationMs, failedSinceLast, saturate(target / equity),
                    caps[CapKind.HALT.ordinal()], caps[CapKind.SCALE.ordinal()], caps[CapKind.RAMP.ordinal()], trigger);
        }
        CycleResult.Skipped s = (CycleResult.Skipped) result;
        return new CycleEntry(cycleId, result.now(), instance, mode, Outcome.SKIPPED, s.reason().wireName(), 0, written, unchanged, removed,
                fallbacks, 0, result.rejections().size(), 0, 0, 0, 0, 0, 0, "", "", durationMs, failedSinceLast, 0, 0, 0, 0, trigger);
    }

    public Map<String, String> encode() {
        Map<String, String> f = new LinkedHashMap<>(40);
        f.put(CYCLE_ID, cycleId);
        f.put(TS, Scalars.formatEpochSeconds(ts));
        f.put(INSTANCE, instance);
        f.put(MODE, mode.wireName());
        f.put(OUTCOME, outcome.name().toLowerCase(java.util.Locale.ROOT));
        f.put(SKIP_REASON, skipReason);
        f.put(SYMBOLS, Integer.toString(symbols));
        f.put(WRITTEN, Integer.toString(written));
        f.put(UNCHANGED, Integer.toString(unchanged));
        f.put(REMOVED, Integer.toString(removed));
        for (DataSource source : DataSource.values()) {
            f.put(FALLBACKS_PREFIX + source.wireName(), Integer.toString(fallbacks.get(source)));
        }
        f.put(FALLBACK_SYMBOLS, Integer.toString(fallbackSymbols));
        f.put(REJECTED, Integer.toString(rejected));
        f.put(CONFIDENCE_MEAN, Scalars.formatDecimal(confidenceMean));
        f.put(CONFIDENCE_MIN, Scalars.formatDecimal(confidenceMin));
        f.put(CONFIDENCE_P10, Scalars.formatDecimal(confidenceP10));
        f.put(TOTAL_TARGET_USD, Scalars.formatDecimal(totalTargetUsd));
        f.put(TOTAL_BASE_USD, Scalars.formatDecimal(totalBaseUsd));
        f.put(EQUITY_USD, Scalars.formatDecimal(equityUsd));
        f.put(DRAWDOWN_ZONE, zone);
        f.put(REGIME, regime);
        f.put(DURATION_MS, Long.toString(durationMs));
        f.put(FAILED_SINCE_LAST, Long.toString(failedSinceLast));
        f.put(GROSS_RATIO, Scalars.formatDecimal(grossRatio));
        f.put(HALTED, Integer.toString(halted));
        f.put(SCALED, Integer.toString(scaled));
        f.put(RAMPED, Integer.toString(ramped));
        f.put(TRIGGER, trigger.wireName());
        return f;
    }

    /** Decodes an entry; the first field that does not parse makes it invalid, named with its rule. */
    public static Decoded<CycleEntry> decode(Map<String, String> f) {
        try {
            Outcome outcome = switch (String.valueOf(f.get(OUTCOME))) {
                case "computed" -> Outcome.COMPUTED;
                case "skipped" -> Outcome.SKIPPED;
                default -> throw new IllegalArgumentException(OUTCOME + ": must be computed or skipped, was '"
                        + Scalars.printable(f.get(OUTCOME)) + "'");
            };
            Mode mode = Values.mode(f.get(MODE)).orElseThrow(() -> new IllegalArgumentException(
                    MODE + ": must be shadow, enforce, reduce or halt, was '" + Scalars.printable(f.get(MODE)) + "'"));
            Map<DataSource, Integer> fallbacks = new EnumMap<>(DataSource.class);
            for (DataSource source : DataSource.values()) {
                fallbacks.put(source, (int) count(f, FALLBACKS_PREFIX + source.wireName()));
            }
            return new Decoded.Valid<>(new CycleEntry(f.get(CYCLE_ID), Instant.ofEpochSecond(count(f, TS)), f.get(INSTANCE), mode, outcome,
                    f.getOrDefault(SKIP_REASON, ""), (int) count(f, SYMBOLS), (int) count(f, WRITTEN), (int) count(f, UNCHANGED),
                    (int) count(f, REMOVED), fallbacks, (int) count(f, FALLBACK_SYMBOLS), (int) count(f, REJECTED), number(f,
                            CONFIDENCE_MEAN), number(f, CONFIDENCE_MIN),
                    number(f, CONFIDENCE_P10), number(f, TOTAL_TARGET_USD), number(f, TOTAL_BASE_USD), number(f, EQUITY_USD),
                    f.getOrDefault(DRAWDOWN_ZONE, ""), f.getOrDefault(REGIME, ""), count(f, DURATION_MS), count(f, FAILED_SINCE_LAST),
                    f.containsKey(GROSS_RATIO) ? number(f, GROSS_RATIO) : 0, (int) countOrZero(f, HALTED), (int) countOrZero(f, SCALED),
                    (int) countOrZero(f, RAMPED), Trigger.fromWire(f.get(TRIGGER))));
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Decoded.Invalid<>(String.valueOf(e.getMessage()));
        }
    }

    /** A count this release added: absent (an entry of an earlier release) reads as 0. */
    private static long countOrZero(Map<String, String> f, String field) {
        return f.containsKey(field) ? count(f, field) : 0;
    }

    private static long count(Map<String, String> f, String field) {
        OptionalLong v = Values.epochSeconds(f.get(field)); // the same digits-only rule
        if (v.isEmpty()) {
            throw new IllegalArgumentException(field + ": must be a whole number >= 0, was '" + Scalars.printable(f.get(field)) + "'");
        }
        return v.getAsLong();
    }

    private static double number(Map<String, String> f, String field) {
        OptionalDouble v = Scalars.parseNumber(f.get(field));
        if (v.isEmpty()) {
            throw new IllegalArgumentException(field + ": must be a finite number, was '" + Scalars.printable(f.get(field)) + "'");
        }
        return v.getAsDouble();
    }

    private static double saturate(double v) {
        return Double.isFinite(v) ? v : Double.MAX_VALUE;
    }

    private static void nonNegative(String field, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(field + ": must be >= 0, was " + v);
        }
    }

    private static void unit(String field, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(field + ": must be in [0, 1], was " + v);
        }
    }

    private static void finiteNonNegative(String field, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(field + ": must be finite and >= 0, was " + v);
        }
    }
}
