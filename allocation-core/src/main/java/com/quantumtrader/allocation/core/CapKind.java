package com.quantumtrader.allocation.core;

import java.util.Locale;

/** Which cap, if any, lowered a target. On the wire: {@code none}, {@code symbol}, {@code cluster}, {@code reduce}. */
public enum CapKind {
    /** No cap lowered the target. */
    NONE,
    /** The per-symbol cap ({@code MAX_SYMBOL_PCT x equity}) lowered it, and no cluster cap after that. */
    SYMBOL,
    /** The symbol's cluster exceeded {@code MAX_CLUSTER_PCT x equity} and was scaled down. */
    CLUSTER,
    /** Reduce mode held the target at (or set it to) the one already written, 0 when none was: it may not rise. */
    REDUCE;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The value of the {@code cap} field in target hashes and decision entries. */
    public String wireName() {
        return wireName;
    }
}
