package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Objects;

/**
 * One symbol's allocation in one cycle: every output field of the wire contract except the
 * cycle-wide {@code timestamp}/{@code ts}/{@code mode}, plus the uncapped product.
 *
 * @param symbol            the symbol
 * @param clusterId         its cluster, {@code UNKNOWN} when unmapped
 * @param baseBudgetUsd     the budget engine's budget
 * @param uncappedUsd       base x the four factors as applied, before any cap
 * @param targetUsd         the target after every cap and control; finite, in [0, MAX_SYMBOL_PCT x equity]
 * @param weight            target / equity
 * @param regime            the regime used, {@code UNKNOWN} when it fell back
 * @param regimeFactor      as applied (1.0 for a stale budget)
 * @param clusterFactor     as applied (1.0 for a stale budget)
 * @param drawdownZone      the cycle's zone
 * @param drawdownFactor    as applied (1.0 for a stale budget)
 * @param performanceFactor as applied (1.0 for a stale budget)
 * @param cap               which cap lowered the target last
 * @param confidence        mean of the four input qualities, in [0, 1]; 0 for a stale budget
 * @param fallbacks         the inputs that were not available for this symbol, in {@link DataSource} order
 */
@API(status = API.Status.STABLE, since = "1.0")
public record Decision(
        String symbol,
        String clusterId,
        double baseBudgetUsd,
        double uncappedUsd,
        double targetUsd,
        double weight,
        Regime regime,
        double regimeFactor,
        double clusterFactor,
        DrawdownZone drawdownZone,
        double drawdownFactor,
        double performanceFactor,
        CapKind cap,
        double confidence,
        List<DataSource> fallbacks) {

    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public Decision {
        Checks.name(symbol, "symbol");
        Checks.name(clusterId, "clusterId");
        Checks.finiteNonNegative(baseBudgetUsd, "baseBudgetUsd");
        Checks.finiteNonNegative(uncappedUsd, "uncappedUsd");
        Checks.finiteNonNegative(targetUsd, "targetUsd");
        Checks.finiteNonNegative(weight, "weight");
        Objects.requireNonNull(regime, "regime");
        Checks.finiteNonNegative(regimeFactor, "regimeFactor");
        Checks.finiteNonNegative(clusterFactor, "clusterFactor");
        Objects.requireNonNull(drawdownZone, "drawdownZone");
        Checks.finiteNonNegative(drawdownFactor, "drawdownFactor");
        Checks.finiteNonNegative(performanceFactor, "performanceFactor");
        Objects.requireNonNull(cap, "cap");
        Checks.inClosed(confidence, 0, 1, "confidence");
        fallbacks = List.copyOf(fallbacks);
    }

    /** This decision with another target (never above this one, by the callers' rules), its weight and its cap. */
    public Decision withTarget(double target, double equityUsd, CapKind capKind) {
        return new Decision(symbol, clusterId, baseBudgetUsd, uncappedUsd, target, target / equityUsd, regime, regimeFactor, clusterFactor,
                drawdownZone, drawdownFactor, performanceFactor, capKind, confidence, fallbacks);
    }

    /** True when the budget was stale and passed through unscaled. */
    public boolean budgetStale() {
        return fallbacks.contains(DataSource.BUDGET);
    }
}
