package com.quantumtrader.allocation.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Change-aware writes (DESIGN section 12), as a pure function: given a computed cycle and the
 * targets as last written, which targets to write and why. A target is rewritten only when it is
 * new, when its {@code target_usd} moved by more than {@code minChangePct} of the written value
 * ({@code 0}: any change), when a label changed (cluster, regime, zone, cap), when keeping it would
 * break this cycle's symbol, cluster or gross cap; otherwise it is left as it is, until its allocation cluster is due
 * for a refresh (DESIGN section 22): when the cluster's oldest kept target is at least its refresh age old, every kept
 * target of the cluster is refreshed together, by a touch of its timestamp alone when every other field is as
 * written ({@link Change#TOUCH}), else whole ({@link Change#REFRESH}). So a written target is never more than
 * {@code minChangePct} from the computed one, never past a cap, and never older than {@code refresh} plus one
 * interval; a cycle writes a cluster only when it has a change or is due. The refresh age is spread per cluster over
 * the last fifth of {@code refresh} ({@link #refreshAgeMillis}).
 */
public final class WritePlan {

    /** Why a decision's target is written, or not. */
    public enum Change {
        /** No target was written for the symbol: written, streamed. */
        NEW,
        /** Its value moved past the threshold, a label changed, or keeping it would break a cap: written, streamed. */
        CHANGED,
        /** Unchanged but its cluster due for a refresh, and some other field of its hash changed: rewritten whole with a fresh timestamp, not streamed. */
        REFRESH,
        /** Unchanged, its cluster due for a refresh, every other field as written: only its timestamp and TTL are set, not streamed. */
        TOUCH,
        /** Left as written. */
        UNCHANGED;

        private final String wireName = name().toLowerCase(Locale.ROOT);

        /** The {@code change} field of a decision stream entry: {@code new}, {@code changed} (and {@code removed}, see {@link Plan#removed()}). */
        public String wireName() {
            return wireName;
        }

        /** Whether the target hash is written (whole, or its timestamp only). */
        public boolean written() {
            return this != UNCHANGED;
        }

        /** Whether the target hash is written whole. */
        public boolean whole() {
            return this != UNCHANGED && this != TOUCH;
        }

        /** Whether a decision stream entry records it. */
        public boolean streamed() {
            return this == NEW || this == CHANGED;
        }
    }

    /** The wire name of a removal in the decision stream's {@code change} field. */
    public static final String REMOVED = "removed";
    /** Relative slack for the caps, as in the rules' own tests: rounding of a sum is not a breach. */
    private static final double CAP_SLACK = 1e-9;

    /**
     * The plan of one cycle's write.
     *
     * @param changes per decision of the cycle (same order), what happens to its target
     * @param removed symbols with a written target and no decision now: their targets are deleted
     * @param written the targets as they stand after the write: what the next cycle plans against
     */
    public record Plan(List<Change> changes, List<String> removed, Map<String, CarryOver.WrittenTarget> written) {
        public Plan {
            changes = List.copyOf(changes);
            removed = List.copyOf(removed);
            written = Map.copyOf(written);
        }

        /** How many decisions have this change. */
        public int count(Change change) {
            int n = 0;
            for (Change c : changes) {
                if (c == change) {
                    n++;
                }
            }
            return n;
        }
    }

    private WritePlan() {
    }

    /**
     * What one cycle does with the target hashes (DESIGN sections 10, 12, 13), decided here only, from the mode in
     * force, the mode of the last write that completed and the role.
     *
     * @param writes        whether this runner writes at all (the leader; a standby writes nothing)
     * @param writesTargets whether target hashes are written (enforce and reduce)
     * @param retractsAll   whether every target this service holds is deleted now (the first cycle in shadow after
     *                      enforce or reduce, computed or skipped, retried until a write completes it)
     * @param reduces       whether each target is held at most at what is written (reduce)
     * @param halts         whether every target is written as 0 (halt)
     * @param hashMode      the {@code mode} of the hashes and decision entries: enforce in enforce and reduce (the Governor
     *                      uses a target only when it says enforce; reduce's say so in their {@code cap}), else shadow
     * @param heldInRedis   whether the carry-over's written targets are what Redis holds (the last write wrote targets);
     *                      otherwise the targets are read from Redis when they are needed
     * @param baseline      what the plan compares the computed targets with
     */
    public record Transition(boolean writes, boolean writesTargets, boolean retractsAll, boolean reduces, boolean halts, Mode hashMode,
                             boolean heldInRedis, Baseline baseline) {
        public Transition {
            Objects.requireNonNull(hashMode, "hashMode");
            Objects.requireNonNull(baseline, "baseline");
        }
    }

    /** What a plan compares the computed targets with. */
    public enum Baseline {
        /** The targets the service holds in Redis (enforce, reduce). */
        WRITTEN,
        /** What enforce would have written in the previous cycle, itself shadow (the shadow twin: its decision stream is enforce's). */
        SHADOW_TWIN,
        /** Nothing: every target is new (the first shadow cycle after a start or after enforce). */
        NONE
    }

    /**
     * The transition of a cycle in mode {@code inForce} after a last completed write in {@code previous} (empty: none
     * since start), as leader or standby.
     */
    public static Transition transition(Mode inForce, Optional<Mode> previous, boolean leading) {
        Objects.requireNonNull(inForce, "inForce");
        Objects.requireNonNull(previous, "previous");
        boolean wroteBefore = previous.map(Mode::writesTargets).orElse(false);
        if (!leading) {
            return new Transition(false, false, false, false, false, Mode.SHADOW, wroteBefore, Baseline.NONE);
        }
        if (inForce.writesTargets()) {
            return new Transition(true, true, false, inForce == Mode.REDUCE, inForce == Mode.HALT, Mode.ENFORCE, wroteBefore, Baseline.WRITTEN);
        }
        Baseline baseline = previous.equals(Optional.of(Mode.SHADOW)) ? Baseline.SHADOW_TWIN : Baseline.NONE;
        return new Transition(true, false, wroteBefore, false, false, Mode.SHADOW, wroteBefore, baseline);
    }

    /**
     * The age in milliseconds at which the oldest kept target of allocation cluster {@code id} makes the cluster due for
     * a refresh: between 80 % and 100 % of {@code refresh}, fixed per cluster ({@link String#hashCode} is the same in every
     * JVM). Clusters first written in one cycle would otherwise all be refreshed in one later cycle, every time.
     */
    static long refreshAgeMillis(String id, long refreshMillis) {
        int h = id.hashCode(); // then murmur3's finaliser: similar names (S1, S2, ...) spread evenly
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        long spread = (h & 0x7fffffff) % 1000; // 0..999
        return refreshMillis - refreshMillis * spread / 5000;
    }

    /**
     * Plans the write of {@code result} over {@code written}.
     *
     * @param minChangePct {@code P29_MIN_CHANGE_PCT}, in [0, 1]
     * @param refresh      {@code P29_TARGET_REFRESH_SEC}, positive
     */
    public static Plan plan(CycleResult.Computed result, Map<String, CarryOver.WrittenTarget> written, Policy policy, double minChangePct,
                            Duration refresh) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(written, "written");
        Objects.requireNonNull(policy, "policy");
        Checks.inClosed(minChangePct, 0, 1, "minChangePct");
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("refresh: must be > 0, was " + refresh);
        }
        Instant now = result.now();
        double equity = result.context().equityUsd();
        double symbolCap = policy.maxSymbolPct() * equity * (1 + CAP_SLACK);
        List<Decision> decisions = result.decisions();
        int n = decisions.size();
        Change[] changes = new Change[n];
        CarryOver.WrittenTarget[] before = new CarryOver.WrittenTarget[n];
        Map<String, Cluster> clusters = new HashMap<>();
        int known = 0;
        for (int i = 0; i < n; i++) {
            Decision d = decisions.get(i);
            CarryOver.WrittenTarget w = written.get(d.symbol());
            before[i] = w;
            Cluster cluster = clusters.computeIfAbsent(d.clusterId(), k -> new Cluster());
            Change c;
            if (w == null) {
                c = Change.NEW;
            } else if (Math.abs(d.targetUsd() - w.targetUsd()) > minChangePct * w.targetUsd()
                    || !w.labels().matches(d)
                    || w.targetUsd() > symbolCap) {
                c = Change.CHANGED;
            } else {
                c = Change.UNCHANGED;
                cluster.oldest = Math.min(cluster.oldest, w.at().toEpochMilli());
            }
            if (w != null) {
                known++;
            }
            changes[i] = c;
            cluster.total += c == Change.UNCHANGED ? w.targetUsd() : d.targetUsd();
        }
        refreshDueClusters(decisions, changes, before, clusters, minChangePct, now.toEpochMilli(), refresh.toMillis());
        rewriteWhereKeptBreaksACap(decisions, changes, clusters, policy, equity);
        return new Plan(Arrays.asList(changes), removed(decisions, written, known), after(decisions, changes, before, now));
    }

    /** Per allocation cluster: what its targets sum to as they stand after the plan, and when its oldest kept target was written. */
    private static final class Cluster {
        double total;
        long oldest = Long.MAX_VALUE;
        boolean due;
    }

    /**
     * Every kept target of a cluster whose oldest kept target has reached the cluster's refresh age is refreshed: touched
     * when only its timestamp would change, else rewritten whole (then what stands moves to the computed value).
     */
    private static void refreshDueClusters(List<Decision> decisions, Change[] changes, CarryOver.WrittenTarget[] before,
                                           Map<String, Cluster> clusters, double minChangePct, long nowMillis, long refreshMillis) {
        clusters.forEach((id, c) -> c.due = c.oldest != Long.MAX_VALUE && c.oldest + refreshAgeMillis(id, refreshMillis) <= nowMillis);
        for (int i = 0; i < changes.length; i++) {
            if (changes[i] != Change.UNCHANGED) {
                continue;
            }
            Decision d = decisions.get(i);
            Cluster cluster = clusters.get(d.clusterId());
            if (cluster.due) {
                if (before[i].touchable(d, minChangePct)) {
                    changes[i] = Change.TOUCH;
                } else {
                    changes[i] = Change.REFRESH;
                    cluster.total += d.targetUsd() - before[i].targetUsd();
                }
            }
        }
    }

    /**
     * A cluster whose kept targets would sum past its cap is written whole, as computed (which is within it); so is the
     * whole book when what stands would sum past the gross cap (DESIGN section 17: the book never exceeds it in Redis).
     */
    private static void rewriteWhereKeptBreaksACap(List<Decision> decisions, Change[] changes, Map<String, Cluster> clusters,
                                                   Policy policy, double equity) {
        double clusterCap = policy.maxClusterPct() * equity * (1 + CAP_SLACK);
        double book = 0;
        for (Cluster c : clusters.values()) {
            book += c.total;
        }
        boolean bookOver = policy.maxGrossPct().isPresent() && book > policy.maxGrossPct().getAsDouble() * equity * (1 + CAP_SLACK);
        for (int i = 0; i < changes.length; i++) {
            boolean kept = changes[i] == Change.UNCHANGED || changes[i] == Change.TOUCH;
            if (kept && (bookOver || clusters.get(decisions.get(i).clusterId()).total > clusterCap)) {
                changes[i] = Change.CHANGED;
            }
        }
    }

    /** What stands written after the plan: per decision its new target, or the one kept. Built immutable at once (it lives until the next cycle). */
    private static Map<String, CarryOver.WrittenTarget> after(List<Decision> decisions, Change[] changes, CarryOver.WrittenTarget[] before,
                                                             Instant now) {
        @SuppressWarnings("unchecked")
        Map.Entry<String, CarryOver.WrittenTarget>[] after = new Map.Entry[decisions.size()];
        for (int i = 0; i < after.length; i++) {
            Decision d = decisions.get(i);
            CarryOver.WrittenTarget stands = switch (changes[i]) {
                case UNCHANGED -> before[i];
                case TOUCH -> before[i].touched(now);
                default -> CarryOver.WrittenTarget.of(d, now);
            };
            after[i] = Map.entry(d.symbol(), stands);
        }
        return Map.ofEntries(after);
    }

    /** The written symbols with no decision now, sorted ({@code known}: how many written symbols have one). */
    private static List<String> removed(List<Decision> decisions, Map<String, CarryOver.WrittenTarget> written, int known) {
        List<String> removed = new ArrayList<>();
        if (known < written.size()) { // some written symbol has no decision now
            Set<String> current = new HashSet<>(decisions.size() * 2);
            decisions.forEach(d -> current.add(d.symbol()));
            for (String symbol : written.keySet()) {
                if (!current.contains(symbol)) {
                    removed.add(symbol);
                }
            }
            removed.sort(null);
        }
        return removed;
    }
}
