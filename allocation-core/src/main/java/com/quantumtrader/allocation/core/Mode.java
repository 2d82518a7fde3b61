package com.quantumtrader.allocation.core;

import java.util.Locale;

/** Shadow computes and streams decisions only; enforce also writes the target hashes the Governor reads. */
public enum Mode {
    SHADOW,
    ENFORCE;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The value of the {@code mode} field and of {@code P29_MODE}: {@code shadow} or {@code enforce}. */
    public String wireName() {
        return wireName;
    }
}
