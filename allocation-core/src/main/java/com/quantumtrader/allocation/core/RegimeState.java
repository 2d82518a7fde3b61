package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.Objects;

/**
 * The last entry of the regime stream ({@code quantum:stream:regime.state}).
 *
 * @param regime     the regime; {@link Regime#UNKNOWN} when the entry named none this service knows
 * @param confidence the detector's own confidence as read: 1 when the field was absent, 0 when it was
 *                   unparsable; any finite value (the rules clamp it to [0, 1])
 * @param timestamp  the entry's {@code timestamp} field, else the time of its stream id
 */
@API(status = API.Status.STABLE, since = "1.0")
public record RegimeState(Regime regime, double confidence, Instant timestamp) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public RegimeState {
        Objects.requireNonNull(regime, "regime");
        Checks.finite(confidence, "confidence");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
