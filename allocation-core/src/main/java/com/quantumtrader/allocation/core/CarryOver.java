package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one cycle hands the next (DESIGN section 9), as one value: the drawdown zone in force and
 * since when the drawdown has stood below its relax line, the mode in force at the last write, and per symbol
 * the target last written (what the Governor sees) with its write time. {@link Allocator#cycle}
 * takes the previous one and returns the next; the writer fills in {@link #written()}; the runner
 * holds it between cycles. Nothing here is read from a clock.
 *
 * @param zone          the drawdown zone in force, empty before the first computed cycle
 * @param relaxSince    since when the drawdown has stood below the relax line of the zone in force, if it has
 * @param mode          the mode in force at the last cycle the writer completed (from the control hash or
 *                      {@code P29_MODE}), empty before the first: leaving enforce or reduce for shadow retracts
 *                      the targets, and the retraction is retried until a write completes it
 * @param written       per symbol, the target as last written: what the service holds in Redis while the mode in
 *                      force writes targets; in shadow, what enforce would have written (nothing is in Redis);
 *                      empty when unknown (at start, after a failed write: then the writer reads them from Redis first)
 */
public record CarryOver(
        Optional<DrawdownZone> zone,
        Optional<Instant> relaxSince,
        Optional<Mode> mode,
        Optional<Map<String, WrittenTarget>> written) {

    /**
     * A target as last written: its {@code target_usd}, its {@code timestamp} and its {@link Labels}, which decide,
     * with the value, whether it is rewritten ({@link WritePlan}). {@link Labels#UNKNOWN}: the next write rewrites it.
     */
    public record WrittenTarget(double targetUsd, Instant at, Labels labels) {
        public WrittenTarget {
            Checks.finiteNonNegative(targetUsd, "targetUsd");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(labels, "labels");
        }

        /** A target whose labels are unknown. */
        public WrittenTarget(double targetUsd, Instant at) {
            this(targetUsd, at, Labels.UNKNOWN);
        }

        /** The target of {@code d} written at {@code at}. */
        public static WrittenTarget of(Decision d, Instant at) {
            return new WrittenTarget(d.targetUsd(), at, Labels.of(d));
        }
    }

    /**
     * The labels of a written target, as its hash holds them: {@code cluster_id}, {@code regime}, {@code drawdown_zone}
     * and {@code cap}. A change of any of them rewrites the target, whatever its value.
     */
    public record Labels(String clusterId, String regime, String zone, String cap) {
        /** Labels not known (a hash that did not hold them all): they match no decision. */
        public static final Labels UNKNOWN = new Labels("", "", "", "");

        public Labels {
            Objects.requireNonNull(clusterId, "clusterId");
            Objects.requireNonNull(regime, "regime");
            Objects.requireNonNull(zone, "zone");
            Objects.requireNonNull(cap, "cap");
        }

        /** {@code d}'s labels. */
        public static Labels of(Decision d) {
            return new Labels(d.clusterId(), d.regime().name(), d.drawdownZone().name(), d.cap().wireName());
        }

        /** Whether these are {@code d}'s labels (compared field by field: no label string is built). */
        public boolean matches(Decision d) {
            return clusterId.equals(d.clusterId()) && regime.equals(d.regime().name()) && zone.equals(d.drawdownZone().name())
                    && cap.equals(d.cap().wireName());
        }
    }

    /** Nothing known: a process that just started. */
    public static final CarryOver START = new CarryOver(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public CarryOver {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(relaxSince, "relaxSince");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(written, "written");
        written = written.map(Map::copyOf);
    }

    /** This carry-over with the written targets known to be exactly {@code targets}. */
    public CarryOver withWritten(Map<String, WrittenTarget> targets) {
        return new CarryOver(zone, relaxSince, mode, Optional.of(targets));
    }

    /** This carry-over with {@code mode} as the mode in force (a write in that mode completed). */
    public CarryOver withMode(Mode inForce) {
        return new CarryOver(zone, relaxSince, Optional.of(inForce), written);
    }

    /** This carry-over with the written targets unknown (a write failed: Redis may have applied part of it). */
    public CarryOver withWrittenUnknown() {
        return new CarryOver(zone, relaxSince, mode, Optional.empty());
    }
}
