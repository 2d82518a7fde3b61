package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

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
@API(status = API.Status.STABLE, since = "1.0")
public record CarryOver(
        Optional<DrawdownZone> zone,
        Optional<Instant> relaxSince,
        Optional<Mode> mode,
        Optional<Map<String, WrittenTarget>> written) {

    /**
     * A target as last written: its {@code target_usd}, its {@code timestamp} and its {@link Labels}, which decide,
     * with the value, whether it is rewritten ({@link WritePlan}). {@link Labels#UNKNOWN}: the next write rewrites it.
     * Its {@code weight} and {@code content} (a fingerprint of the other fields the hash carries: base budget, the four
     * factors, confidence) decide whether a refresh may only touch its timestamp (DESIGN section 22); a weight below 0
     * or a content of {@link #UNKNOWN_CONTENT} is not known, and the refresh rewrites the hash whole.
     */
    public record WrittenTarget(double targetUsd, Instant at, Labels labels, double weight, long content) {
        /** The content of a target whose other fields are not known. */
        public static final long UNKNOWN_CONTENT = 0;

        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public WrittenTarget {
            Checks.finiteNonNegative(targetUsd, "targetUsd");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(labels, "labels");
            if (Double.isNaN(weight)) {
                throw new IllegalArgumentException("weight: must be a number, was NaN");
            }
        }

        /** A target whose other fields are unknown. */
        public WrittenTarget(double targetUsd, Instant at, Labels labels) {
            this(targetUsd, at, labels, -1, UNKNOWN_CONTENT);
        }

        /** A target whose labels and other fields are unknown. */
        public WrittenTarget(double targetUsd, Instant at) {
            this(targetUsd, at, Labels.UNKNOWN);
        }

        /** The target of {@code d} written at {@code at}. */
        public static WrittenTarget of(Decision d, Instant at) {
            return new WrittenTarget(d.targetUsd(), at, Labels.of(d), d.weight(), content(d));
        }

        /** This target with its timestamp moved to {@code at} (a refresh that touches it), all else as written. */
        public WrittenTarget touched(Instant at) {
            return new WrittenTarget(targetUsd, at, labels, weight, content);
        }

        /**
         * Whether a refresh may leave every field but the timestamp as written: the fields other than value, weight and
         * labels are {@code d}'s exactly, and the weight is within {@code minChangePct} of {@code d}'s (as the value is).
         */
        public boolean touchable(Decision d, double minChangePct) {
            return content != UNKNOWN_CONTENT && weight >= 0 && content == content(d)
                    && Math.abs(d.weight() - weight) <= minChangePct * weight;
        }

        /** The fingerprint of {@code d}'s base budget, factors and confidence. */
        public static long content(Decision d) {
            return content(d.baseBudgetUsd(), d.regimeFactor(), d.clusterFactor(), d.drawdownFactor(), d.performanceFactor(), d.confidence());
        }

        /**
         * The fingerprint of a target's base budget, four factors and confidence, as decoded from its hash or held by a
         * decision (a written decimal parses back to the same double): never {@link #UNKNOWN_CONTENT}.
         */
        public static long content(double base, double regimeFactor, double clusterFactor, double drawdownFactor, double performanceFactor,
                                   double confidence) {
            long h = mix(mix(mix(mix(mix(mix(1125899906842597L, base), regimeFactor), clusterFactor), drawdownFactor), performanceFactor),
                    confidence);
            return h == UNKNOWN_CONTENT ? 1 : h;
        }

        private static long mix(long h, double v) {
            long x = 31 * h + Double.doubleToLongBits(v + 0.0); // + 0.0: -0.0 is written as 0.0
            return x ^ (x >>> 29);
        }
    }

    /**
     * The labels of a written target, as its hash holds them: {@code cluster_id}, {@code regime}, {@code drawdown_zone}
     * and {@code cap}. A change of any of them rewrites the target, whatever its value.
     */
    public record Labels(String clusterId, String regime, String zone, String cap) {
        /** Labels not known (a hash that did not hold them all): they match no decision. */
        public static final Labels UNKNOWN = new Labels("", "", "", "");

        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
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

    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
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
