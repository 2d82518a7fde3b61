package com.quantumtrader.allocation.redis.read;

import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;

/**
 * One cycle's read, for a tenure at {@code now}.
 *
 * @param now          the cycle's time on Redis's clock (expiries and the discovery's age are judged on it)
 * @param tenure       the epoch this runner leads at, or {@link #NOT_LEADING}: a change drops what is cached
 * @param written      the symbols whose target hash this runner wrote and counts on; the reader checks those that may be
 *                     gone for existence (DESIGN sections 16 and 22). Kept as given: an unmodifiable view of the
 *                     carry-over's own immutable key set, not copied per cycle
 * @param lastWrite    the {@code cycle_id} of this runner's last completed write: the state hash must still show it, or
 *                     the dataset changed under the service (DESIGN section 20)
 * @param lastModified the symbols whose target hash that write modified (written, touched, deleted): each is named once
 *                     by the invalidation link for it; a second name is someone else's change
 */
public record ReadRequest(Instant now, long tenure, Set<String> written, Optional<String> lastWrite, Set<String> lastModified) {

    /** The tenure of a runner that holds no lease (a standby, {@code once}). */
    public static final long NOT_LEADING = 0;

    public ReadRequest {
        Objects.requireNonNull(now, "now");
        if (tenure < 0) {
            throw new IllegalArgumentException("tenure: must be >= 0, was " + tenure);
        }
        written = Collections.unmodifiableSet(Objects.requireNonNull(written, "written"));
        Objects.requireNonNull(lastWrite, "lastWrite");
        lastModified = Collections.unmodifiableSet(Objects.requireNonNull(lastModified, "lastModified"));
    }

    /** A read at {@code now} by a runner that leads no tenure and wrote nothing (tests, {@code once}, the bench). */
    public static ReadRequest at(Instant now) {
        return new ReadRequest(now, NOT_LEADING, Set.of(), Optional.empty(), Set.of());
    }
}
