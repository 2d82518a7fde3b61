package com.quantumtrader.allocation.redis.write;



import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.WritePlan;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one cycle wrote.
 *
 * @param targetsWritten    target hashes written (0 in shadow mode)
 * @param targetsDeleted    target hashes deleted because their symbol left the universe
 * @param decisionsStreamed decision stream entries added
 * @param roundTrips        network round trips the write took
 * @param next              the carry-over for the next cycle: {@link CarryOver#written()} is what the service
 *                          holds in Redis after this write
 * @param changes           the plan's change of each decision, in the cycle's order (in shadow: what enforce would have
 *                          written); empty when nothing was planned (a skipped cycle, a retraction). The change log
 *                          reads it rather than looking every symbol up in two carry-overs
 * @param modified          the symbols whose target hash this write modified (written whole, touched, deleted): the
 *                          invalidation link names each once for it (the next read's lost-target check, DESIGN 22)
 */
public record WriteResult(int targetsWritten, int targetsDeleted, int decisionsStreamed, long roundTrips, CarryOver next,
                          List<WritePlan.Change> changes, Set<String> modified) {

    public WriteResult {
        Objects.requireNonNull(next, "next");
        changes = List.copyOf(changes);
        modified = Set.copyOf(modified);
    }

    /** A result that modified no target hash (shadow, a skipped cycle, a test's expectation). */
    public WriteResult(int targetsWritten, int targetsDeleted, int decisionsStreamed, long roundTrips, CarryOver next,
                       List<WritePlan.Change> changes) {
        this(targetsWritten, targetsDeleted, decisionsStreamed, roundTrips, next, changes, Set.of());
    }

    /** This result with {@code more} round trips (a read of the written targets made for it first). */
    public WriteResult plusRoundTrips(long more) {
        return new WriteResult(targetsWritten, targetsDeleted, decisionsStreamed, roundTrips + more, next, changes, modified);
    }

    /** A result with no planned change (a skipped cycle, a retraction). */
    public WriteResult(int targetsWritten, int targetsDeleted, int decisionsStreamed, long roundTrips, CarryOver next) {
        this(targetsWritten, targetsDeleted, decisionsStreamed, roundTrips, next, List.of());
    }

    /** Nothing written (a skipped cycle, or shadow with no decision): the carry-over unchanged. */
    public static WriteResult nothing(CarryOver unchanged) {
        return new WriteResult(0, 0, 0, 0, unchanged);
    }
}
