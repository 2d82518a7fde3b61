package com.quantumtrader.allocation.redis;



import com.quantumtrader.allocation.core.CarryOver;
import java.util.Objects;

/**
 * What one cycle wrote.
 *
 * @param targetsWritten    target hashes written (0 in shadow mode)
 * @param targetsDeleted    target hashes deleted because their symbol left the universe
 * @param decisionsStreamed decision stream entries added
 * @param roundTrips        network round trips the write took
 * @param next              the carry-over for the next cycle: {@link CarryOver#written()} is what the service
 *                          holds in Redis after this write
 */
public record WriteResult(int targetsWritten, int targetsDeleted, int decisionsStreamed, long roundTrips, CarryOver next) {

    public WriteResult {
        Objects.requireNonNull(next, "next");
    }

    /** Nothing written (a skipped cycle, or shadow with no decision): the carry-over unchanged. */
    public static WriteResult nothing(CarryOver unchanged) {
        return new WriteResult(0, 0, 0, 0, unchanged);
    }
}
