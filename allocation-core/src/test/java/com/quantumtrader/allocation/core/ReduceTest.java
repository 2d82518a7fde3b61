package com.quantumtrader.allocation.core;

import static com.quantumtrader.allocation.core.Fixtures.NOW;
import static com.quantumtrader.allocation.core.Fixtures.ago;
import static com.quantumtrader.allocation.core.Fixtures.budget;
import static com.quantumtrader.allocation.core.Fixtures.portfolio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Allocator#reduce}: reduce mode writes min(computed, written), 0 where nothing is written. */
class ReduceTest {

    private static final double TOLERANCE = 1e-9;

    /** One symbol, equity 100,000, zone LOW, no cap: the computed target is the budget (factors 1 where inputs are missing). */
    private static CycleResult computed(double budgetUsd) {
        CycleInputs in = new CycleInputs(Optional.of(portfolio(100_000, 0.0)), List.of(budget("A", budgetUsd)), Map.of(), Map.of(),
                Optional.empty(), Map.of(), List.of());
        return Allocator.allocate(in, Policy.DEFAULTS, NOW);
    }

    @ParameterizedTest(name = "computed {0}, written {1} -> {2} cap {3}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            // computed | written | reduced | cap
            "1000       | 2000    | 1000    | none",   // the rules lowered it below what is written: the rules' value
            "1000       | 1000    | 1000    | none",   // equal: not lowered by reduce
            "2000       | 1000    | 1000    | reduce", // budgets doubled: held at the written value
            "1000       | 0       | 0       | reduce", // written 0 stays 0
            "1000       | NONE    | 0       | reduce", // nothing written: 0, not the budget engine's budget
    })
    void reduce_oneSymbol_minOfComputedAndWritten(double budget, Double written, double expected, String cap) {
        CycleResult before = computed(budget);
        assertEquals(budget, before.decisions().get(0).targetUsd(), TOLERANCE, "the fixture computes the budget itself");
        Map<String, CarryOver.WrittenTarget> held = written == null ? Map.of() : Map.of("A", new CarryOver.WrittenTarget(written, ago(5)));

        Decision d = Allocator.reduce(before, held).decisions().get(0);

        assertEquals(expected, d.targetUsd(), TOLERANCE);
        assertEquals(expected / 100_000, d.weight(), TOLERANCE);
        assertEquals(cap, d.cap().wireName());
        assertEquals(budget, d.baseBudgetUsd(), TOLERANCE, "the budget and the factors are reported as computed");
    }

    @Test
    void reduce_skipped_returnedAsItIs() {
        CycleResult skipped = new CycleResult.Skipped(NOW, SkipReason.PORTFOLIO_MISSING, List.of(), List.of());
        assertSame(skipped, Allocator.reduce(skipped, Map.of()));
    }

    /**
     * Whatever the inputs and whatever is written: every reduced target is min(computed, written or 0), never above
     * either, still within the caps (so section 2's invariants hold), and labelled {@code reduce} exactly when reduce lowered it.
     */
    @Property(tries = 500)
    void reduce_anyInputsAnyWritten_minOfBoth_invariantsHold(@ForAll("scenarios") AllocatorProperties.Scenario s,
                                                           @ForAll @DoubleRange(min = 0, max = 2) double writtenRatio,
                                                           @ForAll @IntRange(min = 1, max = 5) int everyNthUnwritten) {
        CycleResult result = Allocator.allocate(s.inputs(), s.policy(), NOW);
        Map<String, CarryOver.WrittenTarget> written = new HashMap<>();
        for (int i = 0; i < result.decisions().size(); i++) {
            Decision d = result.decisions().get(i);
            if (i % everyNthUnwritten != everyNthUnwritten - 1) {
                written.put(d.symbol(), new CarryOver.WrittenTarget(d.targetUsd() * writtenRatio, ago(5)));
            }
        }
        CycleResult reduced = Allocator.reduce(result, written);
        assertEquals(result.decisions().size(), reduced.decisions().size());
        for (int i = 0; i < result.decisions().size(); i++) {
            Decision before = result.decisions().get(i);
            Decision after = reduced.decisions().get(i);
            double ceiling = written.containsKey(before.symbol()) ? written.get(before.symbol()).targetUsd() : 0;
            assertEquals(Math.min(before.targetUsd(), ceiling), after.targetUsd(), 0.0);
            assertEquals(after.targetUsd() < before.targetUsd() ? CapKind.REDUCE : before.cap(), after.cap());
            assertTrue(after.targetUsd() <= before.targetUsd());
        }
        Invariants.assertInvariants(s.inputs(), s.policy(), reduced);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<AllocatorProperties.Scenario> scenarios() {
        return new AllocatorProperties().scenarios();
    }
}
