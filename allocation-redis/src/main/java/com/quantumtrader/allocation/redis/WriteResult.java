package com.quantumtrader.allocation.redis;

/**
 * What one cycle wrote.
 *
 * @param targetsWritten    target hashes written (0 in shadow mode)
 * @param decisionsStreamed decision stream entries added
 * @param roundTrips        network round trips the write took
 */
public record WriteResult(int targetsWritten, int decisionsStreamed, long roundTrips) {
    /** Nothing written: a skipped cycle. */
    public static final WriteResult NOTHING = new WriteResult(0, 0, 0);
}
