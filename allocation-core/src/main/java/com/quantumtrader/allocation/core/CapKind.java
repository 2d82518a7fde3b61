package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Locale;

/**
 * Which step, if any, lowered a target last (DESIGN section 17's order: symbol, cluster, gross, scoped controls, ramp,
 * the global mode). On the wire: {@code none}, {@code symbol}, {@code cluster}, {@code reduce}, {@code gross},
 * {@code halt}, {@code scale}, {@code ramp}.
 */
@API(status = API.Status.STABLE, since = "1.0")
public enum CapKind {
    /** No cap lowered the target. */
    NONE,
    /** The per-symbol cap ({@code MAX_SYMBOL_PCT x equity}) lowered it, and no cluster cap after that. */
    SYMBOL,
    /** The symbol's cluster exceeded {@code MAX_CLUSTER_PCT x equity} and was scaled down. */
    CLUSTER,
    /**
     * Reduce (the global mode, or a scoped {@code reduce} control) held the target at (or set it to) the one already
     * written, 0 when none was: it may not rise.
     */
    REDUCE,
    /** The book's total exceeded {@code MAX_GROSS_PCT x equity}: every target was scaled by the same ratio. */
    GROSS,
    /** A {@code halt} control (the symbol's, its cluster's, or the global halt mode): target 0. */
    HALT,
    /** A {@code scale} control: the target times its factor. */
    SCALE,
    /** The ramp ({@code P29_MAX_RAISE_PCT}) held a rise back: at most that share of the base budget per minute since written. */
    RAMP;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The value of the {@code cap} field in target hashes and decision entries. */
    public String wireName() {
        return wireName;
    }
}
