package com.quantumtrader.allocation.core;

import static com.quantumtrader.allocation.core.Fixtures.NOW;
import static com.quantumtrader.allocation.core.Fixtures.ago;
import static com.quantumtrader.allocation.core.Fixtures.budget;
import static com.quantumtrader.allocation.core.Fixtures.portfolio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Allocator#cycle}: the result is {@link Allocator#allocate}'s, and the carry-over passes on. */
class CarryOverTest {

    private static final CarryOver PREVIOUS = new CarryOver(Optional.of(DrawdownZone.LOW), Optional.of(ago(30)), Optional.of(Mode.SHADOW),
            Optional.of(Map.of("A", new CarryOver.WrittenTarget(123.5, ago(5)))));

    private static CycleInputs inputs(Optional<PortfolioState> portfolio) {
        return new CycleInputs(portfolio, List.of(budget("A", 1000)), Map.of(), Map.of(), Optional.empty(), Map.of(), List.of());
    }

    @Test
    void cycle_computed_sameResultAsAllocate_zoneOfThisCycle_restPassedOn() {
        CycleInputs in = inputs(Optional.of(portfolio(100_000, 0.07)));
        Allocator.Cycle c = Allocator.cycle(in, Policy.DEFAULTS, NOW, PREVIOUS);
        assertEquals(Allocator.allocate(in, Policy.DEFAULTS, NOW), c.result());
        assertEquals(new CarryOver(Optional.of(DrawdownZone.MID), Optional.empty(), PREVIOUS.mode(), PREVIOUS.written()), c.next());
    }

    @Test
    void cycle_skipped_carryOverUnchanged() {
        Allocator.Cycle c = Allocator.cycle(inputs(Optional.empty()), Policy.DEFAULTS, NOW, PREVIOUS);
        assertEquals(Outcome.SKIPPED, c.result().outcome());
        assertEquals(PREVIOUS, c.next());
    }

    @Test
    void withWrittenUnknown_forgetsOnlyTheWrittenTargets() {
        CarryOver unknown = PREVIOUS.withWrittenUnknown();
        assertEquals(Optional.empty(), unknown.written());
        assertEquals(PREVIOUS.zone(), unknown.zone());
        assertEquals(PREVIOUS, unknown.withWritten(PREVIOUS.written().orElseThrow()));
    }

    @Test
    void writtenTarget_negative_refusedWithTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CarryOver.WrittenTarget(-1, NOW));
        assertEquals("targetUsd: must be finite and >= 0, was -1.0", e.getMessage());
    }
}
