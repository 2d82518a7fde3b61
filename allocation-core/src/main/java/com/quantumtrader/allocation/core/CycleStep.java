package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One cycle's pure step (DESIGN section 21), in section 17's order: the rules with the symbol, cluster and gross caps
 * ({@link Allocator#cycle}), the transition of the mode in force ({@link WritePlan#transition}, decided here once), the
 * scoped controls and the ramp ({@link Allocator#constrain}), then the global mode (halt sets every target to 0,
 * reduce holds each at most at what is written), and last the write: which target hashes are written, refreshed,
 * deleted or streamed ({@link WritePlan#plan}). It reads nothing: what Redis holds comes in as the carry-over's written
 * targets, read by the caller first when {@link #readsWritten} says the step needs them.
 */
@API(status = API.Status.STABLE, since = "1.0")
public final class CycleStep {

    private CycleStep() {
    }

    /**
     * What a process fixes for every step.
     *
     * @param policy       the rules' settings
     * @param minChangePct {@code P29_MIN_CHANGE_PCT}, in [0, 1]
     * @param refresh      {@code P29_TARGET_REFRESH_SEC}, positive
     */
    @API(status = API.Status.STABLE, since = "1.0")
    public record Settings(Policy policy, double minChangePct, Duration refresh) {
        /** {@code P29_MIN_CHANGE_PCT}'s default: a target is rewritten when it moved by more than 0.1 %. */
        public static final double DEFAULT_MIN_CHANGE_PCT = 0.001;
        /** {@code P29_TARGET_REFRESH_SEC}'s default (with the default 300 s target TTL). */
        public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

        /** {@code policy} with the service's default write settings. */
        public static Settings of(Policy policy) {
            return new Settings(policy, DEFAULT_MIN_CHANGE_PCT, DEFAULT_REFRESH);
        }

        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Settings {
            Objects.requireNonNull(policy, "policy");
            Checks.inClosed(minChangePct, 0, 1, "minChangePct");
            Objects.requireNonNull(refresh, "refresh");
            if (refresh.isNegative() || refresh.isZero()) {
                throw new IllegalArgumentException("refresh: must be > 0, was " + refresh);
            }
        }
    }

    /**
     * The controls in force this cycle.
     *
     * @param mode   the global mode in force (the control hash's, else {@code P29_MODE})
     * @param scoped the scoped controls read this cycle (those not in force at the step's time are ignored)
     */
    @API(status = API.Status.STABLE, since = "1.0")
    public record Controls(Mode mode, List<ScopedControl> scoped) {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Controls {
            Objects.requireNonNull(mode, "mode");
            scoped = List.copyOf(scoped);
        }

        /** The mode alone, no scoped control. */
        public static Controls of(Mode mode) {
            return new Controls(mode, List.of());
        }
    }

    /**
     * A symbol whose target hash goes, or whose removal the decision stream records.
     *
     * @param clusterId the cluster it was written with (its fenced unit); empty when unknown
     * @param delete    whether its target hash is deleted (it left the universe, or the service retracts)
     * @param streamed  whether a removal entry records it
     */
    @API(status = API.Status.STABLE, since = "1.0")
    public record Removal(String clusterId, boolean delete, boolean streamed) {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Removal {
            Objects.requireNonNull(clusterId, "clusterId");
        }
    }

    /**
     * What the writer carries out, decided once.
     *
     * @param transition the mode's transition (what is written at all, the hashes' mode)
     * @param mode       the mode in force, recorded in the state hash and the cycle entry
     * @param plan       per decision, whether its target is written (empty: a skipped cycle)
     * @param removals   per symbol (sorted), a target that goes or a removal streamed
     * @param after      the carry-over once the write completes
     */
    @API(status = API.Status.STABLE, since = "1.0")
    public record Write(WritePlan.Transition transition, Mode mode, Optional<WritePlan.Plan> plan, SortedMap<String, Removal> removals,
                        CarryOver after) {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Write {
            Objects.requireNonNull(transition, "transition");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(plan, "plan");
            removals = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(removals));
            Objects.requireNonNull(after, "after");
        }

        /** Whether the write has anything to do besides the state hash and the cycle entry. */
        public boolean touchesTargets() {
            return plan.isPresent() || !removals.isEmpty();
        }
    }

    /**
     * What a step computed.
     *
     * @param result     the cycle's result, after the controls, the ramp and the mode
     * @param next       the carry-over it hands on when it writes nothing (a standby; a write that fails)
     * @param transition the mode's transition
     * @param write      what the writer carries out (a leader's step; a standby writes nothing)
     */
    @API(status = API.Status.STABLE, since = "1.0")
    public record Outcome(CycleResult result, CarryOver next, WritePlan.Transition transition, Optional<Write> write) {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Outcome {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(transition, "transition");
            Objects.requireNonNull(write, "write");
        }

        /** The carry-over for the next step once this step's write is carried out: its {@code after}, else {@link #next}. */
        public CarryOver carriedOver() {
            return write.map(Write::after).orElse(next);
        }
    }

    /**
     * Whether a step with these arguments needs the targets as Redis holds them and {@code previous} does not carry
     * them: the ramp, a scoped reduce or reduce mode limits by what is written, and a write of targets or a retraction
     * compares with (or deletes) what is held. A standby needs nothing.
     */
    public static boolean readsWritten(CycleInputs inputs, Controls controls, Policy policy, Instant now, CarryOver previous, boolean leading) {
        WritePlan.Transition transition = WritePlan.transition(controls.mode(), previous.mode(), leading);
        if (!transition.writes()) {
            return false;
        }
        boolean limits = transition.reduces() || policy.ramps()
                || controls.scoped().stream().anyMatch(c -> c.action() == ScopedControl.Action.REDUCE && c.inForce(now));
        if (limits && previous.written().isEmpty()) {
            return true;
        }
        return compares(transition, !Allocator.skips(inputs, policy, now)) && !carriesHeld(transition, previous);
    }

    /**
     * The step of a caller that leads and keeps its own carry-over (one that embeds core): the rules and caps, the
     * scoped controls, the ramp and the mode, exactly as the service's leader computes them. Start from
     * {@link CarryOver#START}; pass {@link Outcome#carriedOver()} to the next step.
     */
    public static Outcome step(CycleInputs inputs, Controls controls, Settings settings, Instant now, CarryOver previous) {
        return step(inputs, controls, settings, now, previous, true, Optional.empty(), Optional.empty());
    }

    /**
     * The step.
     *
     * @param held     the targets Redis holds, read when {@link #readsWritten} said so (else empty)
     * @param universe when the discovery left symbols out (over capacity), the symbols it kept: only their targets may go
     */
    public static Outcome step(CycleInputs inputs, Controls controls, Settings settings, Instant now, CarryOver previous, boolean leading,
                               Optional<Map<String, CarryOver.WrittenTarget>> held, Optional<Set<String>> universe) {
        Objects.requireNonNull(held, "held");
        Objects.requireNonNull(universe, "universe");
        Policy policy = settings.policy();
        Allocator.Cycle cycle = Allocator.cycle(inputs, policy, now, previous);
        WritePlan.Transition transition = WritePlan.transition(controls.mode(), previous.mode(), leading);
        CarryOver next = cycle.next();
        if (next.written().isEmpty() && transition.writes() && held.isPresent()) {
            next = next.withWritten(held.get());
        }
        Map<String, CarryOver.WrittenTarget> written = next.written().orElse(Map.of());
        CycleResult result = Allocator.constrain(cycle.result(), controls.scoped(), written, policy);
        if (transition.halts()) {
            result = Allocator.halt(result);
        }
        if (transition.reduces()) {
            result = Allocator.reduce(result, written);
        }
        Optional<Write> write = transition.writes()
                ? Optional.of(write(result, controls.mode(), transition, next, held.orElse(Map.of()), universe, settings)) : Optional.empty();
        return new Outcome(result, next, transition, write);
    }

    /** Whether a leader's write compares with (or deletes) what Redis holds: targets written for a computed result, or a retraction. */
    private static boolean compares(WritePlan.Transition transition, boolean computed) {
        return (transition.writesTargets() && computed) || transition.retractsAll();
    }

    /** Whether {@code carryOver} carries what Redis holds: the last write wrote targets, and they are known. */
    private static boolean carriesHeld(WritePlan.Transition transition, CarryOver carryOver) {
        return transition.heldInRedis() && carryOver.written().isPresent();
    }

    /**
     * Whether a leader's write of {@code result} in {@code mode} after {@code next} compares with (or deletes) the
     * targets Redis holds and {@code next} does not carry them: then the writer reads them first.
     */
    public static boolean needsHeld(CycleResult result, Mode mode, CarryOver next) {
        WritePlan.Transition transition = WritePlan.transition(mode, next.mode(), true);
        return compares(transition, result instanceof CycleResult.Computed) && !carriesHeld(transition, next);
    }

    /**
     * A leader's write of an already computed {@code result} (a caller that runs the rules itself): the transition
     * from {@code next}'s mode to {@code mode}, then as {@link #step}'s write.
     *
     * @param held the targets Redis holds when {@link #needsHeld} says they are needed (else ignored)
     */
    public static Write write(CycleResult result, Mode mode, CarryOver next, Map<String, CarryOver.WrittenTarget> held,
                              Optional<Set<String>> universe, Settings settings) {
        return write(result, mode, WritePlan.transition(mode, next.mode(), true), next, held, universe, settings);
    }

    /** The write of a leader's step: the plan against its baseline, the targets that go, the carry-over after. */
    private static Write write(CycleResult result, Mode mode, WritePlan.Transition transition, CarryOver next,
                               Map<String, CarryOver.WrittenTarget> held, Optional<Set<String>> universe, Settings settings) {
        CycleResult.Computed computed = result instanceof CycleResult.Computed c ? c : null;
        boolean targets = transition.writesTargets();
        boolean retract = transition.retractsAll();
        Map<String, CarryOver.WrittenTarget> real = !compares(transition, computed != null) ? Map.of()
                : carriesHeld(transition, next) ? next.written().get() : held;
        Map<String, CarryOver.WrittenTarget> base = switch (transition.baseline()) {
            case WRITTEN -> real;
            case SHADOW_TWIN -> next.written().orElse(Map.of());
            case NONE -> Map.of();
        };
        Optional<WritePlan.Plan> plan = computed == null ? Optional.empty()
                : Optional.of(WritePlan.plan(computed, base, settings.policy(), settings.minChangePct(), settings.refresh()));
        Set<String> delete = new HashSet<>();
        if (targets && plan.isPresent()) {
            delete.addAll(plan.get().removed());
            universe.ifPresent(delete::retainAll); // a symbol left out by the discovery keeps its target
        } else if (retract) {
            delete.addAll(real.keySet());
        }
        Set<String> streamed = new HashSet<>(plan.map(WritePlan.Plan::removed).orElse(List.of()));
        universe.ifPresent(streamed::retainAll);
        Map<String, CarryOver.WrittenTarget> labelsFrom = targets || retract ? real : base;
        SortedMap<String, Removal> removals = new TreeMap<>();
        Set<String> gone = new HashSet<>(delete);
        gone.addAll(streamed);
        for (String symbol : gone) {
            CarryOver.WrittenTarget was = labelsFrom.getOrDefault(symbol, base.get(symbol));
            removals.put(symbol, new Removal(was == null ? "" : was.labels().clusterId(), delete.contains(symbol), streamed.contains(symbol)));
        }
        CarryOver after = next.withMode(mode);
        if (plan.isPresent()) {
            after = after.withWritten(plan.get().written()); // in shadow: what enforce would have written, for the next shadow plan
        } else if (retract) {
            after = after.withWritten(Map.of());
        } else if (next.written().isEmpty()) {
            after = after.withWrittenUnknown(); // skipped: nothing changed, and nothing is known
        }
        return new Write(transition, mode, plan, removals, after);
    }
}
