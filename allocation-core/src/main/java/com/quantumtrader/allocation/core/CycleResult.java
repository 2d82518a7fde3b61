package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one cycle produced. Everything the runner logs and counts is here, so nothing is recomputed.
 *
 * @param now        the cycle time the rules were evaluated at
 * @param outcome    computed, or skipped as a whole
 * @param skipReason present exactly when skipped
 * @param context    the cycle-wide factors, present exactly when computed
 * @param decisions  one per allocated symbol, in the order of the budgets; empty when skipped
 * @param fallbacks  every neutral value used, once per subject
 * @param rejections every input value discarded, from decoding and from the rules
 */
public record CycleResult(
        Instant now,
        Outcome outcome,
        Optional<SkipReason> skipReason,
        Optional<CycleContext> context,
        List<Decision> decisions,
        List<Fallback> fallbacks,
        List<Rejection> rejections) {

    public CycleResult {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(skipReason, "skipReason");
        Objects.requireNonNull(context, "context");
        decisions = List.copyOf(decisions);
        fallbacks = List.copyOf(fallbacks);
        rejections = List.copyOf(rejections);
        boolean computed = outcome == Outcome.COMPUTED;
        if (computed == skipReason.isPresent() || computed != context.isPresent()) {
            throw new IllegalArgumentException("outcome: " + outcome + " must come with a context and no skip reason, or the reverse; was skipReason="
                    + skipReason + ", context present=" + context.isPresent());
        }
        if (!computed && !decisions.isEmpty()) {
            throw new IllegalArgumentException("decisions: must be empty when skipped, was " + decisions.size());
        }
    }

    /** A skipped cycle. */
    static CycleResult skipped(Instant now, SkipReason reason, List<Fallback> fallbacks, List<Rejection> rejections) {
        return new CycleResult(now, Outcome.SKIPPED, Optional.of(reason), Optional.empty(), List.of(), fallbacks, rejections);
    }
}
