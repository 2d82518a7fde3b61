package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Locale;

/** Why an input value was discarded. Every rejection is counted by source and reason. */
@API(status = API.Status.STABLE, since = "1.0")
public enum RejectReason {
    /** A required field is absent, or the key vanished between discovery and read. */
    MISSING_FIELD,
    /** A value is not a plain finite number or timestamp, is out of range, or is an unknown name. */
    INVALID_VALUE,
    /** The Redis key holds another type than the contract says (WRONGTYPE). */
    WRONG_TYPE,
    /** A symbol or cluster name outside {@code [A-Za-z0-9._-]{1,64}}. */
    BAD_NAME,
    /**
     * A symbol listed in two fresh discovered clusters: the one with the later {@code updated_ts} (then the
     * smaller id) takes it, and the other's claim is rejected.
     */
    CONFLICT,
    /**
     * The service's Redis user may not read an optional input (ACL {@code NOPERM}): the live stack's discovered
     * clusters under an ACL written before they were read. The cycle goes on without that input.
     */
    DENIED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** Lower-case name, as in {@code reason="invalid_value"}. */
    public String wireName() {
        return wireName;
    }
}
