package com.quantumtrader.allocation.runner.cycle;

import com.quantumtrader.allocation.redis.Role;
import java.util.Objects;

/**
 * One change of this runner's role in the writer's lease, as {@link Leadership} tells it.
 *
 * @param from   the role before
 * @param to     the role now
 * @param cause  why
 * @param other  the other runner it concerns: the holder a standby defers to, the peer a leader yields to ("" if none)
 * @param detail what the log line says besides (why it yielded, the failure, whether the lease was released)
 */
record RoleTransition(Role from, Role to, Cause cause, String other, String detail) {

    /** Why the role changed. */
    enum Cause {
        /** This runner took the lease (a start, a takeover): it adopts the state the last writer left. */
        TOOK,
        /** Another runner holds the lease, or this one lost it. */
        STANDBY,
        /** It completed no write for {@code P29_YIELD_AFTER_CYCLES} cycles while a standby could. */
        YIELDED,
        /** A write was fenced: the lease or the epoch moved on, nothing landed. */
        FENCED,
        /** Shutdown (or between the bench's blocks): the lease is given up. */
        RELEASED
    }

    RoleTransition {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(other, "other");
        Objects.requireNonNull(detail, "detail");
    }
}
