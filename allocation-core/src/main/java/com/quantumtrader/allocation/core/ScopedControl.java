package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's control on one symbol or one cluster (DESIGN section 17): {@code halt} (target 0), {@code reduce}
 * (no rise above the written target; none written: 0) or {@code scale} (the computed target times {@code factor}),
 * with who, why, since when and, optionally, until when. An expired control ({@code now >= until}) is ignored by
 * {@link Allocator#constrain}.
 *
 * @param scope  a symbol or a cluster
 * @param id     the symbol or the cluster id
 * @param action what it does
 * @param factor {@code scale}'s factor in [0, 1]; 1 for the other actions
 * @param reason why, as the operator wrote it
 * @param by     who
 * @param since  when it was set (empty: not known, a hash entry written by hand)
 * @param until  when it ends by itself, if it does
 */
@API(status = API.Status.STABLE, since = "1.0")
public record ScopedControl(Scope scope, String id, Action action, double factor, String reason, String by, Optional<Instant> since,
                            Optional<Instant> until) {

    /** What a control names. */
    @API(status = API.Status.STABLE, since = "1.0")
    public enum Scope {
        /** A control on one symbol. */
        SYMBOL,
        /** A control on every symbol of one allocation cluster. */
        CLUSTER;

        private final String wireName = name().toLowerCase(Locale.ROOT);

        /** {@code symbol} or {@code cluster}: the prefix of the control's field in the scoped-control hash. */
        public String wireName() {
            return wireName;
        }
    }

    /** What a control does to the targets it names. */
    @API(status = API.Status.STABLE, since = "1.0")
    public enum Action {
        /** Target 0 (cap {@code halt}). */
        HALT,
        /** No rise above the written target. */
        REDUCE,
        /** The target times the control's factor (cap {@code scale}). */
        SCALE;

        private final String wireName = name().toLowerCase(Locale.ROOT);

        /** {@code halt}, {@code reduce} or {@code scale}. */
        public String wireName() {
            return wireName;
        }
    }

    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public ScopedControl {
        Objects.requireNonNull(scope, "scope");
        Checks.name(id, scope.wireName());
        Objects.requireNonNull(action, "action");
        Checks.inClosed(factor, 0, 1, "factor");
        if (action != Action.SCALE && factor != 1.0) {
            throw new IllegalArgumentException("factor: only scale takes a factor, was " + factor + " for " + action.wireName());
        }
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        if (until.isPresent() && since.isPresent() && !until.get().isAfter(since.get())) {
            throw new IllegalArgumentException("until: must be after since (" + since.get() + "), was " + until.get());
        }
    }

    /** Whether the control applies at {@code now}: it has no end, or its end is still ahead. */
    public boolean inForce(Instant now) {
        return until.isEmpty() || now.isBefore(until.get());
    }

    /** Whether it names this symbol or this cluster. */
    public boolean names(String symbol, String clusterId) {
        return id.equals(scope == Scope.SYMBOL ? symbol : clusterId);
    }
}
