package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

/**
 * The invariants of DESIGN section 2 over generated inputs, extreme and hostile values included.
 * Scenarios are drawn from a seeded {@link Random} biased towards edges (thresholds, exactly-stale
 * ages, zero, 1e300, Double.MAX_VALUE); jqwik reports the seed of any failure.
 */
class AllocatorProperties {

    /** Relative slack for comparing two runs' floating-point results. */
    static final double RUN_TOLERANCE = 1e-12;
    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);

    record Scenario(CycleInputs inputs, Policy policy) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.randomValue(AllocatorProperties::scenario);
    }

    // ------------------------------------------------------------------ invariants

    @Property(tries = 1000)
    void allocate_anyInputs_targetsFiniteNonNegativeAndCapped(@ForAll("scenarios") Scenario s) {
        Invariants.assertInvariants(s.inputs(), s.policy(), Allocator.allocate(s.inputs(), s.policy(), NOW));
    }

    @Property(tries = 1000)
    void allocate_sameInputs_identicalOutput(@ForAll("scenarios") Scenario s) {
        assertEquals(Allocator.allocate(s.inputs(), s.policy(), NOW), Allocator.allocate(s.inputs(), s.policy(), NOW));
    }

    @Property(tries = 1000)
    void allocate_deeperDrawdown_neverRaisesExceptByClusterShare(@ForAll("scenarios") Scenario s,
                                                                  @ForAll @DoubleRange(min = 0, max = 1) double deeper) {
        Optional<PortfolioState> p = s.inputs().portfolio();
        if (p.isEmpty()) {
            return;
        }
        double d = p.get().drawdown();
        double d2 = Math.copySign(Math.abs(d) + deeper, d);
        CycleInputs changed = withPortfolio(s.inputs(), new PortfolioState(p.get().equityUsd(), d2, p.get().timestamp()));
        assertNeverRaised(s, changed);
    }

    @Property(tries = 1000)
    void allocate_higherStress_neverRaisesExceptByClusterShare(@ForAll("scenarios") Scenario s,
                                                               @ForAll @DoubleRange(min = 0, max = 2) double more) {
        Map<String, ClusterStress> clusters = new HashMap<>(s.inputs().clusters());
        clusters.replaceAll((id, c) -> new ClusterStress(id,
                c.stress().isPresent() ? OptionalDouble.of(c.stress().getAsDouble() + more) : c.stress(), c.alpha(), c.timestamp()));
        assertNeverRaised(s, withClusters(s.inputs(), clusters));
    }

    @Property(tries = 1000)
    void allocate_lowerAlpha_neverRaisesExceptByClusterShare(@ForAll("scenarios") Scenario s,
                                                             @ForAll @DoubleRange(min = 0, max = 10) double less) {
        Map<String, ClusterStress> clusters = new HashMap<>(s.inputs().clusters());
        clusters.replaceAll((id, c) -> new ClusterStress(id, c.stress(),
                c.alpha().isPresent() ? OptionalDouble.of(c.alpha().getAsDouble() - less) : c.alpha(), c.timestamp()));
        assertNeverRaised(s, withClusters(s.inputs(), clusters));
    }

    // ------------------------------------------------------------------ checks

    /**
     * The uncapped product never rises, no cluster's total rises, and no target rises above its own
     * symbol-capped value of before. A target may rise only in a cluster the proportional cap scaled
     * (before or after): its share of the cap grows when other members shrink (docs/rules.md).
     */
    static void assertNeverRaised(Scenario s, CycleInputs changed) {
        CycleResult before = Allocator.allocate(s.inputs(), s.policy(), NOW);
        CycleResult after = Allocator.allocate(changed, s.policy(), NOW);
        assertEquals(before.outcome(), after.outcome());
        Map<String, Double> totalBefore = totals(before);
        Map<String, Double> totalAfter = totals(after);
        double bookBefore = totalBefore.values().stream().mapToDouble(Double::doubleValue).sum();
        double bookAfter = totalAfter.values().stream().mapToDouble(Double::doubleValue).sum();
        assertTrue(bookAfter <= bookBefore * (1 + RUN_TOLERANCE) + Double.MIN_NORMAL,
                () -> "the book's total rose from " + bookBefore + " to " + bookAfter);
        // Under the gross cap one cluster's share of the book grows when another shrinks (the proportional rule again).
        boolean gross = grossApplied(before) || grossApplied(after);
        totalAfter.forEach((cluster, total) -> assertTrue(gross || total <= totalBefore.get(cluster) * (1 + RUN_TOLERANCE) + Double.MIN_NORMAL,
                () -> "cluster " + cluster + " total rose from " + totalBefore.get(cluster) + " to " + total));
        for (int i = 0; i < after.decisions().size(); i++) {
            Decision b = before.decisions().get(i);
            Decision a = after.decisions().get(i);
            assertTrue(a.uncappedUsd() <= b.uncappedUsd() * (1 + RUN_TOLERANCE),
                    () -> a.symbol() + " uncapped rose from " + b.uncappedUsd() + " to " + a.uncappedUsd());
            boolean rose = a.targetUsd() > b.targetUsd() * (1 + RUN_TOLERANCE) + Double.MIN_NORMAL;
            assertTrue(!rose || a.cap() == CapKind.CLUSTER || b.cap() == CapKind.CLUSTER || gross,
                    () -> a.symbol() + " target rose from " + b.targetUsd() + " to " + a.targetUsd() + " without a cluster or gross cap");
            double ownBefore = Math.min(b.uncappedUsd(), s.policy().maxSymbolPct() * ((CycleResult.Computed) before).context().equityUsd());
            assertTrue(a.targetUsd() <= ownBefore * (1 + RUN_TOLERANCE) + Double.MIN_NORMAL,
                    () -> a.symbol() + " target " + a.targetUsd() + " rose above its own symbol-capped value " + ownBefore);
        }
    }

    private static boolean grossApplied(CycleResult r) {
        return r.decisions().stream().anyMatch(d -> d.cap() == CapKind.GROSS);
    }

    private static Map<String, Double> totals(CycleResult r) {
        Map<String, Double> totals = new HashMap<>();
        r.decisions().forEach(d -> totals.merge(d.clusterId(), d.targetUsd(), Double::sum));
        return totals;
    }

    private static CycleInputs withPortfolio(CycleInputs in, PortfolioState p) {
        return new CycleInputs(Optional.of(p), in.budgets(), in.clusterMap(), in.clusters(), in.regime(), in.attributions(), in.rejections());
    }

    private static CycleInputs withClusters(CycleInputs in, Map<String, ClusterStress> clusters) {
        return new CycleInputs(in.portfolio(), in.budgets(), in.clusterMap(), clusters, in.regime(), in.attributions(), in.rejections());
    }

    // ------------------------------------------------------------------ generators

    private static final String[] CLUSTERS = {"c0", "c1", "c2", "c3", "UNKNOWN"};

    static Scenario scenario(Random rnd) {
        Policy policy = rnd.nextInt(3) == 0 ? randomPolicy(rnd) : Policy.DEFAULTS;
        if (rnd.nextInt(3) == 0) { // the gross cap of DESIGN section 17, edges included
            double gross = pick(rnd, new double[] {1e-9, 0.01, 1, Policy.MAX_GROSS}, () -> 0.01 + rnd.nextDouble() * 3);
            policy = policy.withBookLimits(OptionalDouble.of(gross), policy.maxRaisePct());
        }
        long staleSec = policy.staleData().getSeconds();
        Optional<PortfolioState> portfolio = rnd.nextInt(20) == 0 ? Optional.empty()
                : Optional.of(new PortfolioState(pick(rnd, equityEdges(), () -> Math.pow(10, -3 + rnd.nextDouble() * 16)),
                pick(rnd, new double[] {0, 0.05, -0.05, 0.15, -0.15, 0.049999, 1, -1}, () -> rnd.nextDouble() * 4 - 2),
                ago(rnd, staleSec)));
        int n = rnd.nextInt(26);
        List<SymbolBudget> budgets = new ArrayList<>();
        Map<String, String> clusterMap = new HashMap<>();
        Map<String, PerformanceAttribution> attributions = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String symbol = "S" + i;
            double usd = pick(rnd, new double[] {0, 1e300, Double.MAX_VALUE, 1e-300, 4.9e-324},
                    () -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(10)));
            Optional<String> own = rnd.nextInt(4) == 0 ? Optional.of(CLUSTERS[rnd.nextInt(CLUSTERS.length)]) : Optional.empty();
            budgets.add(new SymbolBudget(symbol, usd, ago(rnd, staleSec), own));
            if (rnd.nextInt(3) > 0) {
                clusterMap.put(symbol, CLUSTERS[rnd.nextInt(CLUSTERS.length)]);
            }
            if (rnd.nextInt(4) == 0) {
                attributions.put(symbol, new PerformanceAttribution(symbol,
                        pick(rnd, new double[] {0, 1e300, Double.MAX_VALUE}, () -> rnd.nextDouble() * 3), ago(rnd, staleSec)));
            }
        }
        Map<String, ClusterStress> clusters = new HashMap<>();
        for (String id : CLUSTERS) {
            if (rnd.nextInt(5) > 0) {
                OptionalDouble stress = rnd.nextInt(8) == 0 ? OptionalDouble.empty()
                        : OptionalDouble.of(pick(rnd, new double[] {0, 1, -1e300, 1e300, 0.7}, () -> rnd.nextDouble() * 3 - 1));
                OptionalDouble alpha = rnd.nextInt(8) == 0 ? OptionalDouble.empty()
                        : OptionalDouble.of(pick(rnd, new double[] {0, -1e308, 1e308, 800, -800}, () -> rnd.nextGaussian() * 3));
                clusters.put(id, new ClusterStress(id, stress, alpha, ago(rnd, staleSec)));
            }
        }
        Optional<RegimeState> regime = rnd.nextInt(6) == 0 ? Optional.empty()
                : Optional.of(new RegimeState(Regime.values()[rnd.nextInt(Regime.values().length)],
                pick(rnd, new double[] {0, 1, -5, 5}, rnd::nextDouble), ago(rnd, staleSec)));
        return new Scenario(new CycleInputs(portfolio, budgets, clusterMap, clusters, regime, attributions, List.of()), policy);
    }

    private static double[] equityEdges() {
        return new double[] {1e-3, 0.01, 1, 1e13, 100_000};
    }

    /** Ages around the stale threshold (exactly at it, one second and one nanosecond past) and in the future. */
    private static Instant ago(Random rnd, long staleSec) {
        switch (rnd.nextInt(8)) {
            case 0:
                return NOW.minusSeconds(staleSec);
            case 1:
                return NOW.minusSeconds(staleSec).minusNanos(1);
            case 2:
                return NOW.plusSeconds(rnd.nextInt(30));
            default:
                return NOW.minusMillis((long) (rnd.nextDouble() * staleSec * 2000));
        }
    }

    private static double pick(Random rnd, double[] edges, java.util.function.DoubleSupplier normal) {
        return rnd.nextInt(6) == 0 ? edges[rnd.nextInt(edges.length)] : normal.getAsDouble();
    }

    private static Policy randomPolicy(Random rnd) {
        double lowT = rnd.nextDouble() * 0.5;
        double highT = lowT + 1e-9 + rnd.nextDouble() * (1 - lowT - 1e-9);
        double[] dd = {rnd.nextDouble() * 5, rnd.nextDouble() * 5, rnd.nextDouble() * 5};
        java.util.Arrays.sort(dd);
        double a = rnd.nextDouble() * 5;
        double b = rnd.nextDouble() * 5;
        return new Policy(0.001 + rnd.nextDouble() * 0.999, 0.001 + rnd.nextDouble() * 0.999,
                Duration.ofSeconds(1 + rnd.nextInt(300)),
                rnd.nextDouble() * 5, rnd.nextDouble() * 5, rnd.nextDouble() * 5,
                lowT, highT, dd[2], dd[1], dd[0], Math.min(a, b), Math.max(a, b),
                rnd.nextBoolean() ? 0 : rnd.nextDouble() * lowT, Duration.ofSeconds(rnd.nextInt(600)));
    }
}
