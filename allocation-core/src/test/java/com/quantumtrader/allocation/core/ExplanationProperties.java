package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Explanation} over generated universes (AllocatorProperties' scenarios, extreme values included): the chain's
 * numbers are the cycle's. The rules' decision is {@code allocate}'s, its caps multiply the product back to its target,
 * and the part after the rules is the step's decision; a skipped cycle and an unknown symbol are values.
 */
class ExplanationProperties {

    @Provide
    Arbitrary<AllocatorProperties.Scenario> scenarios() {
        return Arbitraries.randomValue(AllocatorProperties::scenario);
    }

    @Property(tries = 300)
    void explain_everySymbol_equalsTheCyclesOwnNumbers(@ForAll("scenarios") AllocatorProperties.Scenario s) {
        CycleStep.Controls controls = CycleStep.Controls.of(Mode.ENFORCE);
        CycleStep.Settings settings = CycleStep.Settings.of(s.policy());
        CycleResult allocated = Allocator.allocate(s.inputs(), s.policy(), AllocatorProperties.NOW);
        CycleResult stepped = CycleStep.step(s.inputs(), controls, settings, AllocatorProperties.NOW, CarryOver.START).result();
        for (SymbolBudget b : s.inputs().budgets()) {
            Explanation e = Explanation.of(b.symbol(), s.inputs(), controls, settings, AllocatorProperties.NOW, CarryOver.START);
            if (allocated instanceof CycleResult.Skipped skipped) {
                assertEquals(new Explanation.Unexplained(b.symbol(), Explanation.Reason.SKIPPED, Optional.of(skipped.reason())), e);
                continue;
            }
            Explanation.Chain chain = assertInstanceOf(Explanation.Chain.class, e);
            Decision d = find(allocated.decisions(), b.symbol());
            assertEquals(d, chain.rules().decision());
            Explanation.Rules r = chain.rules();
            double symbolCapped = Math.min(d.uncappedUsd(), r.symbol().limitUsd());
            double target = symbolCapped * r.cluster().ratio();
            if (target > 0) {
                target *= r.gross().ratio();
            }
            assertEquals(d.targetUsd(), target, Math.abs(d.targetUsd()) * 1e-12, chain.toString());
            assertEquals(find(stepped.decisions(), b.symbol()), chain.after().decision());
            assertTrue(r.cluster().sumUsd() <= r.gross().sumUsd() * (1 + 1e-12) || r.cluster().ratio() < 1, chain.toString());
        }
        Explanation unknown = Explanation.of("NOSUCHSYMBOL", s.inputs(), controls, settings, AllocatorProperties.NOW, CarryOver.START);
        assertInstanceOf(Explanation.Unexplained.class, unknown);
    }

    private static Decision find(List<Decision> decisions, String symbol) {
        return decisions.stream().filter(d -> d.symbol().equals(symbol)).findFirst().orElseThrow();
    }
}
