package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.Scalars;

/**
 * The right to write (DESIGN section 10): the instance that holds the lease and the epoch it got
 * when it took it. Every write of the service is conditional on both, checked atomically with it.
 *
 * @param instance the {@code P29_INSTANCE_ID} that holds {@code quantum:allocation:leader}
 * @param token    the value {@code INCR quantum:allocation:epoch} gave on taking the lease
 */
public record Fence(String instance, long token) {
    public Fence {
        Names.checkInstanceId(instance);
        if (token < 1) {
            throw new IllegalArgumentException("token: must be >= 1, was " + token);
        }
    }

    @Override
    public String toString() {
        return Scalars.printable(instance) + "@epoch " + token;
    }
}
