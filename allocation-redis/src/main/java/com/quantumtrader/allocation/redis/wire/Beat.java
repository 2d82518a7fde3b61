package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One runner's field in the heartbeat hash {@code quantum:allocation:runners} (DESIGN section 16): the
 * outcome of its last cycle and when it ended, on Redis's clock, as {@code <outcome>|<epoch ms>|<role>}
 * ({@code computed|1764650000123|standby}). A leader that cannot do its job reads it to know that a
 * standby could; a runner that cannot compute reads it to leave the lease to one that can.
 *
 * @param outcome what the runner's last cycle did
 * @param at      when that cycle ended, Redis's {@code TIME}
 * @param leading whether the runner held the lease in that cycle
 */
public record Beat(Outcome outcome, Instant at, boolean leading) {

    /** What a cycle did, as a peer judges whether the runner could do the leader's job. */
    public enum Outcome {
        /** Computed targets (and, when leading, wrote them). */
        COMPUTED("computed"),
        /** Read its inputs but could not compute (stale portfolio, no universe, ...). */
        SKIPPED("skipped"),
        /** Redis failed it or a write was refused. */
        FAILED("failed");

        private final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public Beat {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
    }

    public String encode() {
        return outcome.wireName() + "|" + at.toEpochMilli() + "|" + (leading ? "leader" : "standby");
    }

    /** The beat of one field, empty when it is not one (a field written by hand, a future format). */
    public static Optional<Beat> decode(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split("\\|", -1);
        if (parts.length != 3 || !("leader".equals(parts[2]) || "standby".equals(parts[2]))) {
            return Optional.empty();
        }
        Optional<Outcome> outcome = Values.byName(Outcome.values(), Outcome::wireName, parts[0]);
        OptionalLong millis = epochMillis(parts[1]);
        if (outcome.isEmpty() || millis.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Beat(outcome.get(), Instant.ofEpochMilli(millis.getAsLong()), "leader".equals(parts[2])));
    }

    /** 1-15 digits, nothing else. */
    private static OptionalLong epochMillis(String value) {
        if (value.isEmpty() || value.length() > 15 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(value));
    }

    @Override
    public String toString() {
        return Scalars.printable(encode());
    }
}
