package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Objects;

/**
 * One neutral value used in place of an input, for the log and {@code p29_stale_fallback_total{data_source}}.
 * Counted once per subject per cycle: the portfolio and the regime once, a cluster once, a budget
 * and a performance factor once per symbol.
 *
 * @param source  the input that fell back
 * @param reason  missing, stale or invalid
 * @param subject the symbol, cluster, or {@code portfolio} / {@code regime}
 */
@API(status = API.Status.STABLE, since = "1.0")
public record Fallback(DataSource source, FallbackReason reason, String subject) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public Fallback {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(subject, "subject");
    }
}
