package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.RawInputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code ../shared/golden} (copied into test resources) reproduced field by field, from
 * the Redis strings: decoded by {@link InputCodec}, allocated by core.
 */
class GoldenCasesTest {

    /** Relative tolerance of the golden numbers, with an absolute floor for expected zeros. */
    static final double RELATIVE_TOLERANCE = 1e-6;
    static final double ABSOLUTE_FLOOR = 1e-12;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TARGET_FIELDS = Set.of("cluster_id", "target_usd", "weight", "regime",
            "drawdown_zone", "confidence", "cap", "regime_factor", "cluster_factor", "drawdown_factor", "performance_factor");

    static Stream<Path> goldenCases() throws IOException, URISyntaxException {
        return cases("/golden");
    }

    /** The {@code .json} files of a test-resource directory, sorted. */
    static Stream<Path> cases(String resourceDir) throws IOException, URISyntaxException {
        URL dir = GoldenCasesTest.class.getResource(resourceDir);
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList()).stream();
        }
    }

    @Test
    void goldenCases_allTwelveArePresent() throws Exception {
        assertEquals(12, goldenCases().count(), "golden cases in test resources");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void allocate_goldenCase_reproducesEveryExpectedField(Path file) throws IOException {
        JsonNode root = read(file);
        Policy policy = PolicySettings.parse(strings(root.path("policy")));
        Instant now = Instant.ofEpochSecond(root.get("now").asLong());

        CycleResult result = Allocator.allocate(InputCodec.decode(rawInputs(root)), policy, now);
        assertExpected(root, result);
    }

    /** The result against the case's {@code expected}: outcome, and every field of every target, nothing more or less. */
    static void assertExpected(JsonNode root, CycleResult result) {
        JsonNode expected = root.get("expected");
        assertEquals(expected.get("outcome").asText(), result.outcome().name(), "outcome");
        JsonNode targets = expected.get("targets");
        Map<String, Decision> bySymbol = result.decisions().stream().collect(Collectors.toMap(Decision::symbol, d -> d));
        Set<String> expectedSymbols = new TreeSet<>();
        targets.fieldNames().forEachRemaining(expectedSymbols::add);
        assertEquals(expectedSymbols, new TreeSet<>(bySymbol.keySet()), "allocated symbols");

        for (String symbol : expectedSymbols) {
            JsonNode want = targets.get(symbol);
            Decision got = bySymbol.get(symbol);
            Set<String> checked = new TreeSet<>();
            for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                checked.add(field);
                String where = symbol + "." + field;
                switch (field) {
                    case "cluster_id" -> assertEquals(want.get(field).asText(), got.clusterId(), where);
                    case "regime" -> assertEquals(want.get(field).asText(), got.regime().name(), where);
                    case "drawdown_zone" -> assertEquals(want.get(field).asText(), got.drawdownZone().name(), where);
                    case "cap" -> assertEquals(want.get(field).asText(), got.cap().wireName(), where);
                    case "target_usd" -> assertClose(want.get(field).asDouble(), got.targetUsd(), where);
                    case "weight" -> assertClose(want.get(field).asDouble(), got.weight(), where);
                    case "confidence" -> assertClose(want.get(field).asDouble(), got.confidence(), where);
                    case "regime_factor" -> assertClose(want.get(field).asDouble(), got.regimeFactor(), where);
                    case "cluster_factor" -> assertClose(want.get(field).asDouble(), got.clusterFactor(), where);
                    case "drawdown_factor" -> assertClose(want.get(field).asDouble(), got.drawdownFactor(), where);
                    case "performance_factor" -> assertClose(want.get(field).asDouble(), got.performanceFactor(), where);
                    default -> fail("unknown expected field " + where + ": the test must check every field");
                }
            }
            assertEquals(TARGET_FIELDS, checked, symbol + ": expected fields");
        }
    }

    static void assertClose(double expected, double actual, String where) {
        double allowed = RELATIVE_TOLERANCE * Math.abs(expected) + ABSOLUTE_FLOOR;
        assertTrue(Math.abs(expected - actual) <= allowed,
                () -> where + ": expected " + expected + " within " + RELATIVE_TOLERANCE + " relative, was " + actual);
    }

    static JsonNode read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return JSON.readTree(in);
        }
    }

    /** The golden/snapshot JSON as raw wire inputs (strings only, as Redis holds them). */
    static RawInputs rawInputs(JsonNode root) {
        return new RawInputs(
                strings(root.path("portfolio")),
                hashes(root.path("budgets")),
                strings(root.path("cluster_map")),
                strings(root.path("discovered_clusters")),
                hashes(root.path("cluster_states")),
                hashes(root.path("clusters")),
                strings(root.path("regime")),
                Optional.empty(),
                hashes(root.path("attributions")));
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
