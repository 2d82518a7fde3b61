package com.quantumtrader.allocation.core;

import java.time.Instant;

/**
 * An input is stale when its timestamp is more than {@code STALE_DATA_SEC} away from {@code now},
 * in either direction: an upstream whose clock runs far ahead must not stay "fresh" long after it
 * stopped publishing. Within the window, a timestamp slightly ahead (clock skew) is fresh.
 */
record Freshness(Instant oldest, Instant newest) {

    /** The window of {@code policy}'s {@code STALE_DATA_SEC} around {@code now}. */
    static Freshness at(Instant now, Policy policy) {
        return new Freshness(now.minus(policy.staleData()), now.plus(policy.staleData()));
    }

    boolean stale(Instant timestamp) {
        return timestamp.isBefore(oldest) || timestamp.isAfter(newest);
    }
}
