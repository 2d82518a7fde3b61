package com.quantumtrader.allocation.redis.wire;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One cycle's inputs exactly as Redis holds them: hashes of strings. This is also the snapshot file
 * format (the golden cases). An empty hash means the key does not exist. Decode it with
 * {@link InputCodec#decode(RawInputs)}.
 *
 * @param portfolio       the {@code quantum:state:portfolio} hash
 * @param budgets         symbol -> the {@code quantum:portfolio:budget:{symbol}} hash
 * @param clusterMap      the operator's symbol -> cluster map (Redis hash entries over the static file's)
 * @param discovered      the {@code quantum:portfolio:clusters} hash: cluster id -> JSON array of symbols
 * @param clusterStates   cluster id -> the {@code quantum:portfolio:cluster_state:{id}} hash ({@code stress}, {@code updated_ts})
 * @param clusters        cluster -> the {@code quantum:cluster:stress:{cluster}} hash
 * @param regime          the last {@code quantum:stream:regime.state} entry's fields
 * @param regimeEntryTime the time of that entry's stream id, used when it has no {@code timestamp}
 * @param attributions    symbol -> the {@code quantum:alpha:attribution:{symbol}} hash
 */
public record RawInputs(
        Map<String, String> portfolio,
        Map<String, Map<String, String>> budgets,
        Map<String, String> clusterMap,
        Map<String, String> discovered,
        Map<String, Map<String, String>> clusterStates,
        Map<String, Map<String, String>> clusters,
        Map<String, String> regime,
        Optional<Instant> regimeEntryTime,
        Map<String, Map<String, String>> attributions) {

    public RawInputs {
        portfolio = Map.copyOf(portfolio);
        budgets = deepCopy(budgets);
        clusterMap = Map.copyOf(clusterMap);
        discovered = Map.copyOf(discovered);
        clusterStates = deepCopy(clusterStates);
        clusters = deepCopy(clusters);
        regime = Map.copyOf(regime);
        Objects.requireNonNull(regimeEntryTime, "regimeEntryTime");
        attributions = deepCopy(attributions);
    }

    /** Inputs without the live stack's discovered clusters. */
    public RawInputs(Map<String, String> portfolio, Map<String, Map<String, String>> budgets, Map<String, String> clusterMap,
                     Map<String, Map<String, String>> clusters, Map<String, String> regime, Optional<Instant> regimeEntryTime,
                     Map<String, Map<String, String>> attributions) {
        this(portfolio, budgets, clusterMap, Map.of(), Map.of(), clusters, regime, regimeEntryTime, attributions);
    }

    private static Map<String, Map<String, String>> deepCopy(Map<String, Map<String, String>> hashes) {
        Map<String, Map<String, String>> copy = new HashMap<>(hashes.size() * 2);
        hashes.forEach((key, hash) -> copy.put(key, Map.copyOf(hash)));
        return Map.copyOf(copy);
    }
}
