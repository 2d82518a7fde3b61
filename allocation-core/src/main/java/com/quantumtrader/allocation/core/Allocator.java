package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
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
public final class Allocator {

    /** The cluster of a symbol no map assigns; one cluster for the cluster cap. Never looked up in Redis. */
    public static final String UNKNOWN_CLUSTER = Scalars.UNKNOWN_CLUSTER;

    private static final int BIT_BUDGET = 1;
    private static final int BIT_REGIME = 2;
    private static final int BIT_CLUSTER = 4;
    private static final int BIT_PERFORMANCE = 8;
    private static final List<List<DataSource>> FALLBACK_LISTS = fallbackLists();

    private Allocator() {
    }

    /** One cycle's result and the carry-over it hands the next cycle. */
    public record Cycle(CycleResult result, CarryOver next) {
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
        Freshness fresh = new Freshness(now.minus(policy.staleData()), now.plus(policy.staleData()));
        return inputs.portfolio().map(p -> portfolioSkips(p, fresh)).orElse(true);
    }

    private static boolean portfolioSkips(PortfolioState portfolio, Freshness fresh) {
        return !(portfolio.equityUsd() > 0) || fresh.stale(portfolio.timestamp());
    }

    private static Cycle compute(CycleInputs inputs, Policy policy, Instant now, CarryOver previous) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(now, "now");
        Freshness fresh = new Freshness(now.minus(policy.staleData()), now.plus(policy.staleData()));
        Set<String> rejected = rejectedSubjects(inputs.rejections());
        // 1. Portfolio: missing, invalid, non-positive equity or stale skips the cycle.
        Optional<CycleResult.Skipped> skipped = skipped(inputs, rejected, fresh, now);
        if (skipped.isPresent()) {
            return new Cycle(skipped.get(), previous);
        }
        PortfolioState portfolio = inputs.portfolio().get();
        // 2. Drawdown zone.
        Factors.ZoneInForce inForce = Factors.zoneInForce(portfolio.drawdown(), previous.zone(), previous.relaxSince(), policy, now);
        Pass pass = new Pass(inputs, policy, fresh, rejected, portfolio.equityUsd(), inForce.zone(), regime(inputs, rejected, fresh));
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
            boolean invalid = rejected.contains(key(DataSource.PORTFOLIO, DataSource.PORTFOLIO_SUBJECT));
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

    /**
     * The regime in force (3.): its own when fresh and known, else UNKNOWN with the reason it fell back.
     *
     * @param quality  the regime's confidence in [0, 1] (0 when it fell back)
     * @param fallback why it fell back, or null
     */
    private record RegimeIn(Regime regime, double quality, FallbackReason fallback) {
    }

    private static RegimeIn regime(CycleInputs inputs, Set<String> rejected, Freshness fresh) {
        if (inputs.regime().isEmpty()) {
            return new RegimeIn(Regime.UNKNOWN, 0,
                    rejected.contains(key(DataSource.REGIME, DataSource.REGIME_SUBJECT)) ? FallbackReason.INVALID : FallbackReason.MISSING);
        }
        RegimeState state = inputs.regime().get();
        if (fresh.stale(state.timestamp())) {
            return new RegimeIn(Regime.UNKNOWN, 0, FallbackReason.STALE);
        }
        if (state.regime() == Regime.UNKNOWN) {
            return new RegimeIn(Regime.UNKNOWN, 0, FallbackReason.INVALID);
        }
        return new RegimeIn(state.regime(), Factors.unit(state.confidence()), null);
    }

    /**
     * One computed cycle's working state: the cycle-wide factors and, per symbol, parallel arrays (no object per symbol
     * but its decision: at 100,000 symbols a cycle allocates little besides what it hands on).
     */
    private static final class Pass {
        final CycleInputs inputs;
        final Policy policy;
        final Freshness fresh;
        final Set<String> rejected;
        final double equity;
        final DrawdownZone zone;
        final double drawdownFactor;
        final RegimeIn regime;
        final double regimeFactor;
        final List<Fallback> fallbacks = new ArrayList<>();
        List<Rejection> rejections;
        final int n;
        final ClusterEval[] clusterOf;
        final double[] uncapped;
        final double[] target;
        final double[] performance;
        final double[] confidence;
        final int[] fallbackBits;
        final boolean[] symbolCapped;
        final Map<String, ClusterEval> clusters = new HashMap<>();
        final DiscoveredMap discovered;

        Pass(CycleInputs inputs, Policy policy, Freshness fresh, Set<String> rejected, double equity, DrawdownZone zone, RegimeIn regime) {
            this.inputs = inputs;
            this.policy = policy;
            this.fresh = fresh;
            this.rejected = rejected;
            this.equity = equity;
            this.zone = zone;
            this.drawdownFactor = Factors.drawdownFactor(zone, policy);
            this.regime = regime;
            this.regimeFactor = Factors.regimeFactor(regime.regime(), policy);
            if (regime.fallback() != null) {
                fallbacks.add(new Fallback(DataSource.REGIME, regime.fallback(), DataSource.REGIME_SUBJECT));
            }
            this.rejections = inputs.rejections();
            this.n = inputs.budgets().size();
            this.clusterOf = new ClusterEval[n];
            this.uncapped = new double[n];
            this.target = new double[n];
            this.performance = new double[n];
            this.confidence = new double[n];
            this.fallbackBits = new int[n];
            this.symbolCapped = new boolean[n];
            this.discovered = inputs.discovered().isEmpty() ? null : DiscoveredMap.of(inputs.discovered(), fresh);
            if (discovered != null) {
                rejections = new ArrayList<>(rejections); // conflicts are added per symbol that consults the map
            }
        }

        /** Steps 4-7 for every symbol, in the budgets' order. */
        void symbols() {
            double symbolCap = policy.maxSymbolPct() * equity;
            for (int i = 0; i < n; i++) {
                SymbolBudget budget = inputs.budgets().get(i);
                ClusterEval cluster = cluster(budget);
                clusterOf[i] = cluster;
                product(i, budget, cluster);
                if (uncapped[i] > symbolCap) {
                    target[i] = symbolCap;
                    symbolCapped[i] = true;
                } else {
                    target[i] = uncapped[i];
                }
                cluster.weightSum += target[i] / equity;
            }
        }

        /** The symbol's cluster (the static map, else the discovered one, else the budget's own, else unknown), evaluated once per cycle. */
        private ClusterEval cluster(SymbolBudget budget) {
            String symbol = budget.symbol();
            String clusterId = inputs.clusterMap().get(symbol);
            if (clusterId == null && discovered != null) {
                clusterId = discovered.clusterOf(symbol, rejections);
            }
            if (clusterId == null) {
                clusterId = budget.clusterId().orElse(UNKNOWN_CLUSTER);
            }
            ClusterEval cluster = clusters.get(clusterId);
            if (cluster == null) {
                cluster = ClusterEval.of(clusterId, inputs.clusters().get(clusterId), rejected, fresh, policy);
                clusters.put(clusterId, cluster);
                if (cluster.stressFallback != null) {
                    fallbacks.add(new Fallback(DataSource.CLUSTER, cluster.stressFallback, clusterId));
                }
            }
            return cluster;
        }

        /** The symbol's performance factor, its product of factors (a stale budget passes through) and its confidence. */
        private void product(int i, SymbolBudget budget, ClusterEval cluster) {
            String symbol = budget.symbol();
            double perf;
            double perfQuality;
            PerformanceAttribution attribution = inputs.attributions().get(symbol);
            if (attribution != null && !fresh.stale(attribution.timestamp())) {
                perf = attribution.performanceFactor();
                perfQuality = 1;
            } else if (cluster.alphaFallback == null) {
                perf = cluster.sigmoidAlpha;
                perfQuality = 1;
            } else {
                perf = 1.0;
                perfQuality = 0;
                fallbacks.add(new Fallback(DataSource.PERFORMANCE, cluster.alphaFallback, symbol));
            }
            int bits = (regime.fallback() != null ? BIT_REGIME : 0)
                    | (cluster.stressFallback != null ? BIT_CLUSTER : 0)
                    | (perfQuality == 0 ? BIT_PERFORMANCE : 0);
            double base = budget.budgetUsd();
            double product;
            if (fresh.stale(budget.timestamp())) {
                bits |= BIT_BUDGET;
                fallbacks.add(new Fallback(DataSource.BUDGET, FallbackReason.STALE, symbol));
                product = base;
                perf = 1.0;
                confidence[i] = 0;
            } else {
                product = base * regimeFactor * cluster.factor * drawdownFactor * perf;
                if (Double.isNaN(product)) {
                    product = 0; // 0 x overflow: one exact zero factor makes the true product 0
                } else if (product == Double.POSITIVE_INFINITY) {
                    product = Double.MAX_VALUE; // overflow saturates; the symbol cap takes it below
                }
                confidence[i] = (1 + regime.quality() + cluster.quality + perfQuality) / 4;
            }
            fallbackBits[i] = bits;
            performance[i] = perf;
            uncapped[i] = product;
        }

        /** Each cluster's factor, as the cycle context reports it; sets each cluster's scale past its cap (in weights). */
        Map<String, Double> clusterFactors() {
            Map<String, Double> factors = new HashMap<>(clusters.size() * 2);
            for (ClusterEval cluster : clusters.values()) {
                factors.put(cluster.id, cluster.factor);
            }
            return factors;
        }

        /** 8. The cluster cap, in weights so no sum can overflow; then a book past {@code MAX_GROSS_PCT x equity} scaled whole. */
        CapKind[] caps() {
            for (ClusterEval cluster : clusters.values()) {
                if (cluster.weightSum > policy.maxClusterPct()) {
                    cluster.scale = policy.maxClusterPct() / cluster.weightSum;
                }
            }
            CapKind[] caps = new CapKind[n];
            double book = 0; // the book's total, in weights (fractions of equity) so no sum can overflow
            for (int i = 0; i < n; i++) {
                caps[i] = symbolCapped[i] ? CapKind.SYMBOL : CapKind.NONE;
                if (clusterOf[i].scale < 1.0) {
                    target[i] *= clusterOf[i].scale;
                    caps[i] = CapKind.CLUSTER;
                }
                book += target[i] / equity;
            }
            if (policy.maxGrossPct().isPresent() && book > policy.maxGrossPct().getAsDouble()) {
                double ratio = policy.maxGrossPct().getAsDouble() / book;
                for (int i = 0; i < n; i++) {
                    if (target[i] > 0) {
                        target[i] *= ratio;
                        caps[i] = CapKind.GROSS;
                    }
                }
            }
            return caps;
        }

        /** 9. One decision per symbol; a stale budget's factors are reported as 1 (it passed through). */
        List<Decision> decisions(CapKind[] caps) {
            List<Decision> decisions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                SymbolBudget budget = inputs.budgets().get(i);
                ClusterEval cluster = clusterOf[i];
                boolean stale = (fallbackBits[i] & BIT_BUDGET) != 0;
                double t = target[i];
                decisions.add(new Decision(budget.symbol(), cluster.id, budget.budgetUsd(), uncapped[i], t, t / equity, regime.regime(),
                        stale ? 1.0 : regimeFactor, stale ? 1.0 : cluster.factor, zone, stale ? 1.0 : drawdownFactor, performance[i],
                        caps[i], confidence[i], FALLBACK_LISTS.get(fallbackBits[i])));
            }
            return decisions;
        }
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
        double minutes = Math.max(0, now.toEpochMilli() - w.at().toEpochMilli()) / 60_000.0;
        // rate x minutes first: both finite, so x base is never 0 x infinity (NaN would let the rise through whole)
        double allowed = w.targetUsd() + policy.maxRaisePct() * minutes * d.baseBudgetUsd();
        return limited.target() > allowed ? new Limited(allowed, CapKind.RAMP) : limited;
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

    /**
     * The discovered clusters' map of one cycle (DESIGN section 15): only clusters whose state is fresh; a symbol
     * in two of them goes to {@link DiscoveredCluster#winsOver the winner}, and each losing claim becomes a
     * {@code cluster_map} {@code conflict} rejection when, and only when, the symbol is allocated and no operator
     * map names it (a claim nobody consults harms nothing).
     */
    private record DiscoveredMap(Map<String, DiscoveredCluster> owner, Map<String, List<DiscoveredCluster>> losers) {
        static DiscoveredMap of(List<DiscoveredCluster> clusters, Freshness fresh) {
            Map<String, DiscoveredCluster> owner = new HashMap<>();
            Map<String, List<DiscoveredCluster>> losers = new HashMap<>();
            for (DiscoveredCluster c : clusters) {
                if (c.updated().isEmpty() || fresh.stale(c.updated().get())) {
                    continue;
                }
                for (String member : c.members()) {
                    DiscoveredCluster held = owner.get(member);
                    DiscoveredCluster loser = c;
                    if (held == null) {
                        owner.put(member, c);
                        continue;
                    } else if (c.winsOver(held)) {
                        owner.put(member, c);
                        loser = held;
                    }
                    losers.computeIfAbsent(member, m -> new ArrayList<>(2)).add(loser);
                }
            }
            return new DiscoveredMap(owner, losers);
        }

        /** The symbol's discovered cluster, or null; adds a rejection per losing claim on it. */
        String clusterOf(String symbol, List<Rejection> rejections) {
            DiscoveredCluster winner = owner.get(symbol);
            if (winner == null) {
                return null;
            }
            List<DiscoveredCluster> lost = losers.get(symbol);
            if (lost != null) {
                for (DiscoveredCluster l : lost) {
                    rejections.add(new Rejection(DataSource.CLUSTER_MAP, RejectReason.CONFLICT, symbol,
                            "listed in discovered clusters " + winner.id() + " (updated_ts " + winner.updated().get().getEpochSecond()
                                    + ") and " + l.id() + " (updated_ts " + l.updated().get().getEpochSecond() + "): "
                                    + winner.id() + " is used, " + l.id() + " is ignored for it"));
                }
            }
            return winner.id();
        }
    }

    /** The cluster-wide part of the rules, evaluated once per cluster per cycle. */
    private static final class ClusterEval {
        final String id;
        final double factor;
        final double quality;
        final FallbackReason stressFallback;
        final double sigmoidAlpha;
        final FallbackReason alphaFallback;
        double weightSum;
        double scale = 1.0;

        private ClusterEval(String id, double factor, FallbackReason stressFallback, double sigmoidAlpha, FallbackReason alphaFallback) {
            this.id = id;
            this.factor = factor;
            this.quality = stressFallback == null ? 1 : 0;
            this.stressFallback = stressFallback;
            this.sigmoidAlpha = sigmoidAlpha;
            this.alphaFallback = alphaFallback;
        }

        static ClusterEval of(String id, ClusterStress hash, Set<String> rejected, Freshness fresh, Policy policy) {
            if (hash == null || UNKNOWN_CLUSTER.equals(id)) {
                FallbackReason reason = hash == null && rejected.contains(key(DataSource.CLUSTER, id))
                        ? FallbackReason.INVALID : FallbackReason.MISSING;
                return new ClusterEval(id, 1.0, reason, 1.0, reason);
            }
            if (fresh.stale(hash.timestamp())) {
                return new ClusterEval(id, 1.0, FallbackReason.STALE, 1.0, FallbackReason.STALE);
            }
            double factor = hash.stress().isPresent() ? Factors.clusterFactor(hash.stress().getAsDouble(), policy) : 1.0;
            FallbackReason stressFallback = hash.stress().isPresent() ? null : FallbackReason.INVALID;
            double sigmoid = hash.alpha().isPresent() ? Factors.sigmoid(hash.alpha().getAsDouble()) : 1.0;
            // No alpha and nothing rejected: a stress taken from a discovered cluster's state, which has no alpha field.
            FallbackReason alphaFallback = hash.alpha().isPresent() ? null
                    : rejected.contains(key(DataSource.CLUSTER, id)) ? FallbackReason.INVALID : FallbackReason.MISSING;
            return new ClusterEval(id, factor, stressFallback, sigmoid, alphaFallback);
        }
    }

    /**
     * An input is stale when its timestamp is more than {@code STALE_DATA_SEC} away from {@code now},
     * in either direction: an upstream whose clock runs far ahead must not stay "fresh" long after it
     * stopped publishing. Within the window, a timestamp slightly ahead (clock skew) is fresh.
     */
    private record Freshness(Instant oldest, Instant newest) {
        boolean stale(Instant timestamp) {
            return timestamp.isBefore(oldest) || timestamp.isAfter(newest);
        }
    }

    private static Set<String> rejectedSubjects(List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return Set.of();
        }
        Set<String> keys = new HashSet<>(rejections.size() * 2);
        for (Rejection r : rejections) {
            keys.add(key(r.source(), r.subject()));
        }
        return keys;
    }

    private static String key(DataSource source, String subject) {
        return source.name() + '/' + subject;
    }

    private static List<List<DataSource>> fallbackLists() {
        List<List<DataSource>> lists = new ArrayList<>(16);
        for (int bits = 0; bits < 16; bits++) {
            EnumSet<DataSource> set = EnumSet.noneOf(DataSource.class);
            if ((bits & BIT_BUDGET) != 0) {
                set.add(DataSource.BUDGET);
            }
            if ((bits & BIT_REGIME) != 0) {
                set.add(DataSource.REGIME);
            }
            if ((bits & BIT_CLUSTER) != 0) {
                set.add(DataSource.CLUSTER);
            }
            if ((bits & BIT_PERFORMANCE) != 0) {
                set.add(DataSource.PERFORMANCE);
            }
            lists.add(List.copyOf(set));
        }
        return List.copyOf(lists);
    }
}
