package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one cycle produced: {@link Computed} (the cycle-wide context and one decision per allocated
 * symbol) or {@link Skipped} (why; no decision). Everything the runner logs and counts is here, so
 * nothing is recomputed.
 */
@API(status = API.Status.STABLE, since = "1.0")
public sealed interface CycleResult permits CycleResult.Computed, CycleResult.Skipped {

    /** The cycle time the rules were evaluated at. */
    Instant now();

    /** One per allocated symbol, in the order of the budgets; empty when skipped. */
    List<Decision> decisions();

    /** Every neutral value used, once per subject. */
    List<Fallback> fallbacks();

    /** Every input value discarded, from decoding and from the rules. */
    List<Rejection> rejections();

    /** {@code COMPUTED} or {@code SKIPPED}: the label of this result in metrics and snapshot files. */
    Outcome outcome();

    /**
     * A computed cycle.
     *
     * @param context the cycle-wide factors
     */
    @API(status = API.Status.STABLE, since = "1.0")
    record Computed(Instant now, CycleContext context, List<Decision> decisions, List<Fallback> fallbacks, List<Rejection> rejections)
            implements CycleResult {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Computed {
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(context, "context");
            decisions = List.copyOf(decisions);
            fallbacks = List.copyOf(fallbacks);
            rejections = List.copyOf(rejections);
        }

        @Override
        public Outcome outcome() {
            return Outcome.COMPUTED;
        }
    }

    /**
     * A cycle skipped as a whole (section 2, rule 1): no target, no decision.
     *
     * @param reason why
     */
    @API(status = API.Status.STABLE, since = "1.0")
    record Skipped(Instant now, SkipReason reason, List<Fallback> fallbacks, List<Rejection> rejections) implements CycleResult {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Skipped {
            Objects.requireNonNull(now, "now");
            Objects.requireNonNull(reason, "reason");
            fallbacks = List.copyOf(fallbacks);
            rejections = List.copyOf(rejections);
        }

        @Override
        public List<Decision> decisions() {
            return List.of();
        }

        @Override
        public Outcome outcome() {
            return Outcome.SKIPPED;
        }
    }
}
