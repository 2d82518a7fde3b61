package com.quantumtrader.allocation.redis.read;

import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.RawInputs;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import com.quantumtrader.allocation.redis.wire.StateHash;

import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.Rejection;
import java.util.List;
import java.util.Objects;

/**
 * One cycle's inputs as read, decoded straight from Redis's replies by {@link InputCodec}'s rules.
 *
 * @param inputs     the typed inputs, every rejection included (what reading rejected first)
 * @param rejections what reading itself rejected: keys of the wrong type, bad symbol names
 * @param control    the operator's control hash ({@code absent} when there is none), read in the same pipeline
 * @param scoped     the operator's scoped controls (DESIGN section 17), read in the same pipeline; the wrong type is
 *                   one invalid entry
 * @param lastWrite  the {@code cycle_id} of the last write as Redis holds it ({@link StateHash#CYCLE_ID}), empty when none
 * @param discovery  the symbols read and when they were discovered (the reader reuses it while it may)
 * @param roundTrips     network round trips the read took
 * @param discoverNanos time spent discovering keys (the SCAN pages), part of the read
 * @param targetsGone   of the target hashes the read was asked to vouch for (the writer's), how many Redis no longer holds
 * @param cache         how the read used the incremental reads' cache (issue 28)
 */
public record ReadResult(CycleInputs inputs, List<Rejection> rejections, Decoded<ControlHash> control, ScopedControls scoped,
        java.util.Optional<String> lastWrite, Discovery discovery, long roundTrips, long discoverNanos,
                         long targetsGone, Cache cache) {
    public ReadResult {
        Objects.requireNonNull(cache, "cache");
        if (targetsGone < 0) {
            throw new IllegalArgumentException("targetsGone: must be >= 0, was " + targetsGone);
        }
        Objects.requireNonNull(inputs, "inputs");
        rejections = List.copyOf(rejections);
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(scoped, "scoped");
        Objects.requireNonNull(lastWrite, "lastWrite");
        Objects.requireNonNull(discovery, "discovery");
    }

    /**
     * A drop of what the service knew of Redis's inputs (DESIGN section 20).
     *
     * @param cause  why, as {@code p29_cache_drops_total}'s label
     * @param detail what happened, for the log
     */
    public record Drop(DropCause cause, String detail) {
        public Drop {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * How a read used the cache of incremental reads.
     *
     * @param kind          off (every read full, {@code P29_INCREMENTAL=false}), full (the cache was empty or unusable: everything
     *                      read, and kept when a link listens), incremental (only what changed read), or audit (everything read and
     *                      compared with what the cache held)
     * @param inputReads    HMGET, HGETALL and XREVRANGE commands on input keys this read sent
     * @param discrepancies in an audit, the keys whose cached value (or the discovery's knowledge of them) differed from Redis's
     *                      with no change that explains it: each one a change the cache missed (goal: none)
     * @param drops         what was dropped before or during this read, and why
     * @param remark        why the cache could not be used, when that is not a drop (no tracking, a Cluster, its capacity)
     */
    public record Cache(Kind kind, long inputReads, List<String> discrepancies, List<Drop> drops, java.util.Optional<String> remark) {
        public enum Kind {
            OFF, FULL, INCREMENTAL, AUDIT;

            /** The name in metrics ({@code p29_reads_total{kind}}) and the cycle's log line. */
            public String wireName() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }

        public Cache {
            Objects.requireNonNull(kind, "kind");
            if (inputReads < 0) {
                throw new IllegalArgumentException("inputReads: must be >= 0, was " + inputReads);
            }
            discrepancies = List.copyOf(discrepancies);
            drops = List.copyOf(drops);
            Objects.requireNonNull(remark, "remark");
        }

        /** Whether a drop of {@code cause} is among {@link #drops}. */
        public boolean dropped(DropCause cause) {
            return drops.stream().anyMatch(d -> d.cause() == cause);
        }

        /** The drops and the remark as one line, empty when there are none. */
        public java.util.Optional<String> note() {
            List<String> parts = new java.util.ArrayList<>();
            drops.forEach(d -> parts.add(d.detail()));
            remark.ifPresent(parts::add);
            return parts.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join("; ", parts));
        }

        /** This cache outcome with {@code earlier} drops told first (a read made again in the same cycle). */
        Cache after(List<Drop> earlier) {
            List<Drop> all = new java.util.ArrayList<>(earlier);
            all.addAll(drops);
            return new Cache(kind, inputReads, discrepancies, all, remark);
        }
    }

    /** This result with {@code earlier} drops told first in its cache outcome. */
    ReadResult after(List<Drop> earlier) {
        return earlier.isEmpty() ? this : new ReadResult(inputs, rejections, control, scoped, lastWrite, discovery, roundTrips, discoverNanos,
                targetsGone, cache.after(earlier));
    }

    /** This result with {@code drops} told first and no discrepancy: a dataset change the witness found explains them. */
    ReadResult explained(List<Drop> drops) {
        ReadResult told = after(drops);
        Cache c = told.cache;
        return new ReadResult(inputs, rejections, control, scoped, lastWrite, discovery, roundTrips, discoverNanos, targetsGone,
                new Cache(c.kind(), c.inputReads(), List.of(), c.drops(), c.remark()));
    }

    /** The typed inputs (as {@link InputCodec#decode(RawInputs, List)} gives them for the same hashes). */
    public CycleInputs decode() {
        return inputs;
    }
}

