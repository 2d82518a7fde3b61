package com.quantumtrader.allocation.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.redis.RawInputs;
import com.quantumtrader.allocation.redis.TargetHash;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot format of {@code docs/snapshot-format.md} (the golden cases' format): one cycle's
 * inputs as Redis strings, the cycle time and optional policy overrides. Also writes a result in
 * the golden {@code expected} format.
 */
final class SnapshotFile {

    /** A parsed snapshot. */
    record Snapshot(Instant now, Map<String, String> policy, RawInputs raw) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SnapshotFile() {
    }

    static Snapshot read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("--snapshot: cannot read " + file + " as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("--snapshot: " + file + " must hold a JSON object");
        }
        JsonNode now = root.get("now");
        if (now == null || !now.canConvertToLong()) {
            throw new IllegalArgumentException("--snapshot: " + file + ": \"now\" must be integer epoch seconds");
        }
        Optional<Instant> regimeEntryTime = root.hasNonNull("regime_entry_id_ms")
                ? Optional.of(Instant.ofEpochMilli(root.get("regime_entry_id_ms").asLong())) : Optional.empty();
        RawInputs raw = new RawInputs(
                strings(root.path("portfolio")), hashes(root.path("budgets")), strings(root.path("cluster_map")),
                hashes(root.path("clusters")), strings(root.path("regime")), regimeEntryTime, hashes(root.path("attributions")));
        return new Snapshot(Instant.ofEpochSecond(now.asLong()), strings(root.path("policy")), raw);
    }

    /** The result as the golden {@code expected} object: outcome and targets by symbol, named as in the target hash. */
    static String toExpectedJson(CycleResult result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("outcome", result.outcome().name());
        ObjectNode targets = root.putObject("targets");
        for (Decision d : result.decisions()) {
            ObjectNode t = targets.putObject(d.symbol());
            t.put(TargetHash.CLUSTER_ID, d.clusterId());
            t.put(TargetHash.TARGET_USD, d.targetUsd());
            t.put(TargetHash.REGIME_FACTOR, d.regimeFactor());
            t.put(TargetHash.CLUSTER_FACTOR, d.clusterFactor());
            t.put(TargetHash.DRAWDOWN_FACTOR, d.drawdownFactor());
            t.put(TargetHash.PERFORMANCE_FACTOR, d.performanceFactor());
            t.put(TargetHash.DRAWDOWN_ZONE, d.drawdownZone().name());
            t.put(TargetHash.REGIME, d.regime().name());
            t.put(TargetHash.CONFIDENCE, d.confidence());
            t.put(TargetHash.CAP, d.cap().wireName());
            t.put(TargetHash.WEIGHT, d.weight());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new HashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    private static Map<String, Map<String, String>> hashes(JsonNode node) {
        Map<String, Map<String, String>> out = new HashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), strings(e.getValue())));
        return out;
    }
}
