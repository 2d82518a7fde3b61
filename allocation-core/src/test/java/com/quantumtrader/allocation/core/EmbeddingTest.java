package com.quantumtrader.allocation.core;

import static com.quantumtrader.allocation.core.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Core in a few lines (DESIGN section 23): inputs by name, the shipped policy by its variables, the leader's whole step. */
class EmbeddingTest {

    static final Policy SHIPPED = PolicyVariables.parse(Map.of("DD_HYSTERESIS", "0.005", "DD_RELAX_SEC", "300", "MAX_GROSS_PCT", "1.0",
            "P29_MAX_RAISE_PCT", "0.10", "PATH", "/usr/bin"));

    static CycleInputs built() {
        return CycleInputs.builder()
                .portfolio(Fixtures.portfolio(100_000, 0.12))
                .regime(new RegimeState(Regime.TREND, 0.8, NOW))
                .budget(Fixtures.budget("BTCUSDT", 30_000))
                .budget(Fixtures.budget("ETHUSDT", 25_000))
                .budget(Fixtures.budget("SOLUSDT", 20_000))
                .cluster("BTCUSDT", "majors").cluster("ETHUSDT", "majors")
                .stress(new ClusterStress("majors", 0.3, 0.2, NOW))
                .attribution(new PerformanceAttribution("SOLUSDT", 1.2, NOW))
                .build();
    }

    @Test
    void builder_namedInputs_equalThePositionalConstructor() {
        CycleInputs positional = new CycleInputs(Optional.of(Fixtures.portfolio(100_000, 0.12)),
                List.of(Fixtures.budget("BTCUSDT", 30_000), Fixtures.budget("ETHUSDT", 25_000), Fixtures.budget("SOLUSDT", 20_000)),
                Map.of("BTCUSDT", "majors", "ETHUSDT", "majors"), List.of(), Map.of("majors", new ClusterStress("majors", 0.3, 0.2, NOW)),
                Optional.of(new RegimeState(Regime.TREND, 0.8, NOW)),
                Map.of("SOLUSDT", new PerformanceAttribution("SOLUSDT", 1.2, NOW)), List.of());
        assertEquals(positional, built());
        assertEquals(new CycleInputs(Optional.empty(), List.of(), Map.of(), List.of(), Map.of(), Optional.empty(), Map.of(), List.of()),
                CycleInputs.builder().build());
    }

    @Test
    void builder_secondStressForACluster_refusedNamingIt() {
        CycleInputs.Builder b = CycleInputs.builder().stress(new ClusterStress("majors", 0.3, 0.2, NOW));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.stress(new ClusterStress("majors", 0.1, 0, NOW)));
        assertEquals("stress: one per cluster, was a second for majors", e.getMessage());
    }

    @Test
    void fromSettings_shippedValuesAndForeignKeys_theShippedPolicy() {
        Policy d = Policy.DEFAULTS;
        assertEquals(new Policy(d.maxSymbolPct(), d.maxClusterPct(), d.staleData(), d.regimeFactorTrend(), d.regimeFactorMeanReversion(),
                d.regimeFactorChop(), d.ddLowThreshold(), d.ddHighThreshold(), d.ddFactorLow(), d.ddFactorMid(), d.ddFactorHigh(),
                d.clusterStressMin(), d.clusterStressMax(), 0.005, java.time.Duration.ofSeconds(300), java.util.OptionalDouble.of(1.0), 0.10),
                SHIPPED);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class)
    void step_embedded_isTheLeadersStep(Mode mode) {
        CycleStep.Settings settings = CycleStep.Settings.of(SHIPPED);
        CycleStep.Controls controls = new CycleStep.Controls(mode, List.of(new ScopedControl(ScopedControl.Scope.SYMBOL, "ETHUSDT",
                ScopedControl.Action.HALT, 1.0, "test", "it", Optional.of(NOW.minusSeconds(5)), Optional.empty())));
        CarryOver state = CarryOver.START;
        for (int i = 0; i < 3; i++) {
            java.time.Instant at = NOW.plusSeconds(5L * i);
            CycleStep.Outcome embedded = CycleStep.step(built(), controls, settings, at, state);
            CycleStep.Outcome leader = CycleStep.step(built(), controls, settings, at, state, true, Optional.empty(), Optional.empty());
            assertEquals(leader, embedded);
            assertEquals(leader.write().map(CycleStep.Write::after).orElse(leader.next()), embedded.carriedOver());
            state = embedded.carriedOver();
            for (Decision d : embedded.result().decisions()) { // the controls and the mode applied, as the service applies them
                if (mode == Mode.HALT || d.symbol().equals("ETHUSDT")) {
                    assertEquals(0.0, d.targetUsd(), d.toString());
                    assertEquals(CapKind.HALT, d.cap(), d.toString());
                }
            }
        }
    }
}
