package com.quantumtrader.allocation.redis.read;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One cycle's read, for a tenure at {@code now}.
 *
 * @param now       the cycle's time on Redis's clock (expiries and the discovery's age are judged on it)
 * @param tenure    the epoch this runner leads at, or {@link #NOT_LEADING}: a change drops what is cached
 * @param written   the symbols whose target hash this runner wrote and counts on; the reader checks a share of them
 *                  for existence each cycle, in turn (DESIGN section 16)
 * @param lastWrite the {@code cycle_id} of this runner's last completed write: the state hash must still show it, or
 *                  the dataset changed under the service (DESIGN section 20)
 */
public record ReadRequest(Instant now, long tenure, List<String> written, Optional<String> lastWrite) {

    /** The tenure of a runner that holds no lease (a standby, {@code once}). */
    public static final long NOT_LEADING = 0;

    public ReadRequest {
        Objects.requireNonNull(now, "now");
        if (tenure < 0) {
            throw new IllegalArgumentException("tenure: must be >= 0, was " + tenure);
        }
        written = List.copyOf(written);
        Objects.requireNonNull(lastWrite, "lastWrite");
    }

    /** A read at {@code now} by a runner that leads no tenure and wrote nothing (tests, {@code once}, the bench). */
    public static ReadRequest at(Instant now) {
        return new ReadRequest(now, NOT_LEADING, List.of(), Optional.empty());
    }
}
