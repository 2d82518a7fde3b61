package com.quantumtrader.allocation.core;

import static com.quantumtrader.allocation.core.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    /** Equity 100,000; two majors of 30,000 and 40,000 (cluster cap 60,000 binds), one alt of 30,000; gross 0.5; ramp 10 %/min. */
    static final Policy POLICY = PolicyVariables.parse(Map.of("MAX_GROSS_PCT", "0.5", "P29_MAX_RAISE_PCT", "0.10"));
    static final CycleInputs INPUTS = CycleInputs.builder().portfolio(Fixtures.portfolio(100_000, 0.0))
            .budget(Fixtures.budget("BTCUSDT", 30_000)).budget(Fixtures.budget("ETHUSDT", 40_000)).budget(Fixtures.budget("SOLUSDT", 30_000))
            .cluster("BTCUSDT", "majors").cluster("ETHUSDT", "majors").cluster("SOLUSDT", "alts").build();

    @Test
    void of_grossCappedAndRampedSymbol_chainNamesEachStep() {
        CarryOver written = CarryOver.START.withWritten(Map.of("BTCUSDT", new CarryOver.WrittenTarget(10_000, NOW.minusSeconds(60))));
        Explanation.Chain c = (Explanation.Chain) Explanation.of("BTCUSDT", INPUTS, CycleStep.Controls.of(Mode.ENFORCE),
                CycleStep.Settings.of(POLICY), NOW, written);
        Explanation.Rules r = c.rules();
        assertEquals(30_000, r.decision().uncappedUsd(), 1e-9, "no factor but 1 here: the product is the budget");
        assertFalse(r.symbol().bound()); // 40,000 limit
        assertEquals(70_000, r.cluster().sumUsd(), 1e-9);
        assertEquals(60_000.0 / 70_000, r.cluster().ratio(), 1e-12);
        assertEquals(90_000, r.gross().sumUsd(), 1e-6); // 60,000 of majors + 30,000 of alts
        assertEquals(50_000, r.gross().limitUsd(), 1e-9);
        assertEquals(50_000.0 / 90_000, r.gross().ratio(), 1e-12);
        assertEquals(CapKind.GROSS, r.decision().cap());
        assertEquals(30_000 * (60_000.0 / 70_000) * (50_000.0 / 90_000), r.decision().targetUsd(), 1e-6);
        // the ramp: 10,000 written a minute ago, + 10 % of the 30,000 base per minute
        assertEquals(13_000, c.after().rampBound().getAsDouble(), 1e-9);
        assertEquals(13_000, c.after().decision().targetUsd(), 1e-9);
        assertEquals(CapKind.RAMP, c.after().decision().cap());
        assertEquals(Mode.ENFORCE, c.after().mode());
    }

    @Test
    void of_scopedControlOnTheCluster_listedInForce_othersNot() {
        ScopedControl halt = new ScopedControl(ScopedControl.Scope.CLUSTER, "majors", ScopedControl.Action.HALT, 1.0, "audit", "risk",
                Optional.of(NOW.minusSeconds(5)), Optional.of(NOW.plusSeconds(600)));
        ScopedControl other = new ScopedControl(ScopedControl.Scope.SYMBOL, "SOLUSDT", ScopedControl.Action.SCALE, 0.5, "x", "y",
                Optional.of(NOW.minusSeconds(5)), Optional.empty());
        Explanation.Chain c = (Explanation.Chain) Explanation.of("ETHUSDT", INPUTS, new CycleStep.Controls(Mode.ENFORCE, List.of(halt, other)),
                CycleStep.Settings.of(POLICY), NOW, CarryOver.START);
        assertEquals(List.of(halt), c.after().controls());
        assertEquals(0.0, c.after().decision().targetUsd());
        assertEquals(CapKind.HALT, c.after().decision().cap());
        assertTrue(c.after().rampBound().isEmpty(), "nothing written: no ramp");
    }

    @Test
    void of_unknownSymbolOrSkippedCycle_unexplainedWithWhy() {
        assertEquals(new Explanation.Unexplained("XRPUSDT", Explanation.Reason.NO_BUDGET, Optional.empty()),
                Explanation.of("XRPUSDT", INPUTS, CycleStep.Controls.of(Mode.ENFORCE), CycleStep.Settings.of(POLICY), NOW, CarryOver.START));
        CycleInputs noPortfolio = CycleInputs.builder().budget(Fixtures.budget("BTCUSDT", 30_000)).build();
        Explanation e = Explanation.of("BTCUSDT", noPortfolio, CycleStep.Controls.of(Mode.ENFORCE), CycleStep.Settings.of(POLICY), NOW,
                CarryOver.START);
        assertEquals(Explanation.Reason.SKIPPED, ((Explanation.Unexplained) e).reason());
        assertTrue(((Explanation.Unexplained) e).skip().isPresent());
    }
}
