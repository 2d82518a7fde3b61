package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The allocation rules' settings, a plain value (core reads no environment: the runner's {@code PolicySettings}
 * builds it from its variables). Each component is named after its variable, and every
 * message names that variable, the rule and the value: {@code MAX_SYMBOL_PCT: must be in (0, 1], was 1.5}.
 * Process settings (mode, interval, ports, TTL, Redis) belong to the runner, not here.
 *
 * <p>Ranges: percentages in (0, 1]; thresholds in [0, 1] with low below high; every multiplier in
 * [0, 5]; drawdown factors non-increasing LOW -> MID -> HIGH (so a deeper drawdown never raises a
 * target); {@code CLUSTER_STRESS_MIN <= CLUSTER_STRESS_MAX}; {@code STALE_DATA_SEC} in [1, 86400];
 * the drawdown hysteresis band {@code DD_HYSTERESIS} in [0, DD_LOW_THRESHOLD] and its dwell
 * {@code DD_RELAX_SEC} in [0, 86400] (both 0 by default: the exact thresholds). The book limits of DESIGN
 * section 17, both off by default: the gross cap {@code MAX_GROSS_PCT} in (0, 10] (empty: off) and the ramp
 * {@code P29_MAX_RAISE_PCT} in [0, 10] (0: off).
 */
@API(status = API.Status.STABLE, since = "1.0")
public record Policy(
        double maxSymbolPct,
        double maxClusterPct,
        Duration staleData,
        double regimeFactorTrend,
        double regimeFactorMeanReversion,
        double regimeFactorChop,
        double ddLowThreshold,
        double ddHighThreshold,
        double ddFactorLow,
        double ddFactorMid,
        double ddFactorHigh,
        double clusterStressMin,
        double clusterStressMax,
        double ddHysteresis,
        Duration ddRelax,
        OptionalDouble maxGrossPct,
        double maxRaisePct) {

    /** The rule variable {@code MAX_SYMBOL_PCT}, as the service's environment names it. */
    public static final String MAX_SYMBOL_PCT = "MAX_SYMBOL_PCT";
    /** The rule variable {@code MAX_CLUSTER_PCT}, as the service's environment names it. */
    public static final String MAX_CLUSTER_PCT = "MAX_CLUSTER_PCT";
    /** The rule variable {@code STALE_DATA_SEC}, as the service's environment names it. */
    public static final String STALE_DATA_SEC = "STALE_DATA_SEC";
    /** The rule variable {@code REGIME_FACTOR_TREND}, as the service's environment names it. */
    public static final String REGIME_FACTOR_TREND = "REGIME_FACTOR_TREND";
    /** The rule variable {@code REGIME_FACTOR_MR}, as the service's environment names it. */
    public static final String REGIME_FACTOR_MR = "REGIME_FACTOR_MR";
    /** The rule variable {@code REGIME_FACTOR_CHOP}, as the service's environment names it. */
    public static final String REGIME_FACTOR_CHOP = "REGIME_FACTOR_CHOP";
    /** The rule variable {@code DD_LOW_THRESHOLD}, as the service's environment names it. */
    public static final String DD_LOW_THRESHOLD = "DD_LOW_THRESHOLD";
    /** The rule variable {@code DD_HIGH_THRESHOLD}, as the service's environment names it. */
    public static final String DD_HIGH_THRESHOLD = "DD_HIGH_THRESHOLD";
    /** The rule variable {@code DD_FACTOR_LOW}, as the service's environment names it. */
    public static final String DD_FACTOR_LOW = "DD_FACTOR_LOW";
    /** The rule variable {@code DD_FACTOR_MID}, as the service's environment names it. */
    public static final String DD_FACTOR_MID = "DD_FACTOR_MID";
    /** The rule variable {@code DD_FACTOR_HIGH}, as the service's environment names it. */
    public static final String DD_FACTOR_HIGH = "DD_FACTOR_HIGH";
    /** The rule variable {@code CLUSTER_STRESS_MIN}, as the service's environment names it. */
    public static final String CLUSTER_STRESS_MIN = "CLUSTER_STRESS_MIN";
    /** The rule variable {@code CLUSTER_STRESS_MAX}, as the service's environment names it. */
    public static final String CLUSTER_STRESS_MAX = "CLUSTER_STRESS_MAX";
    /** The rule variable {@code DD_HYSTERESIS}, as the service's environment names it. */
    public static final String DD_HYSTERESIS = "DD_HYSTERESIS";
    /** The rule variable {@code DD_RELAX_SEC}, as the service's environment names it. */
    public static final String DD_RELAX_SEC = "DD_RELAX_SEC";
    /** The rule variable {@code MAX_GROSS_PCT}, as the service's environment names it. */
    public static final String MAX_GROSS_PCT = "MAX_GROSS_PCT";
    /** The rule variable {@code P29_MAX_RAISE_PCT}, as the service's environment names it. */
    public static final String P29_MAX_RAISE_PCT = "P29_MAX_RAISE_PCT";

    /** Largest multiplier any factor setting may take. */
    public static final double MAX_MULTIPLIER = 5.0;
    /** Longest {@code STALE_DATA_SEC}: one day. */
    public static final long MAX_STALE_SEC = 86_400;
    /** Longest {@code DD_RELAX_SEC}: one day. */
    public static final long MAX_RELAX_SEC = 86_400;
    /** Largest {@code MAX_GROSS_PCT}: a book of ten times equity. */
    public static final double MAX_GROSS = 10.0;
    /** Largest {@code P29_MAX_RAISE_PCT}: ten base budgets a minute. */
    public static final double MAX_RAISE = 10.0;

    /** The service document's defaults. */
    public static final Policy DEFAULTS = new Policy(
            0.40, 0.60, Duration.ofSeconds(60),
            1.2, 1.0, 0.6,
            0.05, 0.15, 1.0, 0.7, 0.4,
            0.3, 1.0,
            0.0, Duration.ZERO,
            OptionalDouble.empty(), 0.0);

    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public Policy {
        Checks.inLeftOpen(maxSymbolPct, 0, 1, MAX_SYMBOL_PCT);
        Checks.inLeftOpen(maxClusterPct, 0, 1, MAX_CLUSTER_PCT);
        Objects.requireNonNull(staleData, STALE_DATA_SEC);
        if (staleData.compareTo(Duration.ofSeconds(1)) < 0 || staleData.compareTo(Duration.ofSeconds(MAX_STALE_SEC)) > 0) {
            throw new IllegalArgumentException(STALE_DATA_SEC + ": must be in [1, " + MAX_STALE_SEC + "] seconds, was "
                    + (staleData.toNanos() % 1_000_000_000 == 0 ? Long.toString(staleData.getSeconds()) : staleData.toString()));
        }
        Checks.inClosed(regimeFactorTrend, 0, MAX_MULTIPLIER, REGIME_FACTOR_TREND);
        Checks.inClosed(regimeFactorMeanReversion, 0, MAX_MULTIPLIER, REGIME_FACTOR_MR);
        Checks.inClosed(regimeFactorChop, 0, MAX_MULTIPLIER, REGIME_FACTOR_CHOP);
        Checks.inClosed(ddLowThreshold, 0, 1, DD_LOW_THRESHOLD);
        Checks.inClosed(ddHighThreshold, 0, 1, DD_HIGH_THRESHOLD);
        if (!(ddLowThreshold < ddHighThreshold)) {
            throw new IllegalArgumentException(DD_LOW_THRESHOLD + ": must be below " + DD_HIGH_THRESHOLD
                    + " (" + ddHighThreshold + "), was " + ddLowThreshold);
        }
        Checks.inClosed(ddFactorLow, 0, MAX_MULTIPLIER, DD_FACTOR_LOW);
        Checks.inClosed(ddFactorMid, 0, MAX_MULTIPLIER, DD_FACTOR_MID);
        Checks.inClosed(ddFactorHigh, 0, MAX_MULTIPLIER, DD_FACTOR_HIGH);
        if (!(ddFactorMid <= ddFactorLow)) {
            throw new IllegalArgumentException(DD_FACTOR_MID + ": must be <= " + DD_FACTOR_LOW
                    + " (" + ddFactorLow + ") so a deeper drawdown never raises a target, was " + ddFactorMid);
        }
        if (!(ddFactorHigh <= ddFactorMid)) {
            throw new IllegalArgumentException(DD_FACTOR_HIGH + ": must be <= " + DD_FACTOR_MID
                    + " (" + ddFactorMid + ") so a deeper drawdown never raises a target, was " + ddFactorHigh);
        }
        Checks.inClosed(clusterStressMin, 0, MAX_MULTIPLIER, CLUSTER_STRESS_MIN);
        Checks.inClosed(clusterStressMax, 0, MAX_MULTIPLIER, CLUSTER_STRESS_MAX);
        if (!(clusterStressMin <= clusterStressMax)) {
            throw new IllegalArgumentException(CLUSTER_STRESS_MIN + ": must be <= " + CLUSTER_STRESS_MAX
                    + " (" + clusterStressMax + "), was " + clusterStressMin);
        }
        if (!(ddHysteresis >= 0 && ddHysteresis <= ddLowThreshold)) {
            throw new IllegalArgumentException(DD_HYSTERESIS + ": must be in [0, " + DD_LOW_THRESHOLD + "] ([0, " + ddLowThreshold
                    + "]), was " + ddHysteresis);
        }
        Objects.requireNonNull(ddRelax, DD_RELAX_SEC);
        if (ddRelax.isNegative() || ddRelax.compareTo(Duration.ofSeconds(MAX_RELAX_SEC)) > 0) {
            throw new IllegalArgumentException(DD_RELAX_SEC + ": must be in [0, " + MAX_RELAX_SEC + "] seconds, was " + ddRelax.getSeconds());
        }
        Objects.requireNonNull(maxGrossPct, MAX_GROSS_PCT);
        if (maxGrossPct.isPresent()) {
            Checks.inLeftOpen(maxGrossPct.getAsDouble(), 0, MAX_GROSS, MAX_GROSS_PCT);
        }
        Checks.inClosed(maxRaisePct, 0, MAX_RAISE, P29_MAX_RAISE_PCT);
    }

    /** The rules of the first two releases, without the book limits (gross cap and ramp off). */
    public Policy(double maxSymbolPct, double maxClusterPct, Duration staleData, double regimeFactorTrend,
                  double regimeFactorMeanReversion, double regimeFactorChop, double ddLowThreshold, double ddHighThreshold,
                  double ddFactorLow, double ddFactorMid, double ddFactorHigh, double clusterStressMin, double clusterStressMax,
                  double ddHysteresis, Duration ddRelax) {
        this(maxSymbolPct, maxClusterPct, staleData, regimeFactorTrend, regimeFactorMeanReversion, regimeFactorChop, ddLowThreshold,
                ddHighThreshold, ddFactorLow, ddFactorMid, ddFactorHigh, clusterStressMin, clusterStressMax, ddHysteresis, ddRelax,
                OptionalDouble.empty(), 0.0);
    }

    /** This policy with the book limits of DESIGN section 17: {@code gross} (empty: off) and {@code maxRaisePct} (0: off). */
    public Policy withBookLimits(OptionalDouble gross, double raisePct) {
        return new Policy(maxSymbolPct, maxClusterPct, staleData, regimeFactorTrend, regimeFactorMeanReversion, regimeFactorChop,
                ddLowThreshold, ddHighThreshold, ddFactorLow, ddFactorMid, ddFactorHigh, clusterStressMin, clusterStressMax, ddHysteresis,
                ddRelax, gross, raisePct);
    }

    /** Whether the ramp is on ({@code P29_MAX_RAISE_PCT > 0}). */
    public boolean ramps() {
        return maxRaisePct > 0;
    }
}
