package com.quantumtrader.allocation.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.PortfolioState;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.core.SymbolBudget;
import com.quantumtrader.allocation.redis.wire.Trigger;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import com.quantumtrader.allocation.redis.wire.Decoded;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The cycle stream entry's book-limit fields (DESIGN section 17): what a cycle did, and entries of earlier releases. */
class CycleEntryTest {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);

    @Test
    void of_bookLimitsAndControls_countsHaltedScaledRampedAndTheGrossRatio() {
        // A 20,000, B 20,000, C 30,000 (LOW, no other input: factors 1.0), equity 100,000; gross cap 0.6: x 60/70
        CycleInputs in = new CycleInputs(Optional.of(new PortfolioState(100_000, 0, NOW.minusSeconds(1))),
                List.of(new SymbolBudget("A", 20_000, NOW.minusSeconds(1)), new SymbolBudget("B", 20_000, NOW.minusSeconds(1)),
                        new SymbolBudget("C", 30_000, NOW.minusSeconds(1))), Map.of(), Map.of(), Optional.empty(), Map.of(), List.of());
        Policy policy = Policy.DEFAULTS.withBookLimits(OptionalDouble.of(0.6), 0.10);
        CycleResult r = Allocator.constrain(Allocator.allocate(in, policy, NOW), List.of(
                new ScopedControl(ScopedControl.Scope.SYMBOL, "A", ScopedControl.Action.HALT, 1, "x", "y", Optional.empty(), Optional.empty()),
                new ScopedControl(ScopedControl.Scope.SYMBOL, "B", ScopedControl.Action.SCALE, 0.5, "x", "y", Optional.empty(), Optional.empty())),
                Map.of("C", new CarryOver.WrittenTarget(1_000, NOW.minusSeconds(60))), policy);

        CycleEntry e = CycleEntry.of(r, Mode.ENFORCE, "c-1", "alloc-a", 3, 0, 0, 12, 0, Trigger.PORTFOLIO);

        // C: 30,000 x 60/70 = 25,714 held by the ramp at 1,000 + 0.10 x 30,000 x 1 min = 4,000; B 20,000 x 60/70 x 0.5
        double b = 20_000 * 0.6 / 0.7 * 0.5;
        assertEquals((b + 4_000) / 100_000, e.grossRatio(), 1e-12);
        assertEquals(List.of(1, 1, 1), List.of(e.halted(), e.scaled(), e.ramped()));
        Map<String, String> encoded = e.encode();
        assertEquals(List.of("1", "1", "1"), List.of(encoded.get("halted"), encoded.get("scaled"), encoded.get("ramped")));
        assertEquals("portfolio", encoded.get("trigger"));
        assertEquals(new Decoded.Valid<>(e), CycleEntry.decode(encoded));
    }

    @Test
    void decode_entryOfAnEarlierRelease_withoutTheNewFields_readsThemAsZero() {
        CycleEntry e = CycleEntry.of(new CycleResult.Skipped(NOW, com.quantumtrader.allocation.core.SkipReason.PORTFOLIO_MISSING, List.of(),
                List.of()), Mode.ENFORCE, "c-1", "alloc-a", 0, 0, 0, 5, 0, Trigger.CONTROL);
        Map<String, String> old = new HashMap<>(e.encode());
        List.of("gross_ratio", "halted", "scaled", "ramped", "trigger").forEach(old::remove);
        CycleEntry decoded = CycleEntry.decode(old).orElseThrow();
        assertEquals(Trigger.TIMER, decoded.trigger());
        assertEquals(List.of(0, 0, 0), List.of(decoded.halted(), decoded.scaled(), decoded.ramped()));
        assertEquals(0.0, decoded.grossRatio());
    }

    @Test
    void decode_garbageCount_invalidNamingTheField() {
        CycleEntry e = CycleEntry.of(new CycleResult.Skipped(NOW, com.quantumtrader.allocation.core.SkipReason.PORTFOLIO_MISSING, List.of(),
                List.of()), Mode.HALT, "c-1", "alloc-a", 0, 0, 0, 5, 0, Trigger.TIMER);
        Map<String, String> bad = new HashMap<>(e.encode());
        bad.put("halted", "-1");
        assertEquals(new Decoded.Invalid<>("halted: must be a whole number >= 0, was '-1'"), CycleEntry.decode(bad));
        assertEquals(Mode.HALT, CycleEntry.decode(e.encode()).orElseThrow().mode());
        bad = new HashMap<>(e.encode());
        bad.put("trigger", "cron");
        assertEquals(new Decoded.Invalid<>("trigger: must be timer, portfolio, regime or control, was 'cron'"), CycleEntry.decode(bad));
    }
}
