package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Map;
import java.util.Objects;

/**
 * The cycle-wide values of a computed cycle, for the gauges {@code p29_regime_factor},
 * {@code p29_drawdown_factor} and {@code p29_cluster_factor{cluster}}.
 *
 * @param equityUsd      portfolio equity, {@code > 0}
 * @param drawdown       the portfolio drawdown as read
 * @param drawdownZone   its zone
 * @param drawdownFactor the zone's factor
 * @param regime         the regime used, {@code UNKNOWN} when it fell back
 * @param regimeFactor   its factor
 * @param clusterFactors cluster -> factor, for every cluster with an allocated symbol (1.0 where it fell back)
 */
@API(status = API.Status.STABLE, since = "1.0")
public record CycleContext(
        double equityUsd,
        double drawdown,
        DrawdownZone drawdownZone,
        double drawdownFactor,
        Regime regime,
        double regimeFactor,
        Map<String, Double> clusterFactors) {

    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public CycleContext {
        if (!(equityUsd > 0) || equityUsd == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("equityUsd: must be finite and > 0, was " + equityUsd);
        }
        Checks.finite(drawdown, "drawdown");
        Objects.requireNonNull(drawdownZone, "drawdownZone");
        Checks.finiteNonNegative(drawdownFactor, "drawdownFactor");
        Objects.requireNonNull(regime, "regime");
        Checks.finiteNonNegative(regimeFactor, "regimeFactor");
        clusterFactors = Map.copyOf(clusterFactors);
    }
}
