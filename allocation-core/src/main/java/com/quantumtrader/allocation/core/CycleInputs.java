package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.HashSet;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one cycle reads, already decoded into typed values. {@code InputCodec.decode} of allocation-redis
 * builds it from the Redis strings; Java callers with typed data build it directly.
 *
 * @param portfolio    the portfolio state, or empty when missing or rejected
 * @param budgets      one budget per symbol (no duplicates); decisions come out in this order
 * @param clusterMap   symbol -> cluster, the operator's map (Redis hash over the static file)
 * @param discovered   the clusters the live stack discovered (DESIGN section 15), at most one per id; the map for
 *                     symbols {@code clusterMap} does not name, while their state is fresh
 * @param clusters     cluster -> stress: the stress hash, else a discovered cluster's state (alpha then absent)
 * @param regime       the last regime entry, or empty when missing or rejected
 * @param attributions symbol -> performance attribution
 * @param rejections   what decoding discarded; passed through to the result, and it tells
 *                     a missing input from a rejected one when a fallback's reason is chosen
 */
@API(status = API.Status.STABLE, since = "1.0")
public record CycleInputs(
        Optional<PortfolioState> portfolio,
        List<SymbolBudget> budgets,
        Map<String, String> clusterMap,
        List<DiscoveredCluster> discovered,
        Map<String, ClusterStress> clusters,
        Optional<RegimeState> regime,
        Map<String, PerformanceAttribution> attributions,
        List<Rejection> rejections) {

    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public CycleInputs {
        Objects.requireNonNull(portfolio, "portfolio");
        budgets = List.copyOf(budgets);
        clusterMap = Map.copyOf(clusterMap);
        discovered = List.copyOf(discovered);
        clusters = Map.copyOf(clusters);
        Objects.requireNonNull(regime, "regime");
        attributions = Map.copyOf(attributions);
        rejections = List.copyOf(rejections);

        requireOnePerSymbol(budgets);
        clusterMap.forEach((symbol, cluster) -> {
            Checks.name(symbol, "clusterMap key");
            if (!Scalars.isValidName(cluster)) { // the field name is built only for the message: 10,000 entries a cycle
                Checks.name(cluster, "clusterMap[" + symbol + "]");
            }
        });
        Set<String> discoveredIds = new HashSet<>();
        for (DiscoveredCluster d : discovered) {
            if (!discoveredIds.add(d.id())) {
                throw new IllegalArgumentException("discovered: must hold one cluster per id, was a second " + d.id());
            }
        }
        clusters.forEach((id, stress) -> {
            if (!id.equals(stress.clusterId())) {
                throw new IllegalArgumentException("clusters: key must equal clusterId, was " + id + " -> " + stress.clusterId());
            }
        });
        attributions.forEach((symbol, a) -> {
            if (!symbol.equals(a.symbol())) {
                throw new IllegalArgumentException("attributions: key must equal symbol, was " + symbol + " -> " + a.symbol());
            }
        });
    }

    /**
     * One budget per symbol. Budgets read from Redis come sorted by symbol, so a strictly increasing order proves it
     * without a set of every symbol each cycle; any other order is checked with one.
     */
    private static void requireOnePerSymbol(List<SymbolBudget> budgets) {
        boolean increasing = true;
        for (int i = 1; i < budgets.size() && increasing; i++) {
            increasing = budgets.get(i - 1).symbol().compareTo(budgets.get(i).symbol()) < 0;
        }
        if (increasing) {
            return;
        }
        Set<String> seen = new HashSet<>(budgets.size() * 2);
        for (SymbolBudget b : budgets) {
            if (!seen.add(b.symbol())) {
                throw new IllegalArgumentException("budgets: must hold one budget per symbol, was a second for " + b.symbol());
            }
        }
    }

    /** Inputs without discovered clusters (an operator's map, the budgets' own {@code cluster_id}, or none). */
    public CycleInputs(Optional<PortfolioState> portfolio, List<SymbolBudget> budgets, Map<String, String> clusterMap,
                       Map<String, ClusterStress> clusters, Optional<RegimeState> regime,
                       Map<String, PerformanceAttribution> attributions, List<Rejection> rejections) {
        this(portfolio, budgets, clusterMap, List.of(), clusters, regime, attributions, rejections);
    }

    /** An empty builder: inputs named one by one, no positional {@code Optional}s. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link CycleInputs} by name; what is not given is absent (no portfolio, no regime: their fallbacks apply).
     * Not thread-safe; {@link #build} checks everything {@link CycleInputs}' constructor checks.
     */
    @API(status = API.Status.STABLE, since = "1.0")
    public static final class Builder {
        private PortfolioState portfolio;
        private RegimeState regime;
        private final List<SymbolBudget> budgets = new ArrayList<>();
        private final Map<String, String> clusterMap = new HashMap<>();
        private final List<DiscoveredCluster> discovered = new ArrayList<>();
        private final Map<String, ClusterStress> clusters = new HashMap<>();
        private final Map<String, PerformanceAttribution> attributions = new HashMap<>();
        private final List<Rejection> rejections = new ArrayList<>();

        private Builder() {
        }

        /** The portfolio state. */
        public Builder portfolio(PortfolioState portfolio) {
            this.portfolio = Objects.requireNonNull(portfolio, "portfolio");
            return this;
        }

        /** The last regime entry. */
        public Builder regime(RegimeState regime) {
            this.regime = Objects.requireNonNull(regime, "regime");
            return this;
        }

        /** One symbol's budget; decisions come out in the order budgets are added. */
        public Builder budget(SymbolBudget budget) {
            budgets.add(Objects.requireNonNull(budget, "budget"));
            return this;
        }

        /** The operator's map: {@code symbol} belongs to {@code clusterId}. */
        public Builder cluster(String symbol, String clusterId) {
            clusterMap.put(Objects.requireNonNull(symbol, "symbol"), Objects.requireNonNull(clusterId, "clusterId"));
            return this;
        }

        /** A cluster's stress and alpha, under its own id. */
        public Builder stress(ClusterStress stress) {
            if (clusters.putIfAbsent(stress.clusterId(), stress) != null) {
                throw new IllegalArgumentException("stress: one per cluster, was a second for " + stress.clusterId());
            }
            return this;
        }

        /** A cluster the live stack discovered (DESIGN section 15). */
        public Builder discovered(DiscoveredCluster cluster) {
            discovered.add(Objects.requireNonNull(cluster, "cluster"));
            return this;
        }

        /** A symbol's performance attribution, under its own symbol. */
        public Builder attribution(PerformanceAttribution attribution) {
            if (attributions.putIfAbsent(attribution.symbol(), attribution) != null) {
                throw new IllegalArgumentException("attribution: one per symbol, was a second for " + attribution.symbol());
            }
            return this;
        }

        /** Something the caller's decoding discarded (it tells a missing input from a rejected one). */
        public Builder rejection(Rejection rejection) {
            rejections.add(Objects.requireNonNull(rejection, "rejection"));
            return this;
        }

        /** The inputs. */
        public CycleInputs build() {
            return new CycleInputs(Optional.ofNullable(portfolio), budgets, clusterMap, discovered, clusters, Optional.ofNullable(regime),
                    attributions, rejections);
        }
    }
}
