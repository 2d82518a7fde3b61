package com.quantumtrader.allocation.core;

import static com.quantumtrader.allocation.core.Fixtures.NOW;
import static com.quantumtrader.allocation.core.Fixtures.ago;
import static com.quantumtrader.allocation.core.Fixtures.budget;
import static com.quantumtrader.allocation.core.Fixtures.portfolio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DESIGN section 17 by hand-worked cases, like the golden ones: the gross cap, the scoped controls, the ramp and
 * the halt mode. Every factor is neutral (regime, cluster and performance inputs absent: 1.0; drawdown 0: LOW,
 * 1.0), so each computed target is its budget until a cap applies, and the numbers can be checked on paper.
 */
class BookLimitsTest {

    private static final double TOLERANCE = 1e-6;
    private static final double EQUITY = 100_000;

    /** Symbols A, B (cluster x) and C (cluster y), budgets as given, equity 100,000. */
    private static CycleResult computed(Policy policy, double a, double b, double c) {
        CycleInputs in = new CycleInputs(Optional.of(portfolio(EQUITY, 0.0)), List.of(budget("A", a), budget("B", b), budget("C", c)),
                Map.of("A", "x", "B", "x", "C", "y"), Map.of(), Optional.empty(), Map.of(), List.of());
        return Allocator.allocate(in, policy, NOW);
    }

    private static Policy gross(double pct) {
        return Policy.DEFAULTS.withBookLimits(OptionalDouble.of(pct), 0);
    }

    private static Policy ramp(double pct) {
        return Policy.DEFAULTS.withBookLimits(OptionalDouble.empty(), pct);
    }

    private static double book(CycleResult r) {
        return r.decisions().stream().mapToDouble(Decision::targetUsd).sum();
    }

    // ------------------------------------------------------------------ gross cap

    @Test
    void allocate_grossCapOff_bookOf111PctStandsAsTheRulesGiveIt() {
        // 30,000 + 30,000 (cluster x: 60,000 = its cap) + 40,000 (symbol cap) = 100,000; then C at 51,500 is capped at 40,000.
        CycleResult r = computed(Policy.DEFAULTS, 30_000, 30_000, 51_500);
        assertEquals(100_000, book(r), TOLERANCE);
        assertEquals(List.of("none", "none", "symbol"), r.decisions().stream().map(d -> d.cap().wireName()).toList());
    }

    @Test
    void allocate_bookAboveGrossCap_everyTargetScaledBySameRatio() {
        // Book 30,000 + 30,000 + 40,000 = 100,000 against MAX_GROSS_PCT 0.8 x 100,000 = 80,000: ratio 0.8.
        CycleResult r = computed(gross(0.8), 30_000, 30_000, 51_500);
        assertEquals(80_000, book(r), TOLERANCE);
        assertEquals(24_000, r.decisions().get(0).targetUsd(), TOLERANCE);
        assertEquals(24_000, r.decisions().get(1).targetUsd(), TOLERANCE);
        assertEquals(32_000, r.decisions().get(2).targetUsd(), TOLERANCE);
        assertEquals(0.32, r.decisions().get(2).weight(), TOLERANCE);
        assertEquals(List.of("gross", "gross", "gross"), r.decisions().stream().map(d -> d.cap().wireName()).toList());
    }

    @Test
    void allocate_bookBelowGrossCap_untouched() {
        CycleResult off = computed(Policy.DEFAULTS, 10_000, 20_000, 30_000);
        CycleResult on = computed(gross(1.0), 10_000, 20_000, 30_000);
        assertEquals(off, on);
    }

    @Test
    void allocate_grossCapAfterClusterCap_scalesWhatTheClusterCapLeft() {
        // Cluster x: 40,000 + 40,000 = 80,000 > 60,000: scaled 0.75 -> 30,000 each; C 40,000. Book 100,000 > 50,000: ratio 0.5.
        CycleResult r = computed(gross(0.5), 40_000, 40_000, 40_000);
        assertEquals(List.of("A=15000/gross", "B=15000/gross", "C=20000/gross"), targetsAndCaps(r));
        assertEquals(50_000, book(r), TOLERANCE);
    }

    @Test
    void allocate_zeroTargetUnderGrossCap_keepsItsOwnCap() {
        CycleResult r = computed(gross(0.1), 0, 50_000, 50_000);
        assertEquals(0.0, r.decisions().get(0).targetUsd());
        assertEquals(CapKind.NONE, r.decisions().get(0).cap());
        assertEquals(10_000, book(r), TOLERANCE);
    }

    @ParameterizedTest(name = "MAX_GROSS_PCT {0}")
    @CsvSource(delimiter = '|', value = {
            "0     | MAX_GROSS_PCT: must be in (0, 10], was 0.0",
            "10.5  | MAX_GROSS_PCT: must be in (0, 10], was 10.5",
            "-1    | MAX_GROSS_PCT: must be in (0, 10], was -1.0",
    })
    void policy_grossOutOfRange_namesTheVariable(double pct, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gross(pct));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "P29_MAX_RAISE_PCT {0}")
    @CsvSource(delimiter = '|', value = {
            "-0.1  | P29_MAX_RAISE_PCT: must be in [0, 10], was -0.1",
            "11    | P29_MAX_RAISE_PCT: must be in [0, 10], was 11.0",
    })
    void policy_raiseOutOfRange_namesTheVariable(double pct, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ramp(pct));
        assertEquals(message, e.getMessage());
    }

    // ------------------------------------------------------------------ scoped controls

    private static ScopedControl control(ScopedControl.Scope scope, String id, ScopedControl.Action action, double factor,
                                         Optional<Instant> until) {
        return new ScopedControl(scope, id, action, factor, "incident 42", "alice", Optional.of(ago(600)), until);
    }

    private static ScopedControl symbol(String id, ScopedControl.Action action, double factor) {
        return control(ScopedControl.Scope.SYMBOL, id, action, factor, Optional.empty());
    }

    private static ScopedControl cluster(String id, ScopedControl.Action action, double factor) {
        return control(ScopedControl.Scope.CLUSTER, id, action, factor, Optional.empty());
    }

    private static Map<String, CarryOver.WrittenTarget> written(double a, double b, double c, long secondsAgo) {
        Map<String, CarryOver.WrittenTarget> w = new HashMap<>();
        w.put("A", new CarryOver.WrittenTarget(a, ago(secondsAgo)));
        w.put("B", new CarryOver.WrittenTarget(b, ago(secondsAgo)));
        w.put("C", new CarryOver.WrittenTarget(c, ago(secondsAgo)));
        return w;
    }

    private static List<String> targetsAndCaps(CycleResult r) {
        List<String> out = new ArrayList<>();
        for (Decision d : r.decisions()) {
            out.add(d.symbol() + "=" + Math.round(d.targetUsd()) + "/" + d.cap().wireName());
        }
        return out;
    }

    @Test
    void constrain_haltOnSymbol_zeroWithCapHalt_othersUntouched() {
        CycleResult r = Allocator.constrain(computed(Policy.DEFAULTS, 10_000, 20_000, 30_000),
                List.of(symbol("B", ScopedControl.Action.HALT, 1)), Map.of(), Policy.DEFAULTS);
        assertEquals(List.of("A=10000/none", "B=0/halt", "C=30000/none"), targetsAndCaps(r));
        assertEquals(0.0, r.decisions().get(1).weight());
    }

    @Test
    void constrain_scaleOnCluster_everyMemberTimesFactor() {
        CycleResult r = Allocator.constrain(computed(Policy.DEFAULTS, 10_000, 20_000, 30_000),
                List.of(cluster("x", ScopedControl.Action.SCALE, 0.25)), Map.of(), Policy.DEFAULTS);
        assertEquals(List.of("A=2500/scale", "B=5000/scale", "C=30000/none"), targetsAndCaps(r));
    }

    @Test
    void constrain_reduceOnCluster_noRiseAboveWritten_unwrittenGetsZero() {
        Map<String, CarryOver.WrittenTarget> w = new HashMap<>();
        w.put("A", new CarryOver.WrittenTarget(8_000, ago(30))); // computed 10,000: held at 8,000
        w.put("C", new CarryOver.WrittenTarget(1_000, ago(30))); // not in cluster x: untouched
        // B has no written target: reduce gives 0, as the global reduce mode does
        CycleResult r = Allocator.constrain(computed(Policy.DEFAULTS, 10_000, 20_000, 30_000),
                List.of(cluster("x", ScopedControl.Action.REDUCE, 1)), w, Policy.DEFAULTS);
        assertEquals(List.of("A=8000/reduce", "B=0/reduce", "C=30000/none"), targetsAndCaps(r));
    }

    @Test
    void constrain_reduceWhereRulesAlreadyLower_keepsTheRulesCap() {
        CycleResult r = Allocator.constrain(computed(Policy.DEFAULTS, 10_000, 20_000, 30_000),
                List.of(symbol("A", ScopedControl.Action.REDUCE, 1)), written(12_000, 0, 0, 30), Policy.DEFAULTS);
        assertEquals("A=10000/none", targetsAndCaps(r).get(0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // controls on A (symbol) and on cluster x, written A = 6,000, computed A = 10,000 -> target/cap
            "scale 0.5 + cluster scale 0.8          | scale:0.5,cx:scale:0.8   | A=5000/scale",
            "scale 0.5 + cluster reduce (6,000)     | scale:0.5,cx:reduce:1    | A=5000/scale",
            "scale 0.7 + cluster reduce (6,000)     | scale:0.7,cx:reduce:1    | A=6000/reduce",
            "scale 0.6 ties reduce (6,000): reduce  | scale:0.6,cx:reduce:1    | A=6000/reduce",
            "scale 0 + cluster halt: halt wins      | scale:0,cx:halt:1        | A=0/halt",
            "halt alone                             | halt:1                   | A=0/halt",
            "scale 1: nothing lowered               | scale:1                  | A=10000/none",
    })
    void constrain_severalControls_mostConservativeWinsAndCapSaysWhich(String name, String spec, String expected) {
        List<ScopedControl> controls = new ArrayList<>();
        for (String c : spec.split(",")) {
            String[] f = c.split(":");
            boolean onCluster = f[0].equals("cx");
            String action = onCluster ? f[1] : f[0];
            double factor = Double.parseDouble(onCluster ? f[2] : f[1]);
            ScopedControl.Action a = ScopedControl.Action.valueOf(action.toUpperCase(java.util.Locale.ROOT));
            controls.add(onCluster ? cluster("x", a, factor) : symbol("A", a, factor));
        }
        CycleResult r = Allocator.constrain(computed(Policy.DEFAULTS, 10_000, 20_000, 30_000), controls, written(6_000, 20_000, 30_000, 30),
                Policy.DEFAULTS);
        assertEquals(expected, targetsAndCaps(r).get(0));
    }

    @Test
    void constrain_expiredControl_ignored_oneEndingLaterApplies() {
        ScopedControl expired = control(ScopedControl.Scope.SYMBOL, "A", ScopedControl.Action.HALT, 1, Optional.of(NOW));
        ScopedControl running = control(ScopedControl.Scope.SYMBOL, "B", ScopedControl.Action.HALT, 1, Optional.of(NOW.plusMillis(1)));
        CycleResult r = Allocator.constrain(computed(Policy.DEFAULTS, 10_000, 20_000, 30_000), List.of(expired, running), Map.of(),
                Policy.DEFAULTS);
        assertEquals(List.of("A=10000/none", "B=0/halt", "C=30000/none"), targetsAndCaps(r));
    }

    @Test
    void constrain_controlOnUnknownSymbol_changesNothing() {
        CycleResult before = computed(Policy.DEFAULTS, 10_000, 20_000, 30_000);
        CycleResult after = Allocator.constrain(before, List.of(symbol("ZZZ", ScopedControl.Action.HALT, 1)), Map.of(), Policy.DEFAULTS);
        assertEquals(before, after);
    }

    @Test
    void scopedControl_invalidValues_rejectedWithFieldAndValue() {
        assertEquals("factor: must be in [0, 1], was 1.5", assertThrows(IllegalArgumentException.class,
                () -> symbol("A", ScopedControl.Action.SCALE, 1.5)).getMessage());
        assertEquals("factor: only scale takes a factor, was 0.5 for halt", assertThrows(IllegalArgumentException.class,
                () -> symbol("A", ScopedControl.Action.HALT, 0.5)).getMessage());
        assertEquals("until: must be after since (" + ago(600) + "), was " + ago(601), assertThrows(IllegalArgumentException.class,
                () -> control(ScopedControl.Scope.SYMBOL, "A", ScopedControl.Action.HALT, 1, Optional.of(ago(601)))).getMessage());
    }

    // ------------------------------------------------------------------ ramp

    @ParameterizedTest(name = "written {0} {1}s ago, computed {2} -> {3} {4}")
    @CsvSource(delimiter = '|', value = {
            // written | seconds ago | computed (= base) | target | cap    (P29_MAX_RAISE_PCT 0.10: 10 % of base per minute)
            "4000      | 60          | 10000             | 5000   | ramp",  // +0.10 x 10,000 x 1 min
            "4000      | 30          | 10000             | 4500   | ramp",  // pro rata: half a minute
            "4000      | 0           | 10000             | 4000   | ramp",  // just written: no rise yet
            "4000      | 360         | 10000             | 10000  | none",  // 6 minutes allow +6,000: the computed target
            "12000     | 5           | 10000             | 10000  | none",  // a fall applies at once
            "10000     | 5           | 10000             | 10000  | none",  // unchanged
    })
    void constrain_ramp_riseLimitedPerMinuteSinceWritten(double written, long secondsAgo, double base, double target, String cap) {
        CycleResult before = computed(ramp(0.10), base, 1, 1);
        Map<String, CarryOver.WrittenTarget> w = Map.of("A", new CarryOver.WrittenTarget(written, ago(secondsAgo)));
        Decision d = Allocator.constrain(before, List.of(), w, ramp(0.10)).decisions().get(0);
        assertEquals(target, d.targetUsd(), TOLERANCE);
        assertEquals(cap, d.cap().wireName());
    }

    @Test
    void constrain_ramp_symbolNewToTheUniverseStartsAtItsTarget() {
        CycleResult r = Allocator.constrain(computed(ramp(0.10), 10_000, 20_000, 30_000), List.of(),
                Map.of("A", new CarryOver.WrittenTarget(0, ago(5))), ramp(0.10));
        assertEquals(List.of("A=83/ramp", "B=20000/none", "C=30000/none"), targetsAndCaps(r));
    }

    @Test
    void constrain_ramp_leavingHigh_worked() {
        // docs/rules.md's example: base 10,000, HIGH (0.4) wrote 4,000; the zone lifts to LOW (1.0) and the rules give
        // 10,000 at once. At 10 % of base per minute the target climbs 1,000 a minute: 5,000 after 1 min, 10,000 after 6.
        Policy p = ramp(0.10);
        double[] minutes = {1, 2, 3, 6};
        double[] expected = {5_000, 6_000, 7_000, 10_000};
        for (int i = 0; i < minutes.length; i++) {
            Map<String, CarryOver.WrittenTarget> w = Map.of("A", new CarryOver.WrittenTarget(4_000, NOW.minus(Duration.ofSeconds((long) (60 * minutes[i])))));
            assertEquals(expected[i], Allocator.constrain(computed(p, 10_000, 1, 1), List.of(), w, p).decisions().get(0).targetUsd(), TOLERANCE);
        }
    }

    @Test
    void constrain_ramp_hugeBudgetWrittenJustNow_heldNotNaN() {
        // base Double.MAX_VALUE (capped at 40,000), written 0 "in the future" (a clock step): zero minutes, so no rise;
        // rate x base x 0 would be infinity x 0 = NaN, and a NaN bound would let the rise through whole.
        Policy p = ramp(Policy.MAX_RAISE);
        CycleResult r = Allocator.constrain(computed(p, Double.MAX_VALUE, 1, 1), List.of(),
                Map.of("A", new CarryOver.WrittenTarget(0, NOW.plusSeconds(5))), p);
        assertEquals("A=0/ramp", targetsAndCaps(r).get(0));
    }

    @Test
    void constrain_rampAfterScale_holdsTheRiseWhenTheScaleIsCleared() {
        // A scale 0.5 wrote 5,000; cleared, the rules give 10,000; the ramp lets it up 1,000 in its first minute.
        Policy p = ramp(0.10);
        CycleResult r = Allocator.constrain(computed(p, 10_000, 1, 1), List.of(), Map.of("A", new CarryOver.WrittenTarget(5_000, ago(60))), p);
        assertEquals("A=6000/ramp", targetsAndCaps(r).get(0));
    }

    @Test
    void constrain_nothingOn_returnsTheResultItself() {
        CycleResult before = computed(Policy.DEFAULTS, 10_000, 20_000, 30_000);
        assertSame(before, Allocator.constrain(before, List.of(), written(1, 1, 1, 5), Policy.DEFAULTS));
    }

    // ------------------------------------------------------------------ halt mode

    @Test
    void halt_everyTargetZeroCapHalt_factorsReportedAsComputed() {
        CycleResult before = computed(Policy.DEFAULTS, 10_000, 20_000, 30_000);
        CycleResult r = Allocator.halt(before);
        assertEquals(List.of("A=0/halt", "B=0/halt", "C=0/halt"), targetsAndCaps(r));
        assertEquals(before.decisions().get(2).uncappedUsd(), r.decisions().get(2).uncappedUsd());
    }

    @Test
    void haltAndConstrain_skippedCycle_returnedAsItIs() {
        CycleResult skipped = new CycleResult.Skipped(NOW, SkipReason.PORTFOLIO_MISSING, List.of(), List.of());
        assertSame(skipped, Allocator.halt(skipped));
        assertSame(skipped, Allocator.constrain(skipped, List.of(symbol("A", ScopedControl.Action.HALT, 1)), Map.of(), ramp(1)));
    }
}
