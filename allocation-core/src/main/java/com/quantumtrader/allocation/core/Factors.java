package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The factor rules as small pure functions. Each takes finite input and returns a finite result.
 */
public final class Factors {
    private Factors() {
    }

    /** TREND, MEAN_REVERSION and CHOP take their configured factor; UNKNOWN is neutral (1.0). */
    public static double regimeFactor(Regime regime, Policy policy) {
        return switch (regime) {
            case TREND -> policy.regimeFactorTrend();
            case MEAN_REVERSION -> policy.regimeFactorMeanReversion();
            case CHOP -> policy.regimeFactorChop();
            case UNKNOWN -> 1.0;
        };
    }

    /** {@code clamp(1 - stress, CLUSTER_STRESS_MIN, CLUSTER_STRESS_MAX)}. */
    public static double clusterFactor(double stress, Policy policy) {
        double f = 1.0 - stress;
        if (f < policy.clusterStressMin()) {
            return policy.clusterStressMin();
        }
        if (f > policy.clusterStressMax()) {
            return policy.clusterStressMax();
        }
        return f;
    }

    /**
     * Zone of a drawdown, read by its magnitude: LOW if {@code |d| < DD_LOW_THRESHOLD}, HIGH if
     * {@code |d| >= DD_HIGH_THRESHOLD}, else MID.
     */
    public static DrawdownZone drawdownZone(double drawdown, Policy policy) {
        double d = Math.abs(drawdown);
        if (d < policy.ddLowThreshold()) {
            return DrawdownZone.LOW;
        }
        if (d >= policy.ddHighThreshold()) {
            return DrawdownZone.HIGH;
        }
        return DrawdownZone.MID;
    }

    /**
     * The zone in force and its relax timer (DESIGN section 13): a deeper zone applies at once; a
     * lighter one only after the drawdown has stood below (the zone in force's lower boundary -
     * {@code DD_HYSTERESIS}) for {@code DD_RELAX_SEC}, and then the zone of (drawdown + band) applies.
     * With band and relax both 0 this is {@link #drawdownZone} exactly.
     *
     * @param inForce    the zone in force after the previous cycle; empty at the start (then the raw zone applies)
     * @param relaxSince since when the drawdown has stood below the relax line, if it has
     * @param now        this cycle's time
     */
    public static ZoneInForce zoneInForce(double drawdown, Optional<DrawdownZone> inForce, Optional<Instant> relaxSince,
                                          Policy policy, Instant now) {
        DrawdownZone raw = drawdownZone(drawdown, policy);
        if (inForce.isEmpty() || raw.compareTo(inForce.get()) >= 0) {
            return new ZoneInForce(raw, Optional.empty()); // deeper or the same: at once, no dwell
        }
        DrawdownZone lighter = drawdownZone(Math.abs(drawdown) + policy.ddHysteresis(), policy);
        if (lighter.compareTo(inForce.get()) >= 0) {
            return new ZoneInForce(inForce.get(), Optional.empty()); // inside the band: hold, dwell reset
        }
        Instant since = relaxSince.filter(t -> !t.isAfter(now)).orElse(now);
        if (!now.isBefore(since.plus(policy.ddRelax()))) {
            return new ZoneInForce(lighter, Optional.empty());
        }
        return new ZoneInForce(inForce.get(), Optional.of(since));
    }

    /** A zone in force and, while the drawdown stands below its relax line, since when. */
    public record ZoneInForce(DrawdownZone zone, Optional<Instant> relaxSince) {
        public ZoneInForce {
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(relaxSince, "relaxSince");
        }
    }

    /** The configured factor of a zone. */
    public static double drawdownFactor(DrawdownZone zone, Policy policy) {
        return switch (zone) {
            case LOW -> policy.ddFactorLow();
            case MID -> policy.ddFactorMid();
            case HIGH -> policy.ddFactorHigh();
        };
    }

    /** {@code 1 / (1 + e^-alpha)}: 0.5 at alpha 0, in [0, 1] for every finite alpha. */
    public static double sigmoid(double alpha) {
        return 1.0 / (1.0 + Math.exp(-alpha));
    }

    /** {@code value} clamped to [0, 1]. */
    static double unit(double value) {
        return value < 0 ? 0 : Math.min(value, 1);
    }
}
