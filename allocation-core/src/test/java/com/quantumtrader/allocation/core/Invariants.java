package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants of DESIGN section 2 as one check, shared with the other modules' properties (the
 * decoder's hostile-string properties in allocation-redis) through core's test jar.
 */
public final class Invariants {

    /** Relative tolerance of the cluster cap (DESIGN section 2). */
    public static final double CLUSTER_TOLERANCE = 1e-9;

    private Invariants() {
    }

    /**
     * Every valid budget is allocated in order; every target finite, {@code >= 0}, within the symbol
     * cap and its uncapped product; uncapped = base x the four factors; every cluster within its cap.
     */
    public static void assertInvariants(CycleInputs in, Policy policy, CycleResult r) {
        if (r.outcome() == Outcome.SKIPPED) {
            assertTrue(r.decisions().isEmpty());
            return;
        }
        CycleContext ctx = ((CycleResult.Computed) r).context();
        double equity = ctx.equityUsd();
        double symbolCap = policy.maxSymbolPct() * equity;
        double clusterCap = policy.maxClusterPct() * equity;
        assertEquals(in.budgets().stream().map(SymbolBudget::symbol).toList(),
                r.decisions().stream().map(Decision::symbol).toList(), "every valid budget is allocated, in order");
        Map<String, Double> clusterTotals = new HashMap<>();
        for (int i = 0; i < r.decisions().size(); i++) {
            Decision d = r.decisions().get(i);
            SymbolBudget b = in.budgets().get(i);
            double t = d.targetUsd();
            assertTrue(Double.isFinite(t) && t >= 0, () -> d.symbol() + " target finite and >= 0, was " + t);
            assertTrue(t <= symbolCap, () -> d.symbol() + " target " + t + " <= symbol cap " + symbolCap);
            assertTrue(t <= d.uncappedUsd(), () -> d.symbol() + " target " + t + " <= uncapped " + d.uncappedUsd());
            assertTrue(d.confidence() >= 0 && d.confidence() <= 1, () -> d.symbol() + " confidence " + d.confidence());
            assertEquals(t / equity, d.weight(), 0.0, "weight");
            double expectedUncapped = d.budgetStale() ? b.budgetUsd()
                    : saturate(b.budgetUsd() * d.regimeFactor() * d.clusterFactor() * d.drawdownFactor() * d.performanceFactor());
            assertEquals(expectedUncapped, d.uncappedUsd(), 0.0, "uncapped = base x the four factors as applied");
            if (d.budgetStale()) {
                assertEquals(0.0, d.confidence(), "stale budget confidence");
                assertEquals(List.of(1.0, 1.0, 1.0, 1.0), List.of(d.regimeFactor(), d.clusterFactor(), d.drawdownFactor(), d.performanceFactor()));
            }
            clusterTotals.merge(d.clusterId(), t, Double::sum);
        }
        clusterTotals.forEach((cluster, total) -> assertTrue(total <= clusterCap * (1 + CLUSTER_TOLERANCE),
                () -> "cluster " + cluster + " total " + total + " <= cap " + clusterCap));
        if (policy.maxGrossPct().isPresent()) {
            double grossCap = policy.maxGrossPct().getAsDouble() * equity;
            double book = clusterTotals.values().stream().mapToDouble(Double::doubleValue).sum();
            assertTrue(book <= grossCap * (1 + CLUSTER_TOLERANCE), () -> "the book's total " + book + " <= gross cap " + grossCap);
        }
    }

    private static double saturate(double product) {
        return Double.isNaN(product) ? 0 : product == Double.POSITIVE_INFINITY ? Double.MAX_VALUE : product;
    }
}
