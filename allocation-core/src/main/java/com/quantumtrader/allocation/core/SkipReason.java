package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Locale;

/** Why a cycle produced no decisions at all. */
@API(status = API.Status.STABLE, since = "1.0")
public enum SkipReason {
    /** No portfolio state hash. */
    PORTFOLIO_MISSING,
    /** The portfolio state lacks, or cannot parse, equity, drawdown or timestamp. */
    PORTFOLIO_INVALID,
    /** The portfolio state is older than {@code STALE_DATA_SEC}. */
    PORTFOLIO_STALE,
    /** Equity is zero or negative: every cap would be 0 and every weight undefined. */
    EQUITY_NOT_POSITIVE;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** Lower-case name for logs and metric labels. */
    public String wireName() {
        return wireName;
    }
}
