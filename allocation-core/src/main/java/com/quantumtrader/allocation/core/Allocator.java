package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The allocation rules: one whole cycle as a pure function of (inputs, policy, now). Stateless and
 * thread-safe; reads no clock, no environment, no file.
 *
 * <pre>
 * target = base x regime x cluster x drawdown x performance      (fresh budget)
 * target = base                                                  (stale budget: passes through)
 * target = min(target, MAX_SYMBOL_PCT x equity)                  (always)
 * cluster over MAX_CLUSTER_PCT x equity: every member x cap/sum  (after the symbol cap; UNKNOWN is one cluster)
 * cluster of a symbol: operator map, else a fresh discovered cluster, else the budget's cluster_id, else UNKNOWN
 * </pre>
 *
 * Missing, stale and invalid inputs are values in the result ({@link Fallback}, {@link Rejection},
 * {@link SkipReason}), never exceptions. See {@code docs/rules.md} for every rule and edge.
 */
@API(status = API.Status.STABLE, since = "1.0")
public final class Allocator {

    /** The cluster of a symbol no map assigns; one cluster for the cluster cap. Never looked up in Redis. */
    public static final String UNKNOWN_CLUSTER = Scalars.UNKNOWN_CLUSTER;

    private Allocator() {
    }

    /** One cycle's result and the carry-over it hands the next cycle. */
    public record Cycle(CycleResult result, CarryOver next) {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Cycle {
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(next, "next");
        }
    }

    /**
     * Computes one cycle from the previous one's carry-over: still a pure function of its arguments.
     * The zone in force follows {@link Factors#zoneInForce} from the previous zone and relax timer; a
     * skipped cycle hands the previous carry-over on unchanged. The written targets are the writer's
     * to update.
     *
     * @param previous what the previous cycle handed on ({@link CarryOver#START} for the first)
     */
    public static Cycle cycle(CycleInputs inputs, Policy policy, Instant now, CarryOver previous) {
        Objects.requireNonNull(previous, "previous");
        return compute(inputs, policy, now, previous);
    }

    /**
     * Computes one cycle with no previous one ({@link CarryOver#START}): the zone is the drawdown's own.
     *
     * @param inputs what the cycle read
     * @param policy the rules' settings
     * @param now    the cycle time; an input is stale when {@code |now - timestamp| > STALE_DATA_SEC}
     * @return the outcome, one decision per allocated symbol, the fallbacks taken and the inputs rejected
     */
    public static CycleResult allocate(CycleInputs inputs, Policy policy, Instant now) {
        return compute(inputs, policy, now, CarryOver.START).result();
    }

    /**
     * Whether a cycle at {@code now} over {@code inputs} is skipped (the portfolio is missing, invalid, stale or its
     * equity is not positive): the same rule as {@link #cycle}'s first step, without computing the rest.
     */
    public static boolean skips(CycleInputs inputs, Policy policy, Instant now) {
        Freshness fresh = Freshness.at(now, policy);
        return inputs.portfolio().map(p -> portfolioSkips(p, fresh)).orElse(true);
    }

    /** Whether a cycle with this portfolio skips: equity not positive, or the portfolio stale (also {@link Reaction}'s rule). */
    static boolean portfolioSkips(PortfolioState portfolio, Freshness fresh) {
        return !(portfolio.equityUsd() > 0) || fresh.stale(portfolio.timestamp());
    }

    private static Cycle compute(CycleInputs inputs, Policy policy, Instant now, CarryOver previous) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        Freshness fresh = Freshness.at(now, policy);
        Set<String> rejected = rejectedSubjects(inputs.rejections());
        // 1. Portfolio: missing, invalid, non-positive equity or stale skips the cycle.
        Optional<CycleResult.Skipped> skipped = skipped(inputs, rejected, fresh, now);
        if (skipped.isPresent()) {
            return new Cycle(skipped.get(), previous);
        }
        PortfolioState portfolio = inputs.portfolio().get();
        // 2. Drawdown zone.
        Factors.ZoneInForce inForce = Factors.zoneInForce(portfolio.drawdown(), previous.zone(), previous.relaxSince(), policy, now);
        RulesPass pass = new RulesPass(inputs, policy, fresh, rejected, portfolio.equityUsd(), inForce.zone(), regime(inputs, rejected, fresh));
        // 4-7. Per symbol: cluster, performance, product or pass-through, symbol cap.
        pass.symbols();
        // 8. Cluster cap, then the gross cap (DESIGN section 17).
        CapKind[] caps = pass.caps();
        // 9. Decisions.
        CycleContext context = new CycleContext(portfolio.equityUsd(), portfolio.drawdown(), pass.zone, pass.drawdownFactor, pass.regime.regime(),
                pass.regimeFactor, pass.clusterFactors());
        CycleResult result = new CycleResult.Computed(now, context, pass.decisions(caps), pass.fallbacks, pass.rejections);
        return new Cycle(result, new CarryOver(Optional.of(pass.zone), inForce.relaxSince(), previous.mode(), previous.written()));
    }

    /** A cycle skipped for its portfolio (missing, invalid, equity not positive, stale), with its fallback; else empty. */
    private static Optional<CycleResult.Skipped> skipped(CycleInputs inputs, Set<String> rejected, Freshness fresh, Instant now) {
        List<Rejection> rejections = inputs.rejections();
        if (inputs.portfolio().isEmpty()) {
            boolean invalid = rejected.contains(RulesPass.key(DataSource.PORTFOLIO, DataSource.PORTFOLIO_SUBJECT));
            List<Fallback> fallbacks = List.of(new Fallback(DataSource.PORTFOLIO, invalid ? FallbackReason.INVALID : FallbackReason.MISSING,
                    DataSource.PORTFOLIO_SUBJECT));
            return Optional.of(new CycleResult.Skipped(now, invalid ? SkipReason.PORTFOLIO_INVALID : SkipReason.PORTFOLIO_MISSING, fallbacks,
                    rejections));
        }
        PortfolioState portfolio = inputs.portfolio().get();
        if (!(portfolio.equityUsd() > 0)) {
            List<Rejection> all = new ArrayList<>(rejections);
            all.add(new Rejection(DataSource.PORTFOLIO, RejectReason.INVALID_VALUE, DataSource.PORTFOLIO_SUBJECT,
                    "equity_usd=" + Scalars.formatDecimal(portfolio.equityUsd()) + " must be > 0"));
            return Optional.of(new CycleResult.Skipped(now, SkipReason.EQUITY_NOT_POSITIVE,
                    List.of(new Fallback(DataSource.PORTFOLIO, FallbackReason.INVALID, DataSource.PORTFOLIO_SUBJECT)), all));
        }
        if (fresh.stale(portfolio.timestamp())) {
            return Optional.of(new CycleResult.Skipped(now, SkipReason.PORTFOLIO_STALE,
                    List.of(new Fallback(DataSource.PORTFOLIO, FallbackReason.STALE, DataSource.PORTFOLIO_SUBJECT)), rejections));
        }
        return Optional.empty();
    }

    private static RulesPass.RegimeIn regime(CycleInputs inputs, Set<String> rejected, Freshness fresh) {
        if (inputs.regime().isEmpty()) {
            return new RulesPass.RegimeIn(Regime.UNKNOWN, 0,
                    rejected.contains(RulesPass.key(DataSource.REGIME, DataSource.REGIME_SUBJECT)) ? FallbackReason.INVALID : FallbackReason.MISSING);
        }
        RegimeState state = inputs.regime().get();
        if (fresh.stale(state.timestamp())) {
            return new RulesPass.RegimeIn(Regime.UNKNOWN, 0, FallbackReason.STALE);
        }
        if (state.regime() == Regime.UNKNOWN) {
            return new RulesPass.RegimeIn(Regime.UNKNOWN, 0, FallbackReason.INVALID);
        }
        return new RulesPass.RegimeIn(state.regime(), Factors.unit(state.confidence()), null);
    }

    /**
     * The steps of DESIGN section 17 that need the previous cycle's state: the scoped controls in force at the cycle's
     * {@code now}, then the ramp. Each only lowers a target. Per symbol, of the controls naming it or its cluster the
     * most conservative wins: a {@code halt} sets 0 (cap {@code halt}, even when the rules already gave 0); otherwise
     * the lowest of {@code reduce} (the written target; none written: 0) and {@code scale} (computed x factor) applies
     * when it is below the computed target (cap {@code reduce} or {@code scale}; a tie is {@code reduce}). Then, with
     * {@code P29_MAX_RAISE_PCT > 0}, a target above its written one rises by at most {@code P29_MAX_RAISE_PCT x base
     * budget} per minute since that was written (cap {@code ramp}); a fall applies at once, and a symbol with no
     * written target starts at its target. A skipped cycle is returned as it is.
     *
     * @param controls the scoped controls read this cycle (expired ones are ignored here)
     * @param written  per symbol, the target last written (a carry-over's {@link CarryOver#written()}; empty when none)
     */
    public static CycleResult constrain(CycleResult result, List<ScopedControl> controls, Map<String, CarryOver.WrittenTarget> written,
                                        Policy policy) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(controls, "controls");
        Objects.requireNonNull(written, "written");
        Objects.requireNonNull(policy, "policy");
        if (!(result instanceof CycleResult.Computed computed)) {
            return result;
        }
        Instant now = computed.now();
        Map<String, List<ScopedControl>> bySymbol = new HashMap<>();
        Map<String, List<ScopedControl>> byCluster = new HashMap<>();
        for (ScopedControl c : controls) {
            if (c.inForce(now)) {
                (c.scope() == ScopedControl.Scope.SYMBOL ? bySymbol : byCluster).computeIfAbsent(c.id(), k -> new ArrayList<>()).add(c);
            }
        }
        if (bySymbol.isEmpty() && byCluster.isEmpty() && !policy.ramps()) {
            return result;
        }
        double equity = computed.context().equityUsd();
        List<Decision> out = new ArrayList<>(computed.decisions().size());
        for (Decision d : computed.decisions()) {
            CarryOver.WrittenTarget w = written.get(d.symbol());
            Limited limited = controlled(d, w, bySymbol.getOrDefault(d.symbol(), List.of()), byCluster.getOrDefault(d.clusterId(), List.of()));
            if (policy.ramps()) {
                limited = ramped(limited, d, w, policy, now);
            }
            out.add(limited.target() == d.targetUsd() && limited.cap() == d.cap() ? d : d.withTarget(limited.target(), equity, limited.cap()));
        }
        return new CycleResult.Computed(computed.now(), computed.context(), out, computed.fallbacks(), computed.rejections());
    }

    /** A target after a step of section 17, and the cap that says which step bound it. */
    private record Limited(double target, CapKind cap) {
    }

    /**
     * The scoped controls naming the symbol ({@code mine}) or its cluster ({@code theirs}): a halt sets 0; otherwise the
     * lowest of reduce (the written target; none: 0) and scale (computed x factor), when below the computed target (a
     * tie is reduce).
     */
    private static Limited controlled(Decision d, CarryOver.WrittenTarget w, List<ScopedControl> mine, List<ScopedControl> theirs) {
        if (mine.isEmpty() && theirs.isEmpty()) {
            return new Limited(d.targetUsd(), d.cap());
        }
        boolean halted = false;
        double lowest = d.targetUsd();
        CapKind lowestCap = null;
        for (List<ScopedControl> list : List.of(mine, theirs)) {
            for (ScopedControl c : list) {
                switch (c.action()) {
                    case HALT -> halted = true;
                    case REDUCE -> {
                        double v = Math.min(d.targetUsd(), w == null ? 0 : w.targetUsd());
                        if (v < lowest || (v == lowest && lowestCap == CapKind.SCALE)) {
                            lowest = v;
                            lowestCap = CapKind.REDUCE;
                        }
                    }
                    case SCALE -> {
                        double v = d.targetUsd() * c.factor();
                        if (v < lowest) {
                            lowest = v;
                            lowestCap = CapKind.SCALE;
                        }
                    }
                }
            }
        }
        if (halted) {
            return new Limited(0, CapKind.HALT);
        }
        return lowestCap != null && lowest < d.targetUsd() ? new Limited(lowest, lowestCap) : new Limited(d.targetUsd(), d.cap());
    }

    /** The ramp: above its written target, a target rises by at most {@code P29_MAX_RAISE_PCT x base} per minute since. */
    private static Limited ramped(Limited limited, Decision d, CarryOver.WrittenTarget w, Policy policy, Instant now) {
        if (w == null || limited.target() <= w.targetUsd()) {
            return limited;
        }
        double allowed = rampBound(w, d.baseBudgetUsd(), policy, now);
        return limited.target() > allowed ? new Limited(allowed, CapKind.RAMP) : limited;
    }

    /** The highest target the ramp allows at {@code now}: the written one plus {@code P29_MAX_RAISE_PCT x base} per minute since. */
    static double rampBound(CarryOver.WrittenTarget w, double baseBudgetUsd, Policy policy, Instant now) {
        double minutes = Math.max(0, now.toEpochMilli() - w.at().toEpochMilli()) / 60_000.0;
        // rate x minutes first: both finite, so x base is never 0 x infinity (NaN would let the rise through whole)
        return w.targetUsd() + policy.maxRaisePct() * minutes * baseBudgetUsd;
    }

    /**
     * Halt mode (DESIGN section 17): every target 0 with cap {@code halt}, so the Governor blocks every position. A
     * skipped cycle is returned as it is.
     */
    public static CycleResult halt(CycleResult result) {
        Objects.requireNonNull(result, "result");
        if (!(result instanceof CycleResult.Computed computed)) {
            return result;
        }
        double equity = computed.context().equityUsd();
        List<Decision> halted = new ArrayList<>(computed.decisions().size());
        for (Decision d : computed.decisions()) {
            halted.add(d.withTarget(0, equity, CapKind.HALT));
        }
        return new CycleResult.Computed(computed.now(), computed.context(), halted, computed.fallbacks(), computed.rejections());
    }

    /**
     * Reduce mode (DESIGN section 13): a computed cycle as reduce writes it. A symbol's target is
     * {@code min(computed, written)}, so no exposure rises above what the Governor already holds; a
     * symbol with no written target gets 0, because a missing target lets the Governor fall back to
     * the budget engine's (larger) budget. A target held or set to 0 this way has cap {@code reduce};
     * one the rules put at or below the written value keeps its own cap. A skipped cycle is returned
     * as it is (it writes nothing).
     *
     * @param written per symbol, the target the service holds in Redis (a carry-over's {@link CarryOver#written()})
     */
    public static CycleResult reduce(CycleResult result, Map<String, CarryOver.WrittenTarget> written) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(written, "written");
        if (!(result instanceof CycleResult.Computed computed)) {
            return result;
        }
        double equity = computed.context().equityUsd();
        List<Decision> reduced = new ArrayList<>(computed.decisions().size());
        for (Decision d : computed.decisions()) {
            CarryOver.WrittenTarget held = written.get(d.symbol());
            double ceiling = held == null ? 0 : held.targetUsd();
            if (d.targetUsd() <= ceiling) {
                reduced.add(d);
            } else {
                reduced.add(d.withTarget(ceiling, equity, CapKind.REDUCE));
            }
        }
        return new CycleResult.Computed(computed.now(), computed.context(), reduced, computed.fallbacks(), computed.rejections());
    }

    private static Set<String> rejectedSubjects(List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return Set.of();
        }
        Set<String> keys = new HashSet<>(rejections.size() * 2);
        for (Rejection r : rejections) {
            keys.add(RulesPass.key(r.source(), r.subject()));
        }
        return keys;
    }


}
