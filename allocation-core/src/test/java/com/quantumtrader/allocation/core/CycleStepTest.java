package com.quantumtrader.allocation.core;

import static com.quantumtrader.allocation.core.Fixtures.NOW;
import static com.quantumtrader.allocation.core.Fixtures.ago;
import static com.quantumtrader.allocation.core.Fixtures.budget;
import static com.quantumtrader.allocation.core.Fixtures.portfolio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pure step: the mode in force, the mode of the last completed write, the role and a scoped reduce decide
 * whether the step needs what Redis holds, whether it writes, what the targets are and which hashes go, once.
 */
class CycleStepTest {

    private static final CycleStep.Settings SETTINGS = new CycleStep.Settings(Policy.DEFAULTS, 0.0, Duration.ofSeconds(30));
    /** A (budget 1,000) and B (2,000) have budgets; X has none any more. */
    private static final CycleInputs INPUTS = new CycleInputs(Optional.of(portfolio(100_000, 0.0)),
            List.of(budget("A", 1000), budget("B", 2000)), Map.of(), Map.of(), Optional.empty(), Map.of(), List.of());
    /** What Redis holds: A written at 500, X at 300. */
    private static final Map<String, CarryOver.WrittenTarget> HELD = Map.of(
            "A", new CarryOver.WrittenTarget(500, ago(10)), "X", new CarryOver.WrittenTarget(300, ago(10)));
    private static final ScopedControl REDUCE_A = new ScopedControl(ScopedControl.Scope.SYMBOL, "A", ScopedControl.Action.REDUCE, 1.0,
            "test", "desk", Optional.empty(), Optional.empty());

    private static Optional<Mode> mode(String wire) {
        return wire.equals("none") ? Optional.empty() : Optional.of(Mode.valueOf(wire.toUpperCase(java.util.Locale.ROOT)));
    }

    @ParameterizedTest(name = "{0} after {1}, {2}, scoped reduce {3}")
    @CsvSource(delimiter = '|', value = {
            // in force | last write | role    | scoped reduce | reads | writes | targets | A     | deleted | hash mode
            "enforce    | none       | leader  | false         | true  | true   | true    | 1000  | X       | enforce",
            "enforce    | enforce    | leader  | false         | true  | true   | true    | 1000  | X       | enforce",
            "enforce    | shadow     | leader  | false         | true  | true   | true    | 1000  | X       | enforce",
            "reduce     | enforce    | leader  | false         | true  | true   | true    | 500   | X       | enforce",
            "reduce     | none       | leader  | false         | true  | true   | true    | 500   | X       | enforce",
            "halt       | enforce    | leader  | false         | true  | true   | true    | 0     | X       | enforce",
            "shadow     | enforce    | leader  | false         | true  | true   | false   | 1000  | A X     | shadow",
            "shadow     | reduce     | leader  | false         | true  | true   | false   | 1000  | A X     | shadow",
            "shadow     | none       | leader  | false         | false | true   | false   | 1000  | ''      | shadow",
            "shadow     | shadow     | leader  | false         | false | true   | false   | 1000  | ''      | shadow",
            "shadow     | none       | leader  | true          | true  | true   | false   | 500   | ''      | shadow",
            "enforce    | enforce    | standby | false         | false | false  | false   | 1000  | ''      | shadow",
            "reduce     | enforce    | standby | false         | false | false  | false   | 1000  | ''      | shadow",
            "halt       | none       | standby | true          | false | false  | false   | 0     | ''      | shadow", // a standby reads nothing: a scoped reduce over nothing known is 0
    })
    void step_modeAfterLastWriteByRole_decidedOnce(String inForce, String last, String role, boolean scopedReduce, boolean reads,
                                                     boolean writes, boolean targets, double a, String deleted, String hashMode) {
        CycleStep.Controls controls = new CycleStep.Controls(mode(inForce).orElseThrow(), scopedReduce ? List.of(REDUCE_A) : List.of());
        CarryOver previous = new CarryOver(Optional.empty(), Optional.empty(), mode(last), Optional.empty()); // written unknown
        boolean leading = role.equals("leader");

        boolean readsWritten = CycleStep.readsWritten(INPUTS, controls, Policy.DEFAULTS, NOW, previous, leading);
        CycleStep.Outcome out = CycleStep.step(INPUTS, controls, SETTINGS, NOW, previous, leading,
                readsWritten ? Optional.of(HELD) : Optional.empty(), Optional.empty());

        assertEquals(reads, readsWritten, "whether Redis's targets are read before the rules");
        assertEquals(writes, out.write().isPresent(), "whether anything is written");
        assertEquals(targets, out.transition().writesTargets());
        assertEquals(hashMode, out.transition().hashMode().wireName());
        assertEquals(a, out.result().decisions().stream().filter(d -> d.symbol().equals("A")).findFirst().orElseThrow().targetUsd(), 1e-9);
        Set<String> gone = out.write().map(w -> w.removals().entrySet().stream().filter(e -> e.getValue().delete())
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new))).orElse(new TreeSet<>());
        assertEquals(deleted.isBlank() ? Set.of() : new TreeSet<>(List.of(deleted.trim().split(" "))), gone);
        out.write().ifPresent(w -> assertEquals(Optional.of(controls.mode()), w.after().mode(), "the mode recorded once the write lands"));
    }

    @Test
    void readsWritten_enforceAfterAWriteOfTargetsKnown_readsNothingAndPlansAgainstTheCarryOver() {
        CarryOver previous = new CarryOver(Optional.empty(), Optional.empty(), Optional.of(Mode.ENFORCE), Optional.of(HELD));
        CycleStep.Controls controls = CycleStep.Controls.of(Mode.ENFORCE);

        assertFalse(CycleStep.readsWritten(INPUTS, controls, Policy.DEFAULTS, NOW, previous, true));
        CycleStep.Outcome out = CycleStep.step(INPUTS, controls, SETTINGS, NOW, previous, true, Optional.empty(), Optional.empty());

        WritePlan.Plan plan = out.write().orElseThrow().plan().orElseThrow();
        assertEquals(List.of(WritePlan.Change.CHANGED, WritePlan.Change.NEW), plan.changes(), "A moved from 500, B is new");
        assertEquals(Set.of("X"), out.write().get().removals().keySet());
        assertTrue(out.write().get().removals().get("X").streamed(), "X's removal is streamed");
    }

    @Test
    void readsWritten_skippedCycleInEnforce_readsNothingWritesNoTarget() {
        CycleInputs noPortfolio = new CycleInputs(Optional.empty(), List.of(budget("A", 1000)), Map.of(), Map.of(), Optional.empty(),
                Map.of(), List.of());
        CarryOver previous = new CarryOver(Optional.empty(), Optional.empty(), Optional.of(Mode.ENFORCE), Optional.empty());
        CycleStep.Controls controls = CycleStep.Controls.of(Mode.ENFORCE);

        assertFalse(CycleStep.readsWritten(noPortfolio, controls, Policy.DEFAULTS, NOW, previous, true));
        CycleStep.Outcome out = CycleStep.step(noPortfolio, controls, SETTINGS, NOW, previous, true, Optional.empty(), Optional.empty());

        assertTrue(out.result() instanceof CycleResult.Skipped);
        assertFalse(out.write().orElseThrow().touchesTargets(), "a skipped cycle writes the state hash only");
        assertEquals(Optional.empty(), out.write().get().after().written(), "nothing is known of the targets");
    }

    @Test
    void step_universeLeftSymbolsOut_theirTargetsStay() {
        CarryOver previous = new CarryOver(Optional.empty(), Optional.empty(), Optional.of(Mode.ENFORCE), Optional.of(HELD));

        CycleStep.Outcome out = CycleStep.step(INPUTS, CycleStep.Controls.of(Mode.ENFORCE), SETTINGS, NOW, previous, true,
                Optional.empty(), Optional.of(Set.of("A", "B")));

        assertEquals(Map.of(), out.write().orElseThrow().removals(), "X was left out by the discovery, not removed: its target stays");
    }
}
