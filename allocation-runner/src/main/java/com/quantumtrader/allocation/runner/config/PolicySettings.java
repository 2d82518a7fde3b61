package com.quantumtrader.allocation.runner.config;

import static com.quantumtrader.allocation.runner.config.Variable.CLUSTER_STRESS_MAX;
import static com.quantumtrader.allocation.runner.config.Variable.CLUSTER_STRESS_MIN;
import static com.quantumtrader.allocation.runner.config.Variable.DD_FACTOR_HIGH;
import static com.quantumtrader.allocation.runner.config.Variable.DD_FACTOR_LOW;
import static com.quantumtrader.allocation.runner.config.Variable.DD_FACTOR_MID;
import static com.quantumtrader.allocation.runner.config.Variable.DD_HIGH_THRESHOLD;
import static com.quantumtrader.allocation.runner.config.Variable.DD_HYSTERESIS;
import static com.quantumtrader.allocation.runner.config.Variable.DD_LOW_THRESHOLD;
import static com.quantumtrader.allocation.runner.config.Variable.DD_RELAX_SEC;
import static com.quantumtrader.allocation.runner.config.Variable.MAX_CLUSTER_PCT;
import static com.quantumtrader.allocation.runner.config.Variable.MAX_GROSS_PCT;
import static com.quantumtrader.allocation.runner.config.Variable.P29_MAX_RAISE_PCT;
import static com.quantumtrader.allocation.runner.config.Variable.MAX_SYMBOL_PCT;
import static com.quantumtrader.allocation.runner.config.Variable.REGIME_FACTOR_CHOP;
import static com.quantumtrader.allocation.runner.config.Variable.REGIME_FACTOR_MR;
import static com.quantumtrader.allocation.runner.config.Variable.REGIME_FACTOR_TREND;
import static com.quantumtrader.allocation.runner.config.Variable.STALE_DATA_SEC;

import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Core's {@link Policy} from named settings and back: the rule variables of the environment (and of a
 * snapshot's or a golden case's {@code policy} object), by their {@link Variable}s. Core itself reads
 * no environment; its checks name the same variables in their messages.
 */
public final class PolicySettings {
    private PolicySettings() {
    }

    /** The rule variables: those of {@link Variable.Group#POLICY}. */
    public static final List<Variable> VARIABLES = java.util.Arrays.stream(Variable.values()).filter(v -> v.group() == Variable.Group.POLICY)
            .toList();

    /**
     * The policy of these settings; an absent one takes its default ({@link Policy#DEFAULTS}). A present one
     * must be a plain decimal number ({@code STALE_DATA_SEC}, {@code DD_RELAX_SEC}: a whole number of seconds).
     *
     * @throws IllegalArgumentException with one line naming the variable, the rule and the value
     */
    public static Policy parse(Map<String, String> settings) {
        Objects.requireNonNull(settings, "settings");
        Policy d = Policy.DEFAULTS;
        return new Policy(
                number(settings, MAX_SYMBOL_PCT, d.maxSymbolPct()),
                number(settings, MAX_CLUSTER_PCT, d.maxClusterPct()),
                Duration.ofSeconds(wholeSeconds(settings, STALE_DATA_SEC, d.staleData().getSeconds(), 1, Policy.MAX_STALE_SEC)),
                number(settings, REGIME_FACTOR_TREND, d.regimeFactorTrend()),
                number(settings, REGIME_FACTOR_MR, d.regimeFactorMeanReversion()),
                number(settings, REGIME_FACTOR_CHOP, d.regimeFactorChop()),
                number(settings, DD_LOW_THRESHOLD, d.ddLowThreshold()),
                number(settings, DD_HIGH_THRESHOLD, d.ddHighThreshold()),
                number(settings, DD_FACTOR_LOW, d.ddFactorLow()),
                number(settings, DD_FACTOR_MID, d.ddFactorMid()),
                number(settings, DD_FACTOR_HIGH, d.ddFactorHigh()),
                number(settings, CLUSTER_STRESS_MIN, d.clusterStressMin()),
                number(settings, CLUSTER_STRESS_MAX, d.clusterStressMax()),
                number(settings, DD_HYSTERESIS, d.ddHysteresis()),
                Duration.ofSeconds(wholeSeconds(settings, DD_RELAX_SEC, d.ddRelax().getSeconds(), 0, Policy.MAX_RELAX_SEC)),
                gross(settings),
                number(settings, P29_MAX_RAISE_PCT, d.maxRaisePct()));
    }

    /** The settings of {@code policy}, the inverse of {@link #parse(Map)}. */
    public static Map<String, String> of(Policy policy) {
        Map<String, String> out = new java.util.HashMap<>();
        VARIABLES.forEach(v -> out.put(v.name(), v.of(policy)));
        return Map.copyOf(out);
    }

    /** {@code MAX_GROSS_PCT}'s value for "no gross cap" (also its default, unset). */
    public static final String OFF = "off";

    private static OptionalDouble gross(Map<String, String> settings) {
        String raw = MAX_GROSS_PCT.in(settings);
        if (raw == null || raw.strip().equalsIgnoreCase(OFF)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(number(settings, MAX_GROSS_PCT, 0));
    }

    private static double number(Map<String, String> settings, Variable name, double defaultValue) {
        String raw = name.in(settings);
        if (raw == null) {
            return defaultValue;
        }
        OptionalDouble parsed = Scalars.parseNumber(raw);
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException(name + ": must be a finite decimal number, was '" + Scalars.printable(raw) + "'");
        }
        return parsed.getAsDouble();
    }

    private static long wholeSeconds(Map<String, String> settings, Variable name, long defaultValue, long min, long max) {
        String raw = name.in(settings);
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
