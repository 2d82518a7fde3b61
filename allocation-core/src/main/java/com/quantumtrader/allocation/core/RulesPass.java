package com.quantumtrader.allocation.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One computed cycle's rules over parallel arrays (steps 2-9 of {@code docs/rules.md} once the portfolio is usable): the
 * cycle-wide factors, then per symbol its cluster, performance, product and symbol cap, then the cluster and gross caps
 * and the decisions. No object per symbol but its decision: at 100,000 symbols a cycle allocates little besides what it
 * hands on. Used by {@link Allocator} only; one instance per cycle.
 */
/**
 * One computed cycle's working state: the cycle-wide factors and, per symbol, parallel arrays (no object per symbol
 * but its decision: at 100,000 symbols a cycle allocates little besides what it hands on).
 */
final class RulesPass {
    private static final int BIT_BUDGET = 1;
    private static final int BIT_REGIME = 2;
    private static final int BIT_CLUSTER = 4;
    private static final int BIT_PERFORMANCE = 8;
    private static final List<List<DataSource>> FALLBACK_LISTS = fallbackLists();

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

    RulesPass(CycleInputs inputs, Policy policy, Freshness fresh, Set<String> rejected, double equity, DrawdownZone zone, RegimeIn regime) {
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
            clusterId = budget.clusterId().orElse(Scalars.UNKNOWN_CLUSTER);
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

    /**
     * The regime in force (3.): its own when fresh and known, else UNKNOWN with the reason it fell back.
     *
     * @param quality  the regime's confidence in [0, 1] (0 when it fell back)
     * @param fallback why it fell back, or null
     */
    record RegimeIn(Regime regime, double quality, FallbackReason fallback) {
    }

    /** The cluster-wide part of the rules, evaluated once per cluster per cycle. */
    static final class ClusterEval {
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
            if (hash == null || Scalars.UNKNOWN_CLUSTER.equals(id)) {
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

    static String key(DataSource source, String subject) {
        return source.name() + '/' + subject;
    }
}
