package com.quantumtrader.allocation.runner.report;

import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The go-live criteria of DESIGN section 14 over a window of the cycle stream, folded entry by entry
 * (memory does not grow with the window): targets computed in every cycle (no gap over 5 minutes
 * between cycles that computed targets, the window's end included), fallbacks below 1 % of
 * symbol-cycles, mean allocation confidence above 0.5 (weighted by symbols), no failed cycle, and
 * coverage (the data spans at least the minimum span). Entries must come in stream order.
 */
public final class GoLiveReport {

    static final Duration MAX_GAP = Duration.ofMinutes(5);
    static final double MAX_FALLBACK_SHARE = 0.01;
    static final double MIN_CONFIDENCE = 0.5;

    /** One criterion: its figure, the rule, and whether it passes. */
    public record Verdict(String criterion, String figure, String rule, boolean pass) {
        public Verdict {
            Objects.requireNonNull(criterion, "criterion");
            Objects.requireNonNull(figure, "figure");
            Objects.requireNonNull(rule, "rule");
        }
    }

    private long cycles;
    private long computedWithTargets;
    private long skipped;
    private long failed;
    private long symbolCycles;
    private long fallbackSymbolCycles;
    private double confidenceSum;
    private Instant first;
    private Instant last;
    private Instant lastTargets;
    private Duration longestGap = Duration.ZERO;
    private Instant gapStart;

    /** Adds the next entry of the window. */
    public void add(CycleEntry e) {
        cycles++;
        failed += e.failedSinceLast();
        if (first == null) {
            first = e.ts();
        }
        last = e.ts();
        if (e.outcome() == Outcome.SKIPPED) {
            skipped++;
            return;
        }
        symbolCycles += e.symbols();
        fallbackSymbolCycles += e.fallbackSymbols();
        confidenceSum += e.confidenceMean() * e.symbols();
        if (e.symbols() > 0) {
            computedWithTargets++;
            gap(lastTargets == null ? null : lastTargets, e.ts());
            lastTargets = e.ts();
        }
    }

    private void gap(Instant from, Instant to) {
        if (from != null && Duration.between(from, to).compareTo(longestGap) > 0) {
            longestGap = Duration.between(from, to);
            gapStart = from;
        }
    }

    /** The cycles read. */
    public long cycles() {
        return cycles;
    }

    /**
     * The verdicts for a window ending at {@code until}; empty when the window held no cycle (no data).
     *
     * @param minSpan the coverage the data must have
     */
    public Optional<List<Verdict>> judge(Instant until, Duration minSpan) {
        if (cycles == 0) {
            return Optional.empty();
        }
        Duration tail = lastTargets == null ? Duration.between(first, until) : Duration.between(lastTargets, until);
        Duration worstGap = tail.compareTo(longestGap) > 0 ? tail : longestGap;
        String gapWhere = tail.compareTo(longestGap) > 0 ? (lastTargets == null ? "no cycle computed targets" : "from the last cycle with targets, "
                + lastTargets + ", to the end of the window") : "from " + gapStart;
        Verdict computed = new Verdict("targets computed in every cycle",
                String.format(Locale.ROOT, "%d of %d cycles computed targets (%d skipped); longest gap %s (%s)", computedWithTargets, cycles, skipped,
                        human(worstGap), gapWhere),
                "no gap over " + human(MAX_GAP), computedWithTargets > 0 && worstGap.compareTo(MAX_GAP) <= 0);
        double share = symbolCycles == 0 ? 1.0 : (double) fallbackSymbolCycles / symbolCycles;
        Verdict fallbacks = new Verdict("fallbacks",
                String.format(Locale.ROOT, "%.2f %% of symbol-cycles (%d of %d)", share * 100, fallbackSymbolCycles, symbolCycles),
                "below 1 %", symbolCycles > 0 && share < MAX_FALLBACK_SHARE);
        double confidence = symbolCycles == 0 ? 0 : confidenceSum / symbolCycles;
        Verdict conf = new Verdict("mean allocation confidence", String.format(Locale.ROOT, "%.3f", confidence), "above 0.5",
                symbolCycles > 0 && confidence > MIN_CONFIDENCE);
        Verdict errors = new Verdict("failed cycles", Long.toString(failed), "none", failed == 0);
        Duration span = Duration.between(first, last);
        Verdict coverage = new Verdict("coverage", "the data spans " + human(span) + " (" + first + " to " + last + ")",
                "at least " + human(minSpan), span.compareTo(minSpan) >= 0);
        return Optional.of(List.of(computed, fallbacks, conf, errors, coverage));
    }

    /** {@code 48h}, {@code 90m}, {@code 600s} and mixtures like {@code 1h30m}; whole seconds. */
    public static String human(Duration d) {
        long s = d.getSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            sb.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0) {
            sb.append(s).append('s');
        }
        return sb.toString();
    }

    /**
     * A duration as an operator writes it: a whole number and {@code h}, {@code m} or {@code s}.
     *
     * @throws IllegalArgumentException naming the option, the rule and the value
     */
    public static Duration parse(String option, String value) {
        if (value == null || !value.matches("[0-9]{1,7}[dhms]")) {
            throw new IllegalArgumentException(option + ": must be a whole number followed by d, h, m or s (2d, 48h, 90m, 600s), was '"
                    + value + "'");
        }
        long n = Long.parseLong(value.substring(0, value.length() - 1));
        Duration d = switch (value.charAt(value.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException(option + ": must be above 0, was '" + value + "'");
        }
        return d;
    }
}
