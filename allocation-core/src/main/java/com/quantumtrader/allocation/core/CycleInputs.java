package com.quantumtrader.allocation.core;

import java.util.HashSet;
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
public record CycleInputs(
        Optional<PortfolioState> portfolio,
        List<SymbolBudget> budgets,
        Map<String, String> clusterMap,
        List<DiscoveredCluster> discovered,
        Map<String, ClusterStress> clusters,
        Optional<RegimeState> regime,
        Map<String, PerformanceAttribution> attributions,
        List<Rejection> rejections) {

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
}
