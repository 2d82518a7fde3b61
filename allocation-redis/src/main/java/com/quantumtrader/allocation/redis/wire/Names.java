package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.Scalars;

/** The name rules of the contract's own identifiers (symbols and clusters are core's {@code Scalars.isValidName}). */
public final class Names {
    private Names() {
    }

    /** An instance id: 1-128 characters of {@code [A-Za-z0-9._:-]} (a host name, a pid, a pod name). */
    public static String checkInstanceId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128 || !id.chars().allMatch(c -> (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-')) {
            throw new IllegalArgumentException("P29_INSTANCE_ID: must be 1-128 characters of [A-Za-z0-9._:-], was '"
                    + Scalars.printable(id) + "'");
        }
        return id;
    }

    /** A Sentinel's master name: 1-64 characters of {@code [A-Za-z0-9._-]}. */
    public static boolean isMasterName(String name) {
        return name != null && name.matches("[A-Za-z0-9._-]{1,64}");
    }
}
