package com.quantumtrader.allocation.redis.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * The input hashes as the upstream services write them (DESIGN section 3): the encoding half of
 * {@link InputCodec}, by the same field names. The demo's simulated upstream, the bench's seed and the
 * tests' seeders write through these; every value is a string, as Redis holds it (timestamps too), so a
 * caller can write a number in any form, or garbage, to test the decoding. The wire-contract tests of
 * allocation-redis (RedisContractIT, HostileInputIT, InputCodecTest) spell the field names out instead, on
 * purpose: they pin the contract independently of these constants.
 */
public final class InputHashes {
    private InputHashes() {
    }

    /** {@code quantum:state:portfolio}. */
    public static Map<String, String> portfolio(String equityUsd, String drawdown, String timestamp) {
        return Map.of(InputCodec.EQUITY_USD, equityUsd, InputCodec.DRAWDOWN, drawdown, InputCodec.TIMESTAMP, timestamp);
    }

    /** {@code quantum:portfolio:budget:{symbol}} without a cluster of its own. */
    public static Map<String, String> budget(String budgetUsd, String timestamp) {
        return Map.of(InputCodec.BUDGET_USD, budgetUsd, InputCodec.TIMESTAMP, timestamp);
    }

    /** {@code quantum:portfolio:budget:{symbol}} naming its cluster. */
    public static Map<String, String> budget(String budgetUsd, String timestamp, String clusterId) {
        Map<String, String> hash = new HashMap<>(budget(budgetUsd, timestamp));
        hash.put(InputCodec.CLUSTER_ID, clusterId);
        return Map.copyOf(hash);
    }

    /** {@code quantum:cluster:stress:{cluster}}. */
    public static Map<String, String> stress(String stress, String alpha, String timestamp) {
        return Map.of(InputCodec.STRESS, stress, InputCodec.ALPHA, alpha, InputCodec.TIMESTAMP, timestamp);
    }

    /** {@code quantum:portfolio:cluster_state:{cluster}} (the portfolio-clusters service's, DESIGN section 15). */
    public static Map<String, String> clusterState(String stress, String updatedTs) {
        return Map.of(InputCodec.STRESS, stress, InputCodec.UPDATED_TS, updatedTs);
    }

    /** {@code quantum:alpha:attribution:{symbol}}. */
    public static Map<String, String> attribution(String performanceFactor, String tsUtc) {
        return Map.of(InputCodec.PERFORMANCE_FACTOR, performanceFactor, InputCodec.TS_UTC, tsUtc);
    }

    /** An entry of {@code quantum:stream:regime.state}. */
    public static Map<String, String> regime(String regime, String confidence, String timestamp) {
        return Map.of(InputCodec.REGIME, regime, InputCodec.CONFIDENCE, confidence, InputCodec.TIMESTAMP, timestamp);
    }
}
