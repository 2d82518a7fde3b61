package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Locale;

/**
 * Market regime as published by the regime detector. {@link #UNKNOWN} is what a cycle reports when
 * the regime input fell back (missing, stale, unparsable or an unknown name).
 */
@API(status = API.Status.STABLE, since = "1.0")
public enum Regime {
    /** A trending market ({@code REGIME_FACTOR_TREND}). */
    TREND,
    /** A mean-reverting market ({@code REGIME_FACTOR_MR}). */
    MEAN_REVERSION,
    /** A choppy market ({@code REGIME_FACTOR_CHOP}). */
    CHOP,
    /** No usable regime: factor 1. */
    UNKNOWN;

    /**
     * Reads a regime name case-insensitively ({@code "trend"} is {@link #TREND}). Any other text,
     * including {@code "UNKNOWN"} itself, gives {@link #UNKNOWN}.
     */
    public static Regime fromName(String name) {
        if (name == null) {
            return UNKNOWN;
        }
        return switch (name.strip().toUpperCase(Locale.ROOT)) {
            case "TREND" -> TREND;
            case "MEAN_REVERSION" -> MEAN_REVERSION;
            case "CHOP" -> CHOP;
            default -> UNKNOWN;
        };
    }
}
