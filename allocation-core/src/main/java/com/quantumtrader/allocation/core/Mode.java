package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Locale;

/**
 * What the service does with a computed cycle. Shadow computes and streams decisions only; enforce
 * also writes the target hashes the Governor reads; reduce writes them as enforce does, except that
 * no target rises above the one already written (DESIGN section 13, {@link Allocator#reduce}); halt writes
 * every target as 0, so the Governor blocks every position (DESIGN section 17, {@link Allocator#halt}). Reduce
 * and halt are set at run time by an operator (the control hash), never by {@code P29_MODE}.
 */
@API(status = API.Status.STABLE, since = "1.0")
public enum Mode {
    /** Compute and stream decisions; write no target (leaving a writing mode retracts every target). */
    SHADOW,
    /** Write the targets the rules and controls give. */
    ENFORCE,
    /** Exposures may fall, never rise: the REDUCING state of trading risk engines, set at run time by an operator. */
    REDUCE,
    /** Every target 0: the Governor blocks any position. The incident stop of the whole book. */
    HALT;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /**
     * The value of {@code P29_MODE}, of the control hash's {@code mode} and of the cycle's mode in logs:
     * {@code shadow}, {@code enforce}, {@code reduce}, {@code halt}.
     */
    public String wireName() {
        return wireName;
    }

    /** Whether the mode writes target hashes (enforce, reduce and halt). */
    public boolean writesTargets() {
        return this != SHADOW;
    }
}
