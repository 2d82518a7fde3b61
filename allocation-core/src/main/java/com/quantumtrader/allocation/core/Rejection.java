package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Objects;

/**
 * One input value that was discarded, for the log and {@code p29_input_rejected_total{data_source,reason}}.
 *
 * @param source  the input it came from
 * @param reason  why it was discarded
 * @param subject the symbol, cluster, or {@code portfolio} / {@code regime}
 * @param detail  field and value, printable and truncated, e.g. {@code budget_usd='nan' is not a finite number}
 */
@API(status = API.Status.STABLE, since = "1.0")
public record Rejection(DataSource source, RejectReason reason, String subject, String detail) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public Rejection {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
    }
}
