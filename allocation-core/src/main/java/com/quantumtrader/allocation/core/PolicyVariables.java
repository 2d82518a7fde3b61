package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A {@link Policy} from the service's own rule variables and back: the names of {@code docs/configuration.md}
 * ({@code MAX_SYMBOL_PCT}, ..., {@code P29_MAX_RAISE_PCT}), the same rules and messages as the service's environment
 * (the runner parses its environment through this class). Core reads no environment: the caller passes the map (its
 * environment, an env file's lines, a snapshot's {@code policy} object).
 */
@API(status = API.Status.STABLE, since = "1.0")
public final class PolicyVariables {

    /** The rule variables, in the order of {@code docs/configuration.md}. */
    public static final List<String> NAMES = List.of(Policy.MAX_SYMBOL_PCT, Policy.MAX_CLUSTER_PCT, Policy.STALE_DATA_SEC,
            Policy.REGIME_FACTOR_TREND, Policy.REGIME_FACTOR_MR, Policy.REGIME_FACTOR_CHOP, Policy.DD_LOW_THRESHOLD,
            Policy.DD_HIGH_THRESHOLD, Policy.DD_FACTOR_LOW, Policy.DD_FACTOR_MID, Policy.DD_FACTOR_HIGH, Policy.DD_HYSTERESIS,
            Policy.DD_RELAX_SEC, Policy.CLUSTER_STRESS_MIN, Policy.CLUSTER_STRESS_MAX, Policy.MAX_GROSS_PCT, Policy.P29_MAX_RAISE_PCT);

    /** {@code MAX_GROSS_PCT}'s value for "no gross cap" (also its default, unset). */
    public static final String OFF = "off";

    private PolicyVariables() {
    }

    /**
     * The policy of these variables; an absent one takes its {@link Policy#DEFAULTS} value (the shipped env file sets
     * {@code DD_HYSTERESIS=0.005}, {@code DD_RELAX_SEC=300}, {@code MAX_GROSS_PCT=1.0} and {@code P29_MAX_RAISE_PCT=0.10}:
     * pass them for the shipped policy). Other keys are ignored, so a whole environment may be passed.
     *
     * @throws IllegalArgumentException with one line naming the variable, the rule and the value, e.g.
     *                                  {@code MAX_SYMBOL_PCT: must be in (0, 1], was 1.5}
     */
    public static Policy parse(Map<String, String> settings) {
        Objects.requireNonNull(settings, "settings");
        Policy d = Policy.DEFAULTS;
        return new Policy(
                number(settings, Policy.MAX_SYMBOL_PCT, d.maxSymbolPct()),
                number(settings, Policy.MAX_CLUSTER_PCT, d.maxClusterPct()),
                Duration.ofSeconds(wholeSeconds(settings, Policy.STALE_DATA_SEC, d.staleData().getSeconds(), 1, Policy.MAX_STALE_SEC)),
                number(settings, Policy.REGIME_FACTOR_TREND, d.regimeFactorTrend()),
                number(settings, Policy.REGIME_FACTOR_MR, d.regimeFactorMeanReversion()),
                number(settings, Policy.REGIME_FACTOR_CHOP, d.regimeFactorChop()),
                number(settings, Policy.DD_LOW_THRESHOLD, d.ddLowThreshold()),
                number(settings, Policy.DD_HIGH_THRESHOLD, d.ddHighThreshold()),
                number(settings, Policy.DD_FACTOR_LOW, d.ddFactorLow()),
                number(settings, Policy.DD_FACTOR_MID, d.ddFactorMid()),
                number(settings, Policy.DD_FACTOR_HIGH, d.ddFactorHigh()),
                number(settings, Policy.CLUSTER_STRESS_MIN, d.clusterStressMin()),
                number(settings, Policy.CLUSTER_STRESS_MAX, d.clusterStressMax()),
                number(settings, Policy.DD_HYSTERESIS, d.ddHysteresis()),
                Duration.ofSeconds(wholeSeconds(settings, Policy.DD_RELAX_SEC, d.ddRelax().getSeconds(), 0, Policy.MAX_RELAX_SEC)),
                gross(settings),
                number(settings, Policy.P29_MAX_RAISE_PCT, d.maxRaisePct()));
    }

    /** {@code p} as the service's rule variables write it: the inverse of {@link #parse}. */
    public static Map<String, String> of(Policy p) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(Policy.MAX_SYMBOL_PCT, Scalars.formatDecimal(p.maxSymbolPct()));
        out.put(Policy.MAX_CLUSTER_PCT, Scalars.formatDecimal(p.maxClusterPct()));
        out.put(Policy.STALE_DATA_SEC, Long.toString(p.staleData().getSeconds()));
        out.put(Policy.REGIME_FACTOR_TREND, Scalars.formatDecimal(p.regimeFactorTrend()));
        out.put(Policy.REGIME_FACTOR_MR, Scalars.formatDecimal(p.regimeFactorMeanReversion()));
        out.put(Policy.REGIME_FACTOR_CHOP, Scalars.formatDecimal(p.regimeFactorChop()));
        out.put(Policy.DD_LOW_THRESHOLD, Scalars.formatDecimal(p.ddLowThreshold()));
        out.put(Policy.DD_HIGH_THRESHOLD, Scalars.formatDecimal(p.ddHighThreshold()));
        out.put(Policy.DD_FACTOR_LOW, Scalars.formatDecimal(p.ddFactorLow()));
        out.put(Policy.DD_FACTOR_MID, Scalars.formatDecimal(p.ddFactorMid()));
        out.put(Policy.DD_FACTOR_HIGH, Scalars.formatDecimal(p.ddFactorHigh()));
        out.put(Policy.CLUSTER_STRESS_MIN, Scalars.formatDecimal(p.clusterStressMin()));
        out.put(Policy.CLUSTER_STRESS_MAX, Scalars.formatDecimal(p.clusterStressMax()));
        out.put(Policy.DD_HYSTERESIS, Scalars.formatDecimal(p.ddHysteresis()));
        out.put(Policy.DD_RELAX_SEC, Long.toString(p.ddRelax().getSeconds()));
        out.put(Policy.MAX_GROSS_PCT, p.maxGrossPct().isPresent() ? Scalars.formatDecimal(p.maxGrossPct().getAsDouble()) : OFF);
        out.put(Policy.P29_MAX_RAISE_PCT, Scalars.formatDecimal(p.maxRaisePct()));
        return java.util.Collections.unmodifiableMap(out);
    }

    private static OptionalDouble gross(Map<String, String> settings) {
        String raw = settings.get(Policy.MAX_GROSS_PCT);
        if (raw == null || raw.strip().equalsIgnoreCase(OFF)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(number(settings, Policy.MAX_GROSS_PCT, 0));
    }

    private static double number(Map<String, String> settings, String name, double defaultValue) {
        String raw = settings.get(name);
        if (raw == null) {
            return defaultValue;
        }
        OptionalDouble parsed = Scalars.parseNumber(raw);
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException(name + ": must be a finite decimal number, was '" + Scalars.printable(raw) + "'");
        }
        return parsed.getAsDouble();
    }

    private static long wholeSeconds(Map<String, String> settings, String name, long defaultValue, long min, long max) {
        String raw = settings.get(name);
        if (raw == null) {
            return defaultValue;
        }
        String s = raw.strip();
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(name + ": must be a whole number of seconds in [" + min + ", " + max
                    + "], was '" + Scalars.printable(raw) + "'");
        }
        return Long.parseLong(s);
    }
}
