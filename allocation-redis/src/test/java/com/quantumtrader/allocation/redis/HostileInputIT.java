package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.write.OutputWriter;

import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.RawInputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Redis filled with garbage next to valid symbols: read + allocate + write never throws, valid
 * symbols get exactly the targets the core computes for them alone, nothing non-finite or negative
 * is written.
 */
class HostileInputIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    static final Pattern PLAIN_DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    static final String[] GARBAGE = {"", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "abc", "0x10", "-5", "-1e300",
            "None", "null", "{}", "[1]", "\u0000\u0001", "1,5", "９", "1767225600000000", "-1767225600", "1e308", "💥"};

    private final TestRedis redis = TestRedis.shared();

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void readAllocateWrite_garbageBesideValidSymbols_validTargetsExactNothingBadWritten(long seed) {
        Random rnd = new Random(seed);
        String ts = Long.toString(NOW.getEpochSecond() - 1);
        Map<String, Map<String, String>> validBudgets = new HashMap<>();
        Map<String, String> validMap = new HashMap<>();
        Map<String, Map<String, String>> validStress = new HashMap<>();
        Map<String, String> portfolio = Map.of("equity_usd", "1000000", "drawdown", "0.08", "timestamp", ts);
        Map<String, String> regime = Map.of("regime", "TREND", "confidence", "0.7", "timestamp", ts);

        try (Jedis j = redis.client()) {
            j.hset(Keys.PORTFOLIO, portfolio);
            j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, regime);
            for (int c = 0; c < 5; c++) {
                Map<String, String> stress = Map.of("stress", Double.toString(rnd.nextDouble()), "alpha", Double.toString(rnd.nextGaussian()), "timestamp", ts);
                validStress.put("good" + c, stress);
                j.hset(Keys.stress("good" + c), stress);
            }
            for (int i = 0; i < 200; i++) {
                String symbol = "V" + i;
                Map<String, String> budget = Map.of("budget_usd", Double.toString(rnd.nextDouble() * 300_000), "timestamp", ts);
                validBudgets.put(symbol, budget);
                j.hset(Keys.budget(symbol), budget);
                String cluster = "good" + rnd.nextInt(5);
                validMap.put(symbol, cluster);
                j.hset(Keys.CLUSTER_MAP, symbol, cluster);
            }
            for (int i = 0; i < 300; i++) {
                plantGarbage(j, rnd, i, ts);
            }
        }

        CycleResult viaRedis;
        try (RedisConnection connection = new RedisConnection(redis.endpoint())) {
            viaRedis = Allocator.allocate(TestRedis.reader(connection, Map.of()).read().decode(), Policy.DEFAULTS, NOW);
            new OutputWriter(connection, 300, 100_000).write(viaRedis, Mode.ENFORCE, "hostile", fence());
        }

        RawInputs alone = new RawInputs(portfolio, validBudgets, validMap, validStress, regime, Optional.empty(), Map.of());
        CycleResult expected = Allocator.allocate(InputCodec.decode(alone), Policy.DEFAULTS, NOW);
        Map<String, Decision> got = viaRedis.decisions().stream().collect(Collectors.toMap(Decision::symbol, d -> d));
        assertEquals(validBudgets.keySet(), got.keySet(), "exactly the valid symbols are allocated");
        for (Decision want : expected.decisions()) {
            assertEquals(want, got.get(want.symbol()), want.symbol());
        }
        assertTrue(viaRedis.rejections().size() >= 300, "every garbage budget rejected, was " + viaRedis.rejections().size());

        try (Jedis j = redis.client()) {
            for (String symbol : got.keySet()) {
                assertWrittenPlain(j.hgetAll(Keys.target(symbol)), symbol);
            }
            List<StreamEntry> entries = j.xrange(Keys.DECISION_STREAM, "-", "+");
            assertEquals(got.size(), entries.size());
            entries.forEach(e -> assertWrittenPlain(e.getFields(), e.getFields().get("symbol")));
            Set<String> targets = j.keys(Keys.TARGET_PREFIX + "*");
            assertEquals(got.size(), targets.size(), "no target for a garbage symbol");
        }
    }

    /**
     * The reader decodes straight from its replies; a snapshot decodes the same hashes through {@link InputCodec#decode}.
     * With the same garbage both must give the same typed inputs, rejections and their order included: one set of rules.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 2026})
    void read_garbage_liveDecodeEqualsTheSnapshotDecodeOfTheSameHashes(long seed) {
        Random rnd = new Random(seed);
        String ts = Long.toString(NOW.getEpochSecond() - 1);
        try (Jedis j = redis.client()) {
            j.hset(Keys.PORTFOLIO, Map.of("equity_usd", "1000000", "drawdown", "0.08", "timestamp", ts));
            j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "TREND", "confidence", "0.7", "timestamp", ts));
            j.hset(Keys.stress("good0"), Map.of("stress", "0.3", "alpha", "0.1", "timestamp", ts));
            j.hset(Keys.stress("good1"), Map.of("stress", "nan", "timestamp", ts));
            for (int i = 0; i < 50; i++) {
                j.hset(Keys.budget("V" + i), Map.of("budget_usd", Integer.toString(1000 * i), "timestamp", ts));
                j.hset(Keys.CLUSTER_MAP, "V" + i, i % 7 == 0 ? " bad cluster " : "good" + (i % 2));
                if (i % 5 == 0) {
                    j.hset(Keys.attribution("V" + i), Map.of("performance_factor", i % 10 == 0 ? "0.9" : "-1", "ts_utc", ts));
                }
            }
            j.hset(Keys.DISCOVERED_CLUSTERS, Map.of("cluster_0", "[\"V1\", \"V3\", \"G2\"]", "cluster_1", "[oops", "bad id", "[]"));
            j.hset(Keys.clusterState("cluster_0"), Map.of("stress", "0.2", "updated_ts", ts));
            for (int i = 0; i < 300; i++) {
                plantGarbage(j, rnd, i, ts);
            }
        }
        ReadResult read;
        try (RedisConnection connection = new RedisConnection(redis.endpoint())) {
            read = TestRedis.reader(connection, Map.of()).read();
        }

        // The snapshot of the same keys, cut the way redis-cli would: HGETALL of each hash the reader read.
        Map<String, Map<String, String>> budgets = new HashMap<>();
        Map<String, String> clusterMap = new HashMap<>();
        Map<String, Map<String, String>> attributions = new HashMap<>();
        Map<String, Map<String, String>> stress = new HashMap<>();
        Map<String, Map<String, String>> states = new HashMap<>();
        Map<String, String> regime;
        try (Jedis j = redis.client()) {
            Map<String, String> map = j.hgetAll(Keys.CLUSTER_MAP);
            for (String symbol : read.discovery().symbols()) {
                if (j.type(Keys.budget(symbol)).equals("hash")) {
                    budgets.put(symbol, j.hgetAll(Keys.budget(symbol)));
                }
                if (map.containsKey(symbol)) {
                    clusterMap.put(symbol, map.get(symbol));
                }
                if (j.type(Keys.attribution(symbol)).equals("hash")) {
                    attributions.put(symbol, j.hgetAll(Keys.attribution(symbol)));
                }
            }
            Set<String> clusters = new java.util.TreeSet<>(List.of("good0", "good1", "cluster_0", "cluster_1"));
            map.values().stream().map(String::strip).filter(com.quantumtrader.allocation.core.Scalars::isValidName).forEach(clusters::add);
            for (String id : clusters) {
                if (j.type(Keys.stress(id)).equals("hash")) {
                    stress.put(id, j.hgetAll(Keys.stress(id)));
                }
            }
            states.put("cluster_0", j.hgetAll(Keys.clusterState("cluster_0")));
            regime = j.xrevrange(Keys.REGIME_STREAM, "+", "-", 1).get(0).getFields();
            RawInputs snapshot = new RawInputs(j.hgetAll(Keys.PORTFOLIO), budgets, clusterMap, j.hgetAll(Keys.DISCOVERED_CLUSTERS), states, stress,
                    regime, Optional.empty(), attributions);
            CycleInputs fromSnapshot = InputCodec.decode(snapshot, read.rejections());

            assertEquals(fromSnapshot.rejections(), read.decode().rejections(), "rejections, in order");
            assertEquals(fromSnapshot, read.decode());
            assertTrue(read.decode().rejections().size() > 300, "garbage rejected: " + read.decode().rejections().size());
        }
    }

    /** DESIGN section 25: a garbage last regime entry falls back to the valid entry before it, not to the neutral 1.0. */
    @ParameterizedTest(name = "last entry {0}")
    @ValueSource(strings = {"regime=hlat", "confidence=0.9", "regime=CHOP timestamp=abc", "regime="})
    void read_garbageLastRegimeEntry_theNewestValidEntryApplies(String garbage) {
        String ts = Long.toString(NOW.getEpochSecond() - 1);
        Map<String, String> last = new HashMap<>();
        for (String kv : garbage.split(" ")) {
            last.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        try (Jedis j = redis.client()) {
            j.hset(Keys.PORTFOLIO, Map.of("equity_usd", "1000000", "drawdown", "0.01", "timestamp", ts));
            j.hset(Keys.budget("BTCUSDT"), Map.of("budget_usd", "100000", "timestamp", ts));
            j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "TREND", "timestamp", ts));
            j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "CHOP", "confidence", "0.8", "timestamp", ts));
            j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, last);
        }
        ReadResult read;
        try (RedisConnection connection = new RedisConnection(redis.endpoint())) {
            read = TestRedis.reader(connection, Map.of()).read();
        }
        CycleInputs inputs = read.decode();
        assertEquals(com.quantumtrader.allocation.core.Regime.CHOP, inputs.regime().orElseThrow().regime());
        assertEquals(0.8, inputs.regime().orElseThrow().confidence());
        CycleResult result = Allocator.allocate(inputs, Policy.DEFAULTS, NOW);
        assertEquals(0.6, result.decisions().get(0).regimeFactor(), "CHOP's factor, not the fallback 1.0");
        assertTrue(result.rejections().stream().anyMatch(r -> r.source() == com.quantumtrader.allocation.core.DataSource.REGIME
                && r.detail().endsWith("(CHOP), applies")), result.rejections().toString());
    }

    @Test
    void read_noValidRegimeEntry_fallsBackToNeutral() {
        String ts = Long.toString(NOW.getEpochSecond() - 1);
        try (Jedis j = redis.client()) {
            j.hset(Keys.PORTFOLIO, Map.of("equity_usd", "1000000", "drawdown", "0.01", "timestamp", ts));
            j.hset(Keys.budget("BTCUSDT"), Map.of("budget_usd", "100000", "timestamp", ts));
            for (int i = 0; i < InputReader.REGIME_LOOKBACK; i++) {
                j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "hlat" + i, "timestamp", ts));
            }
        }
        ReadResult read;
        try (RedisConnection connection = new RedisConnection(redis.endpoint())) {
            read = TestRedis.reader(connection, Map.of()).read();
        }
        CycleResult result = Allocator.allocate(read.decode(), Policy.DEFAULTS, NOW);
        assertEquals(1.0, result.decisions().get(0).regimeFactor());
        assertEquals(com.quantumtrader.allocation.core.Regime.UNKNOWN, result.decisions().get(0).regime());
    }

    private static void assertWrittenPlain(Map<String, String> hash, String symbol) {
        for (String field : List.of("target_usd", "weight", "confidence", "base_budget_usd", "regime_factor", "cluster_factor",
                "drawdown_factor", "performance_factor", "timestamp", "ts")) {
            String v = hash.get(field);
            assertTrue(v != null && PLAIN_DECIMAL.matcher(v).matches(), symbol + "." + field + " finite, >= 0, plain: " + v);
        }
    }

    /** One piece of garbage of a random kind; none of it is a valid budget. */
    private static void plantGarbage(Jedis j, Random rnd, int i, String ts) {
        String g = GARBAGE[rnd.nextInt(GARBAGE.length)];
        String symbol = "G" + i;
        switch (rnd.nextInt(10)) {
            case 0 -> j.set(Keys.budget(symbol), g);
            case 1 -> j.rpush(Keys.budget(symbol), "1000", ts);
            case 2 -> j.hset(Keys.budget(symbol), Map.of("budget_usd", g.isEmpty() ? "nan" : g.equals("1e308") ? "-1" : "x" + g, "timestamp", ts));
            case 3 -> j.hset(Keys.budget(symbol), Map.of("budget_usd", "1000", "timestamp", g.isEmpty() ? "never" : "t" + g));
            case 4 -> j.hset(Keys.budget(symbol), "cluster_id", "good0");
            case 5 -> j.hset(Keys.BUDGET_PREFIX + "bad name " + i + g, Map.of("budget_usd", "1000", "timestamp", ts));
            case 6 -> j.hset(Keys.BUDGET_PREFIX + "Z".repeat(65 + i), Map.of("budget_usd", "1000", "timestamp", ts));
            case 7 -> {
                j.hset(Keys.budget(symbol), Map.of("budget_usd", "-" + (1 + rnd.nextInt(1000)), "timestamp", ts, "cluster_id", "good1"));
                j.hset(Keys.attribution(symbol), Map.of("performance_factor", g, "ts_utc", ts));
            }
            case 8 -> {
                j.hset(Keys.budget(symbol), Map.of("budget_usd", "inf", "timestamp", ts));
                j.hset(Keys.stress("bad" + i), Map.of("stress", g, "alpha", g, "timestamp", g));
                j.hset(Keys.CLUSTER_MAP, symbol, "bad" + i);
            }
            default -> {
                j.sadd(Keys.budget(symbol), g.isEmpty() ? "e" : g);
                j.hset(Keys.CLUSTER_MAP, "weird key " + i, g.isEmpty() ? "e" : g);
            }
        }
    }

    private Fence fence() {
        return redis.lead();
    }
}
