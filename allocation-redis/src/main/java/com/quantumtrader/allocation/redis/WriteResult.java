package com.quantumtrader.allocation.redis;

import java.util.Objects;

/**
 * What one cycle wrote.
 *
 * @param targetsWritten    target hashes written (0 in shadow mode)
 * @param targetsDeleted    target hashes deleted because their symbol left the universe
 * @param decisionsStreamed decision stream entries added
 * @param roundTrips        network round trips the write took
 * @param written           the target hashes the service holds in Redis after this write: the carry-over for the next one
 */
public record WriteResult(int targetsWritten, int targetsDeleted, int decisionsStreamed, long roundTrips, WrittenTargets written) {

    public WriteResult {
        Objects.requireNonNull(written, "written");
    }

    /** Nothing written (a skipped cycle, or shadow with no decision): the carry-over unchanged. */
    public static WriteResult nothing(WrittenTargets unchanged) {
        return new WriteResult(0, 0, 0, 0, unchanged);
    }
}
