package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

/**
 * {@link Allocator#constrain} and {@link Allocator#halt} over generated cycles, scoped controls and written targets
 * (DESIGN section 17): each step only lowers, section 2's invariants and the gross cap still hold, a halt is 0, a
 * scale at most its factor, a reduce at most what is written, and the ramp never lets a target rise faster than
 * {@code P29_MAX_RAISE_PCT} of its base budget per minute.
 */
class ConstrainProperties {

    private static final Instant NOW = AllocatorProperties.NOW;
    /** Relative slack of a comparison of two results (one multiplication apart). */
    private static final double TOLERANCE = 1e-12;

    record Case(AllocatorProperties.Scenario scenario, Policy policy, List<ScopedControl> controls, Map<String, CarryOver.WrittenTarget> written) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.randomValue(ConstrainProperties::randomCase);
    }

    @Property(tries = 1000)
    void constrain_anyControlsAndWritten_onlyLowersAndInvariantsHold(@ForAll("cases") Case c) {
        CycleResult before = Allocator.allocate(c.scenario().inputs(), c.policy(), NOW);
        CycleResult after = Allocator.constrain(before, c.controls(), c.written(), c.policy());
        Invariants.assertInvariants(c.scenario().inputs(), c.policy(), after);
        assertEquals(before.outcome(), after.outcome());
        for (int i = 0; i < after.decisions().size(); i++) {
            Decision b = before.decisions().get(i);
            Decision a = after.decisions().get(i);
            assertEquals(b.symbol(), a.symbol());
            assertTrue(a.targetUsd() <= b.targetUsd(), () -> a.symbol() + " rose from " + b.targetUsd() + " to " + a.targetUsd());
            if (a.targetUsd() < b.targetUsd()) {
                assertTrue(List.of(CapKind.HALT, CapKind.REDUCE, CapKind.SCALE, CapKind.RAMP).contains(a.cap()),
                        () -> a.symbol() + " lowered with cap " + a.cap());
            }
        }
    }

    @Property(tries = 1000)
    void constrain_eachControlAndTheRamp_boundTheTarget(@ForAll("cases") Case c) {
        CycleResult before = Allocator.allocate(c.scenario().inputs(), c.policy(), NOW);
        CycleResult after = Allocator.constrain(before, c.controls(), c.written(), c.policy());
        for (int i = 0; i < after.decisions().size(); i++) {
            Decision b = before.decisions().get(i);
            Decision a = after.decisions().get(i);
            CarryOver.WrittenTarget w = c.written().get(a.symbol());
            for (ScopedControl control : c.controls()) {
                if (!control.inForce(NOW) || !control.names(a.symbol(), a.clusterId())) {
                    continue;
                }
                switch (control.action()) {
                    case HALT -> assertEquals(0.0, a.targetUsd(), a.symbol() + " halted");
                    case SCALE -> assertTrue(a.targetUsd() <= b.targetUsd() * control.factor() * (1 + TOLERANCE),
                            () -> a.symbol() + " above scale " + control.factor());
                    case REDUCE -> assertTrue(a.targetUsd() <= Math.min(b.targetUsd(), w == null ? 0 : w.targetUsd()),
                            () -> a.symbol() + " above its written target under reduce");
                }
            }
            if (c.policy().ramps() && w != null && a.targetUsd() > w.targetUsd()) {
                double minutes = Math.max(0, NOW.toEpochMilli() - w.at().toEpochMilli()) / 60_000.0;
                double allowed = w.targetUsd() + c.policy().maxRaisePct() * minutes * a.baseBudgetUsd();
                assertTrue(!Double.isNaN(allowed), "the ramp's bound is a number");
                assertTrue(a.targetUsd() <= allowed * (1 + TOLERANCE), () -> a.symbol() + " rose to " + a.targetUsd() + ", past the ramp's "
                        + allowed);
            }
        }
    }

    @Property(tries = 300)
    void halt_anyCycle_everyTargetZero(@ForAll("cases") Case c) {
        CycleResult r = Allocator.halt(Allocator.allocate(c.scenario().inputs(), c.policy(), NOW));
        for (Decision d : r.decisions()) {
            assertEquals(0.0, d.targetUsd());
            assertEquals(CapKind.HALT, d.cap());
        }
    }

    static Case randomCase(Random rnd) {
        AllocatorProperties.Scenario s = AllocatorProperties.scenario(rnd);
        double raise = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(6) == 0 ? Policy.MAX_RAISE : rnd.nextDouble() * 2;
        Policy policy = s.policy().withBookLimits(s.policy().maxGrossPct(), raise);
        List<String> symbols = new ArrayList<>();
        s.inputs().budgets().forEach(b -> symbols.add(b.symbol()));
        symbols.add("GONE"); // a control or a written target of a symbol not in this cycle
        String[] clusters = {"c0", "c1", "c2", "c3", "UNKNOWN", "nowhere"};
        List<ScopedControl> controls = new ArrayList<>();
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            boolean onSymbol = rnd.nextBoolean();
            ScopedControl.Action action = ScopedControl.Action.values()[rnd.nextInt(3)];
            double factor = action == ScopedControl.Action.SCALE ? (rnd.nextInt(5) == 0 ? rnd.nextInt(2) : rnd.nextDouble()) : 1;
            Instant since = NOW.minusSeconds(1 + rnd.nextInt(3600));
            Optional<Instant> until = switch (rnd.nextInt(4)) {
                case 0 -> Optional.empty();
                case 1 -> Optional.of(NOW); // expires exactly now: ignored
                case 2 -> Optional.of(since.plusMillis(1 + rnd.nextInt(3_600_000)));
                default -> Optional.of(NOW.plusSeconds(1 + rnd.nextInt(600)));
            };
            if (until.isPresent() && !until.get().isAfter(since)) {
                until = Optional.empty();
            }
            controls.add(new ScopedControl(onSymbol ? ScopedControl.Scope.SYMBOL : ScopedControl.Scope.CLUSTER,
                    onSymbol ? symbols.get(rnd.nextInt(symbols.size())) : clusters[rnd.nextInt(clusters.length)], action, factor, "r", "b",
                    rnd.nextInt(5) == 0 ? Optional.empty() : Optional.of(since), until));
        }
        Map<String, CarryOver.WrittenTarget> written = new HashMap<>();
        for (String symbol : symbols) {
            if (rnd.nextInt(3) > 0) {
                double target = rnd.nextInt(6) == 0 ? 0 : rnd.nextDouble() * Math.pow(10, rnd.nextInt(8));
                Instant at = rnd.nextInt(8) == 0 ? NOW.plusSeconds(5) : NOW.minusMillis((long) (rnd.nextDouble() * 600_000));
                written.put(symbol, new CarryOver.WrittenTarget(target, at));
            }
        }
        return new Case(s, policy, controls, written);
    }

    @Property(tries = 200)
    void constrain_grossCapOn_bookNeverAboveIt(@ForAll("cases") Case c) {
        Policy p = c.policy().withBookLimits(OptionalDouble.of(0.5), c.policy().maxRaisePct());
        CycleResult r = Allocator.constrain(Allocator.allocate(c.scenario().inputs(), p, NOW), c.controls(), c.written(), p);
        if (r instanceof CycleResult.Computed computed) {
            double book = r.decisions().stream().mapToDouble(Decision::targetUsd).sum();
            assertTrue(book <= 0.5 * computed.context().equityUsd() * (1 + Invariants.CLUSTER_TOLERANCE), () -> "book " + book);
        }
    }
}
