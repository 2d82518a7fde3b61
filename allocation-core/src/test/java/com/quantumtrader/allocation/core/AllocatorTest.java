package com.quantumtrader.allocation.core;

import static com.quantumtrader.allocation.core.Fixtures.NOW;
import static com.quantumtrader.allocation.core.Fixtures.ago;
import static com.quantumtrader.allocation.core.Fixtures.budget;
import static com.quantumtrader.allocation.core.Fixtures.inputs;
import static com.quantumtrader.allocation.core.Fixtures.portfolio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllocatorTest {

    static final double TOLERANCE = 1e-12;
    static final Policy P = Policy.DEFAULTS;

    private static CycleResult run(CycleInputs in) {
        return Allocator.allocate(in, P, NOW);
    }

    private static Decision only(CycleResult r) {
        assertEquals(1, r.decisions().size(), "decisions");
        return r.decisions().get(0);
    }

    @ParameterizedTest(name = "age {0}s -> stale={1}")
    @CsvSource({"59, false", "60, false", "61, true"})
    void allocate_budgetAge_staleOnlyAboveStaleDataSec(long ageSeconds, boolean stale) {
        SymbolBudget b = new SymbolBudget("BTC", 1000, ago(ageSeconds));
        Decision d = only(run(inputs(portfolio(100_000, 0.1), List.of(b), Map.of(), Map.of(),
                new RegimeState(Regime.TREND, 1, ago(1)))));
        assertEquals(stale, d.budgetStale());
        assertEquals(stale ? 1000 : 1000 * 1.2 * 0.7, d.targetUsd(), TOLERANCE);
    }

    @ParameterizedTest(name = "{0}s ahead -> stale={1}")
    @CsvSource({"0, false", "30, false", "60, false", "61, true", "3600, true"})
    void allocate_budgetFromTheFuture_staleOnlyBeyondTheWindow(long aheadSeconds, boolean stale) {
        SymbolBudget b = new SymbolBudget("BTC", 1000, NOW.plusSeconds(aheadSeconds));
        Decision d = only(run(inputs(portfolio(100_000, 0.1), List.of(b), Map.of(), Map.of(),
                new RegimeState(Regime.TREND, 1, ago(1)))));
        assertEquals(stale, d.budgetStale());
    }

    @Test
    void allocate_portfolioAnHourAhead_skipsAsStale() {
        PortfolioState p = new PortfolioState(100_000, 0, NOW.plusSeconds(3600));
        assertEquals(SkipReason.PORTFOLIO_STALE, ((CycleResult.Skipped) run(inputs(p, List.of(budget("BTC", 1)), Map.of(), Map.of(), null))).reason());
    }

    @Test
    void allocate_portfolioOneNanoPastStale_skips() {
        PortfolioState p = new PortfolioState(100_000, 0, NOW.minusSeconds(60).minusNanos(1));
        CycleResult r = run(inputs(p, List.of(budget("BTC", 1)), Map.of(), Map.of(), null));
        assertEquals(SkipReason.PORTFOLIO_STALE, ((CycleResult.Skipped) r).reason());
        assertEquals(List.of(new Fallback(DataSource.PORTFOLIO, FallbackReason.STALE, "portfolio")), r.fallbacks());
        assertEquals(List.of(), r.decisions());
    }

    @ParameterizedTest(name = "drawdown {0} -> {1}")
    @CsvSource({"0, LOW", "0.0499999, LOW", "0.05, MID", "-0.05, MID", "0.1499999, MID", "0.15, HIGH", "-0.15, HIGH", "3, HIGH"})
    void drawdownZone_boundaries_lowerBoundInclusive(double drawdown, DrawdownZone zone) {
        assertEquals(zone, Factors.drawdownZone(drawdown, P));
    }

    @ParameterizedTest(name = "stress {0} -> {1}")
    @CsvSource({"0, 1.0", "0.2, 0.8", "0.7, 0.3", "0.9, 0.3", "-0.4, 1.0", "1e300, 0.3", "-1e300, 1.0"})
    void clusterFactor_stress_clampedToPolicyRange(double stress, double factor) {
        assertEquals(factor, Factors.clusterFactor(stress, P), TOLERANCE);
    }

    @ParameterizedTest(name = "alpha {0} -> {1}")
    @CsvSource({"0, 0.5", "1e308, 1.0", "-1e308, 0.0", "1, 0.7310585786300049"})
    void sigmoid_extremes_stayInUnitInterval(double alpha, double expected) {
        assertEquals(expected, Factors.sigmoid(alpha), TOLERANCE);
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({"TREND, 1.2", "trend, 1.2", "Mean_Reversion, 1.0", "chop, 0.6", "SIDEWAYS, 1.0", "UNKNOWN, 1.0", "'', 1.0"})
    void regimeFactor_names_caseInsensitive(String name, double factor) {
        assertEquals(factor, Factors.regimeFactor(Regime.fromName(name), P), 0.0);
    }

    @Test
    void allocate_equityNotPositive_skipsAndRejects() {
        CycleResult r = run(inputs(portfolio(-5, 0), List.of(budget("BTC", 1)), Map.of(), Map.of(), null));
        assertEquals(SkipReason.EQUITY_NOT_POSITIVE, ((CycleResult.Skipped) r).reason());
        assertEquals(List.of(new Rejection(DataSource.PORTFOLIO, RejectReason.INVALID_VALUE, "portfolio", "equity_usd=-5.0 must be > 0")),
                r.rejections());
    }

    @Test
    void allocate_rejectedPortfolio_skipsAsInvalidNotMissing() {
        // what the decoder yields for drawdown "n/a": no portfolio, and its rejection
        CycleInputs in = new CycleInputs(Optional.empty(), List.of(budget("BTC", 1)), Map.of(), Map.of(), Optional.empty(), Map.of(),
                List.of(new Rejection(DataSource.PORTFOLIO, RejectReason.INVALID_VALUE, "portfolio", "drawdown='n/a' is not a finite number")));
        CycleResult r = run(in);
        assertEquals(SkipReason.PORTFOLIO_INVALID, ((CycleResult.Skipped) r).reason());
        assertEquals(List.of(new Fallback(DataSource.PORTFOLIO, FallbackReason.INVALID, "portfolio")), r.fallbacks());
        assertEquals(1, r.rejections().size());
    }

    @Test
    void allocate_noPortfolio_skipsAsMissing() {
        CycleResult r = run(inputs(null, List.of(budget("BTC", 1)), Map.of(), Map.of(), null));
        assertEquals(SkipReason.PORTFOLIO_MISSING, ((CycleResult.Skipped) r).reason());
        assertTrue(r instanceof CycleResult.Skipped);
    }

    @Test
    void allocate_clusterMapPrecedence_mapThenBudgetClusterThenUnknown() {
        List<SymbolBudget> budgets = List.of(
                new SymbolBudget("A", 1, ago(1), Optional.of("fromBudget")),
                new SymbolBudget("B", 1, ago(1), Optional.of("fromBudget")),
                budget("C", 1));
        CycleResult r = run(inputs(portfolio(1000, 0), budgets, Map.of("A", "fromMap"), Map.of(), null));
        assertEquals(List.of("fromMap", "fromBudget", "UNKNOWN"), r.decisions().stream().map(Decision::clusterId).toList());
    }

    @Test
    void allocate_staleBudgetInCappedCluster_passesThroughThenScaledWithCluster() {
        // Two stale budgets of 50k with equity 100k: each capped at 40k, cluster 80k > 60k -> both 30k.
        List<SymbolBudget> budgets = List.of(new SymbolBudget("A", 50_000, ago(120)), new SymbolBudget("B", 50_000, ago(120)));
        CycleResult r = run(inputs(portfolio(100_000, 0.2), budgets, Map.of("A", "c", "B", "c"), Map.of(), null));
        for (Decision d : r.decisions()) {
            assertEquals(30_000, d.targetUsd(), 1e-6);
            assertEquals(CapKind.CLUSTER, d.cap());
            assertEquals(0.0, d.confidence());
            assertEquals(50_000, d.uncappedUsd(), 0.0);
            assertEquals(List.of(DataSource.BUDGET, DataSource.REGIME, DataSource.CLUSTER, DataSource.PERFORMANCE), d.fallbacks());
        }
    }

    @Test
    void allocate_fallbacks_countedOncePerSubject() {
        List<SymbolBudget> budgets = List.of(budget("A", 1), budget("B", 1), new SymbolBudget("C", 1, ago(61)));
        CycleResult r = run(inputs(portfolio(1000, 0), budgets, Map.of("A", "x", "B", "x", "C", "y"),
                Map.of("y", new ClusterStress("y", 0.1, 0.1, ago(100))), null));
        assertEquals(List.of(
                new Fallback(DataSource.REGIME, FallbackReason.MISSING, "regime"),
                new Fallback(DataSource.CLUSTER, FallbackReason.MISSING, "x"),
                new Fallback(DataSource.PERFORMANCE, FallbackReason.MISSING, "A"),
                new Fallback(DataSource.PERFORMANCE, FallbackReason.MISSING, "B"),
                new Fallback(DataSource.CLUSTER, FallbackReason.STALE, "y"),
                new Fallback(DataSource.PERFORMANCE, FallbackReason.STALE, "C"),
                new Fallback(DataSource.BUDGET, FallbackReason.STALE, "C")), r.fallbacks());
    }

    @Test
    void allocate_rejectedClusterHash_fallsBackAsInvalid() {
        // what the decoder yields for a stress hash with timestamp "yesterday": no cluster m, and its rejection
        CycleInputs in = new CycleInputs(Optional.of(portfolio(1000, 0)), List.of(budget("BTC", 1)), Map.of("BTC", "m"), Map.of(),
                Optional.empty(), Map.of(), List.of(new Rejection(DataSource.CLUSTER, RejectReason.INVALID_VALUE, "m",
                        "timestamp='yesterday' is not an epoch timestamp in seconds or milliseconds")));
        CycleResult r = run(in);
        assertTrue(r.fallbacks().contains(new Fallback(DataSource.CLUSTER, FallbackReason.INVALID, "m")), r.fallbacks()::toString);
        assertEquals(1.0, only(r).clusterFactor());
    }

    @Test
    void allocate_clusterHashForUnknown_isNeverUsed() {
        CycleResult r = run(inputs(portfolio(1000, 0), List.of(budget("A", 100)), Map.of(),
                Map.of("UNKNOWN", new ClusterStress("UNKNOWN", 0.9, -5, ago(1))), null));
        Decision d = only(r);
        assertEquals(1.0, d.clusterFactor());
        assertEquals(1.0, d.performanceFactor());
        assertEquals(100, d.targetUsd(), 0.0);
    }

    @Test
    void allocate_hugeAttributionFactor_saturatesThenCapped() {
        CycleInputs in = new CycleInputs(Optional.of(portfolio(1000, 0)), List.of(new SymbolBudget("A", 1e300, ago(1))), Map.of(), Map.of(),
                Optional.of(new RegimeState(Regime.TREND, 1, ago(1))),
                Map.of("A", new PerformanceAttribution("A", 1e300, ago(1))), List.of());
        Decision d = only(run(in));
        assertEquals(Double.MAX_VALUE, d.uncappedUsd(), 0.0);
        assertEquals(400, d.targetUsd(), 0.0);
        assertEquals(CapKind.SYMBOL, d.cap());
    }

    @Test
    void allocate_zeroFactorTimesOverflow_isZeroNotNaN() {
        Policy zeroHigh = new Policy(0.4, 0.6, P.staleData(), 1.2, 1, 0.6, 0.05, 0.15, 1, 0.7, 0.0, 0.3, 1, 0, java.time.Duration.ZERO);
        CycleInputs in = new CycleInputs(Optional.of(portfolio(1000, 0.5)), List.of(new SymbolBudget("A", 1e308, ago(1))), Map.of(), Map.of(),
                Optional.of(new RegimeState(Regime.TREND, 1, ago(1))),
                Map.of("A", new PerformanceAttribution("A", 1e308, ago(1))), List.of());
        Decision d = only(Allocator.allocate(in, zeroHigh, NOW));
        assertEquals(0.0, d.targetUsd(), 0.0);
        assertEquals(0.0, d.uncappedUsd(), 0.0);
    }

    @Test
    void allocate_regimeConfidence_clampedAndUnparsableIsZero() {
        SymbolBudget b = budget("A", 1);
        Map<String, ClusterStress> c = Map.of("m", new ClusterStress("m", 0, 0, ago(1)));
        double high = only(run(inputs(portfolio(1000, 0), List.of(b), Map.of("A", "m"), c, new RegimeState(Regime.CHOP, 7, ago(1))))).confidence();
        double low = only(run(inputs(portfolio(1000, 0), List.of(b), Map.of("A", "m"), c, new RegimeState(Regime.CHOP, -3, ago(1))))).confidence();
        assertEquals(1.0, high, 0.0);
        assertEquals(0.75, low, 0.0);
    }

    @Test
    void allocate_garbageStressGoodAlpha_usesAlphaOnly() {
        Map<String, ClusterStress> c = Map.of("m", new ClusterStress("m", OptionalDouble.empty(), OptionalDouble.of(0), ago(1)));
        Decision d = only(run(inputs(portfolio(1000, 0), List.of(budget("A", 100)), Map.of("A", "m"), c, new RegimeState(Regime.MEAN_REVERSION, 1, ago(1)))));
        assertEquals(1.0, d.clusterFactor());
        assertEquals(0.5, d.performanceFactor());
        assertEquals(50, d.targetUsd(), TOLERANCE);
        assertEquals(List.of(DataSource.CLUSTER), d.fallbacks());
        assertEquals(0.75, d.confidence());
    }

    /**
     * DESIGN section 2 asks that a deeper drawdown never raise any target. With the mandated
     * proportional cluster scaling after the symbol cap, it can: a capped member keeps its share
     * while an uncapped member shrinks, so the capped one's slice of the fixed cluster cap grows.
     * This pins the behaviour the property suite allows for (see docs/rules.md).
     */
    @Test
    void allocate_deeperDrawdownInCappedCluster_canRaiseACappedMember() {
        List<SymbolBudget> budgets = List.of(budget("A", 100_000), budget("B", 30_000));
        Map<String, String> map = Map.of("A", "c", "B", "c");
        RegimeState mr = new RegimeState(Regime.MEAN_REVERSION, 1, ago(1));
        CycleResult low = run(inputs(portfolio(100_000, 0.0), budgets, map, Map.of(), mr));
        CycleResult mid = run(inputs(portfolio(100_000, 0.1), budgets, map, Map.of(), mr));
        // LOW: A 40k (symbol cap), B 30k -> 70k > 60k -> x 6/7.  MID: A 40k, B 21k -> 61k -> x 60/61.
        assertEquals(40_000 * 60.0 / 70.0, low.decisions().get(0).targetUsd(), 1e-6);
        assertEquals(40_000 * 60.0 / 61.0, mid.decisions().get(0).targetUsd(), 1e-6);
        assertTrue(mid.decisions().get(1).targetUsd() < low.decisions().get(1).targetUsd());
        double lowTotal = low.decisions().stream().mapToDouble(Decision::targetUsd).sum();
        double midTotal = mid.decisions().stream().mapToDouble(Decision::targetUsd).sum();
        assertEquals(60_000, lowTotal, 1e-6);
        assertEquals(60_000, midTotal, 1e-6);
    }

    @Test
    void allocate_sameInputs_identicalResult() {
        CycleInputs in = inputs(portfolio(1000, 0.07), List.of(budget("A", 500), budget("B", 700)), Map.of("A", "m", "B", "m"),
                Map.of("m", new ClusterStress("m", 0.2, 0.3, ago(5))), new RegimeState(Regime.TREND, 0.8, ago(2)));
        assertEquals(run(in), run(in));
    }

    @Test
    void cycleInputs_duplicateSymbol_throwsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> inputs(portfolio(1, 0), List.of(budget("A", 1), budget("A", 2)), Map.of(), Map.of(), null));
        assertEquals("budgets: must hold one budget per symbol, was a second for A", e.getMessage());
    }

    @Test
    void records_invalidFields_throwNamingFieldRuleAndValue() {
        assertEquals("budgetUsd: must be finite and >= 0, was NaN",
                assertThrows(IllegalArgumentException.class, () -> new SymbolBudget("A", Double.NaN, NOW)).getMessage());
        assertEquals("symbol: must be 1-64 characters of [A-Za-z0-9._-], was 'a:b'",
                assertThrows(IllegalArgumentException.class, () -> new SymbolBudget("a:b", 1, NOW)).getMessage());
        assertEquals("equityUsd: must be finite, was Infinity",
                assertThrows(IllegalArgumentException.class, () -> new PortfolioState(Double.POSITIVE_INFINITY, 0, NOW)).getMessage());
        assertEquals("timestamp",
                assertThrows(NullPointerException.class, () -> new RegimeState(Regime.TREND, 1, (Instant) null)).getMessage());
        assertEquals("performanceFactor: must be finite and >= 0, was -1.0",
                assertThrows(IllegalArgumentException.class, () -> new PerformanceAttribution("A", -1, NOW)).getMessage());
    }
}
