package com.quantumtrader.allocation.runner.report;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.PolicyVariables;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.SkipReason;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a candidate policy would have done (DESIGN section 24): the recorder's snapshots of a window replayed in time
 * order under the policy in force (each recording's own) and under the candidate (the recording's with the candidate's
 * variables over it). Each side carries its own carry-over from one recording to the next (zone in force, relax timer,
 * the targets it would have written, so the ramp and reduce start from its own), both from the first recording's. Same
 * inputs, same controls (the recorded mode and scoped controls): only the policy differs, so a candidate equal to the
 * policy in force differs nowhere. Folded recording by recording: the two books, zones, caps and, per symbol, its largest
 * difference with the step that made it.
 */
public final class WhatIf {

    /** Symbols in the table of the largest differences. */
    public static final int TOP = 20;
    /** Targets closer than this (USD) are the same target. */
    static final double SAME_USD = 0.005;

    private WhatIf() {
    }

    /**
     * One side of a moment.
     *
     * @param skipped why the cycle computed nothing (then the book is 0 and nothing is capped); empty when it computed
     * @param zone    the drawdown zone in force after the step; empty when skipped
     * @param caps    how many symbols each cap kind lowered last
     */
    public record Side(Optional<SkipReason> skipped, double bookUsd, Optional<DrawdownZone> zone, Map<CapKind, Integer> caps) {
        public Side {
            Objects.requireNonNull(skipped, "skipped");
            Objects.requireNonNull(zone, "zone");
            caps = Map.copyOf(caps);
        }

        public boolean computed() {
            return skipped.isEmpty();
        }

        /** {@code computed}, or the skip reason's wire name. */
        public String outcome() {
            return skipped.map(SkipReason::wireName).orElse("computed");
        }
    }

    /**
     * What both sides saw at one recording: the portfolio (0 when it had none), the regime ({@code UNKNOWN} when none), the
     * mode in force and the budgets' total.
     */
    public record Market(double equityUsd, double drawdown, Regime regime, Mode mode, double budgetUsd) {
        public Market {
            Objects.requireNonNull(regime, "regime");
            Objects.requireNonNull(mode, "mode");
        }
    }

    /** One recording, replayed under both policies. */
    public record Moment(Instant at, Market market, Side inForce, Side candidate) {
        public Moment {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(market, "market");
            Objects.requireNonNull(inForce, "inForce");
            Objects.requireNonNull(candidate, "candidate");
        }

        /** Whether both sides computed targets: only then are the books compared. */
        public boolean compared() {
            return inForce.computed() && candidate.computed();
        }

        /** The candidate's book less the policy in force's. */
        public double differenceUsd() {
            return candidate.bookUsd() - inForce.bookUsd();
        }
    }

    /**
     * One symbol's largest difference over the window (the first moment it was reached).
     *
     * @param step the step of the chain that made the two targets differ: a factor, the base budget, or a cap or control
     */
    public record Difference(String symbol, Instant at, double inForceUsd, double candidateUsd, String step) {
        public Difference {
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(step, "step");
        }

        public double differenceUsd() {
            return candidateUsd - inForceUsd;
        }
    }

    /**
     * A replay.
     *
     * @param inForce   the policy in force of the first recording, as its variables
     * @param candidate the candidate's variables (those it sets)
     * @param changed   recordings after the first whose policy in force differs from the first's
     * @param largest   at most {@link #TOP} symbols, the largest absolute difference first
     * @param skipped   the recordings that could not be read (or held an invalid policy), each with why: not replayed
     */
    public record Result(List<Moment> moments, Map<String, String> inForce, Map<String, String> candidate, int changed,
                         List<Difference> largest, List<String> skipped) {
        public Result {
            skipped = List.copyOf(skipped);
            moments = List.copyOf(moments);
            inForce = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inForce));
            candidate = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(candidate));
            largest = List.copyOf(largest);
        }

        /** The moments both sides computed. */
        public List<Moment> compared() {
            return moments.stream().filter(Moment::compared).toList();
        }

        /** The summary of the compared moments; empty when none was. */
        public Optional<Summary> summary() {
            List<Moment> c = compared();
            if (c.isEmpty()) {
                return Optional.empty();
            }
            double diff = 0;
            double book = 0;
            Moment largestAt = c.get(0);
            Moment worst = c.get(0);
            for (Moment m : c) {
                diff += m.differenceUsd();
                book += m.inForce().bookUsd();
                if (Math.abs(m.differenceUsd()) > Math.abs(largestAt.differenceUsd())) {
                    largestAt = m;
                }
                if (m.market().drawdown() > worst.market().drawdown()) {
                    worst = m;
                }
            }
            return Optional.of(new Summary(c.size(), diff / c.size(), book / c.size(), largestAt, worst));
        }
    }

    /**
     * The candidate against the policy in force over the compared moments.
     *
     * @param meanDifferenceUsd the mean of candidate book less in-force book
     * @param meanInForceUsd    the mean in-force book
     * @param largest           the moment of the largest absolute difference
     * @param worst             the moment of the highest drawdown (the first of equals): what the candidate did when it mattered most
     */
    public record Summary(int compared, double meanDifferenceUsd, double meanInForceUsd, Moment largest, Moment worst) {

        /** The one line: raised or lowered, by how much on average, at most, and at the worst moment. */
        public String line() {
            if (Math.abs(largest.differenceUsd()) < SAME_USD) {
                return String.format(java.util.Locale.ROOT, "The candidate would not have changed the book: the same total at each of the %d"
                        + " recordings.", compared);
            }
            return String.format(java.util.Locale.ROOT, "The candidate would have %s the book by %s USD on average (%s of %s); the"
                            + " largest difference %s USD (%s); at the worst moment (drawdown %.2f %%, %s) %s USD.",
                    meanDifferenceUsd < 0 ? "lowered" : "raised", usd(Math.abs(meanDifferenceUsd)), pct(meanDifferenceUsd, meanInForceUsd),
                    usd(meanInForceUsd), signed(largest.differenceUsd()), ReportChart.SECOND.format(largest.at()),
                    100 * worst.market().drawdown(), ReportChart.SECOND.format(worst.at()), signed(worst.differenceUsd()));
        }

        private static String usd(double v) {
            return String.format(java.util.Locale.ROOT, "%,.0f", v);
        }

        private static String signed(double v) {
            return String.format(java.util.Locale.ROOT, "%+,.0f", v);
        }

        private static String pct(double v, double of) {
            return of == 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%+.1f %%", 100 * v / of);
        }
    }

    /** The recordings of {@code dir} whose time (in their name) is within {@code [start, end]}, oldest first. */
    public static List<Path> recordings(Path dir, Instant start, Instant end) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, Recorder.PREFIX + "*" + Recorder.SUFFIX)) {
            for (Path f : files) {
                Instant at = Recorder.timeOf(f);
                if (at != null && !at.isBefore(start) && !at.isAfter(end)) {
                    out.add(f);
                }
            }
        }
        out.sort(Comparator.comparing(Recorder::timeOf));
        return out;
    }

    /**
     * Replays {@code files} (oldest first).
     *
     * @param configured the policy and mode where a recording holds none (a hand-made snapshot); the recorder writes both
     * @param candidate  the candidate's variables, each a {@link PolicyVariables#NAMES} name
     * @param settings   the step's settings for a policy (the write threshold and refresh of the configuration)
     * @throws IllegalArgumentException a candidate that is invalid over a recording's policy (a recording that cannot be read,
     *                                  or whose own policy is invalid, is skipped and named in {@link Result#skipped})
     */
    public static Result replay(List<Path> files, Map<String, String> configured, Mode configuredMode, Map<String, String> candidate,
                                Function<Policy, CycleStep.Settings> settings) {
        List<Moment> moments = new ArrayList<>(files.size());
        List<String> skipped = new ArrayList<>();
        Map<String, Difference> bySymbol = new HashMap<>();
        Map<String, String> first = null;
        int changed = 0;
        CarryOver a = null;
        CarryOver b = null;
        for (Path file : files) {
            Recording r;
            try {
                r = Recording.read(file, configured);
            } catch (IllegalArgumentException e) {
                skipped.add(file.getFileName() + ": " + e.getMessage());
                continue;
            }
            Map<String, String> overlaid = new LinkedHashMap<>(r.variables());
            overlaid.putAll(candidate);
            Policy pb = policy(overlaid, "the candidate over the policy recorded in " + file.getFileName());
            if (first == null) {
                first = PolicyVariables.of(r.policy());
                a = r.snapshot().previous();
                b = a;
            } else if (!first.equals(PolicyVariables.of(r.policy()))) {
                changed++;
            }
            SnapshotFile.Snapshot s = r.snapshot();
            CycleInputs in = InputCodec.decode(s.raw());
            CycleStep.Controls controls = new CycleStep.Controls(ControlHash.inForce(s.control(), configuredMode), s.scoped().controls());
            CycleStep.Outcome oa = CycleStep.step(in, controls, settings.apply(r.policy()), s.now(), a);
            CycleStep.Outcome ob = CycleStep.step(in, controls, settings.apply(pb), s.now(), b);
            a = oa.carriedOver();
            b = ob.carriedOver();
            moments.add(moment(s.now(), controls.mode(), in, oa.result(), ob.result()));
            if (oa.result() instanceof CycleResult.Computed ca && ob.result() instanceof CycleResult.Computed cb) {
                fold(bySymbol, s.now(), ca, cb);
            }
        }
        List<Difference> largest = bySymbol.values().stream()
                .sorted(Comparator.comparingDouble((Difference d) -> -Math.abs(d.differenceUsd())).thenComparing(Difference::symbol))
                .limit(TOP).toList();
        return new Result(moments, first == null ? Map.of() : first, candidate, changed, largest, skipped);
    }

    /** A recording read, with its policy in force (its own variables over the configured ones). */
    private record Recording(SnapshotFile.Snapshot snapshot, Map<String, String> variables, Policy policy) {
        /** @throws IllegalArgumentException the file cannot be read, or its policy is invalid */
        static Recording read(Path file, Map<String, String> configured) {
            SnapshotFile.Snapshot s = SnapshotFile.read(file);
            Map<String, String> variables = new LinkedHashMap<>(configured);
            variables.putAll(s.policy());
            return new Recording(s, variables, WhatIf.policy(variables, "the policy recorded in it"));
        }
    }

    private static Policy policy(Map<String, String> variables, String what) {
        try {
            return PolicyVariables.parse(variables);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    private static Moment moment(Instant at, Mode mode, CycleInputs in, CycleResult a, CycleResult b) {
        double budget = 0;
        for (Decision d : a.decisions()) {
            budget += d.baseBudgetUsd();
        }
        Market market = new Market(in.portfolio().map(p -> p.equityUsd()).orElse(0.0), in.portfolio().map(p -> p.drawdown()).orElse(0.0),
                in.regime().map(r -> r.regime()).orElse(Regime.UNKNOWN), mode, budget);
        return new Moment(at, market, side(a), side(b));
    }

    private static Side side(CycleResult r) {
        if (!(r instanceof CycleResult.Computed c)) {
            return new Side(Optional.of(((CycleResult.Skipped) r).reason()), 0, Optional.empty(), Map.of());
        }
        double book = 0;
        Map<CapKind, Integer> caps = new EnumMap<>(CapKind.class);
        for (Decision d : c.decisions()) {
            book += d.targetUsd();
            caps.merge(d.cap(), 1, Integer::sum);
        }
        return new Side(Optional.empty(), book, Optional.of(c.context().drawdownZone()), caps);
    }

    /** Keeps, per symbol, its largest difference so far (the first moment of equals). */
    private static void fold(Map<String, Difference> bySymbol, Instant at, CycleResult.Computed a, CycleResult.Computed b) {
        Map<String, Decision> inForce = new HashMap<>(a.decisions().size() * 2);
        for (Decision d : a.decisions()) {
            inForce.put(d.symbol(), d);
        }
        for (Decision d : b.decisions()) {
            Decision o = inForce.get(d.symbol());
            if (o == null || Math.abs(d.targetUsd() - o.targetUsd()) < SAME_USD) {
                continue;
            }
            Difference kept = bySymbol.get(d.symbol());
            if (kept == null || Math.abs(d.targetUsd() - o.targetUsd()) > Math.abs(kept.differenceUsd())) {
                bySymbol.put(d.symbol(), new Difference(d.symbol(), at, o.targetUsd(), d.targetUsd(), step(o, d)));
            }
        }
    }

    /**
     * The first step of the chain (DESIGN section 17's order) at which two decisions of one symbol differ: a factor (the
     * drawdown factor names both zones), the base budget (a staleness rule), then the cap that bound the lower target
     * (or, where the lower one is uncapped, the higher one's).
     */
    static String step(Decision inForce, Decision candidate) {
        if (differs(inForce.regimeFactor(), candidate.regimeFactor())) {
            return "regime factor (" + inForce.regime() + ")";
        }
        if (differs(inForce.clusterFactor(), candidate.clusterFactor())) {
            return "cluster factor (" + inForce.clusterId() + ")";
        }
        if (differs(inForce.drawdownFactor(), candidate.drawdownFactor())) {
            return "drawdown factor (" + inForce.drawdownZone() + (inForce.drawdownZone() == candidate.drawdownZone() ? ""
                    : " -> " + candidate.drawdownZone()) + ")";
        }
        if (differs(inForce.performanceFactor(), candidate.performanceFactor())) {
            return "performance factor";
        }
        if (differs(inForce.uncappedUsd(), candidate.uncappedUsd())) {
            return "base budget";
        }
        Decision lower = candidate.targetUsd() < inForce.targetUsd() ? candidate : inForce;
        Decision higher = lower == candidate ? inForce : candidate;
        return ReportPage.step(lower.cap() != CapKind.NONE ? lower.cap() : higher.cap());
    }

    private static boolean differs(double x, double y) {
        return Math.abs(x - y) > 1e-12 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
    }
}
