package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.Objects;

/**
 * A per-symbol performance attribution ({@code quantum:alpha:attribution:{symbol}}). When fresh it
 * wins over {@code sigmoid(cluster alpha)}.
 *
 * @param symbol            the symbol
 * @param performanceFactor finite and {@code >= 0}
 * @param timestamp         its {@code ts_utc}
 */
@API(status = API.Status.STABLE, since = "1.0")
public record PerformanceAttribution(String symbol, double performanceFactor, Instant timestamp) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public PerformanceAttribution {
        Checks.name(symbol, "symbol");
        Checks.finiteNonNegative(performanceFactor, "performanceFactor");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
