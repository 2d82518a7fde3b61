package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Locale;

/** Why an input was not used and a neutral value took its place. */
@API(status = API.Status.STABLE, since = "1.0")
public enum FallbackReason {
    /** The key, entry or field does not exist. */
    MISSING,
    /** The input is older than {@code STALE_DATA_SEC} (age strictly greater). */
    STALE,
    /** The input exists but could not be used: unparsable, out of range or an unknown name. */
    INVALID;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** Lower-case name for logs and metric labels. */
    public String wireName() {
        return wireName;
    }
}
