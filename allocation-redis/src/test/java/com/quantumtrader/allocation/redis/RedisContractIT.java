package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.write.WriteResult;

import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.wire.DecisionEntry;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.RemovalEntry;
import com.quantumtrader.allocation.redis.wire.TargetHash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.ClusterStress;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.PerformanceAttribution;
import com.quantumtrader.allocation.core.PortfolioState;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.RegimeState;
import com.quantumtrader.allocation.core.SymbolBudget;
import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.WritePlan;
import com.quantumtrader.allocation.core.RejectReason;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.SkipReason;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** Every row of the wire contract tables (DESIGN sections 3 and 4) against a real Redis server. */
class RedisContractIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    static final long TTL = 300;
    /** What Python's float() of a plain decimal accepts, without exponent, NaN or Infinity. */
    static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    static final Pattern INTEGER = Pattern.compile("[0-9]+");
    static final Set<String> TARGET_FIELDS = Set.of("target_usd", "weight", "cluster_id", "regime", "drawdown_zone", "confidence",
            "timestamp", "ts", "mode", "base_budget_usd", "regime_factor", "cluster_factor", "drawdown_factor", "performance_factor", "cap");
    static final Set<String> NUMERIC = Set.of("target_usd", "weight", "confidence", "base_budget_usd", "regime_factor", "cluster_factor",
            "drawdown_factor", "performance_factor");

    private final TestRedis redis = TestRedis.shared();
    private Jedis jedis;
    private RedisConnection connection;

    @BeforeEach
    void setUp() {
        redis.flush();
        jedis = redis.client();
        connection = new RedisConnection(redis.endpoint());
    }

    @AfterEach
    void tearDown() {
        connection.close();
        jedis.close();
    }

    private InputReader reader(Map<String, String> fileMap) {
        return TestRedis.reader(connection, fileMap);
    }

    private OutputWriter writer() {
        return new OutputWriter(connection, TTL, 100_000);
    }

    private void seedGoldenOne() {
        Seed.portfolio(jedis, "100000", "0.07", NOW.minusSeconds(5));
        Seed.budget(jedis, "BTCUSDT", "30000", NOW.minusSeconds(3));
        Seed.budget(jedis, "ETHUSDT", "20000", NOW.minusSeconds(3));
        jedis.hset(Keys.CLUSTER_MAP, Map.of("BTCUSDT", "majors", "ETHUSDT", "majors"));
        Seed.stress(jedis, "majors", "0.2", "0.5", NOW.minusSeconds(10));
        Seed.regime(jedis, "TREND", "0.8", NOW.minusSeconds(2));
    }

    @Test
    void read_everyInputKey_readsExactlyTheContractFields() {
        seedGoldenOne();
        jedis.hset(Keys.attribution("BTCUSDT"), Map.of("performance_factor", "0.85", "ts_utc", "1767225595", "noise", "x"));
        jedis.hset(Keys.PORTFOLIO, "unrelated", "field");

        ReadResult read = reader(Map.of()).read();

        // Decoded straight from the replies: the extra fields ("noise", "unrelated") are never read.
        CycleInputs in = read.decode();
        assertEquals(Optional.of(new PortfolioState(100000, 0.07, Instant.ofEpochSecond(1767225595))), in.portfolio());
        assertEquals(List.of(new SymbolBudget("BTCUSDT", 30000, Instant.ofEpochSecond(1767225597), Optional.empty()),
                new SymbolBudget("ETHUSDT", 20000, Instant.ofEpochSecond(1767225597), Optional.empty())), in.budgets());
        assertEquals(Map.of("BTCUSDT", "majors", "ETHUSDT", "majors"), in.clusterMap());
        assertEquals(Map.of("majors", new ClusterStress("majors", 0.2, 0.5, Instant.ofEpochSecond(1767225590))), in.clusters());
        assertEquals(Optional.of(new RegimeState(Regime.TREND, 0.8, Instant.ofEpochSecond(1767225598))), in.regime());
        assertEquals(Map.of("BTCUSDT", new PerformanceAttribution("BTCUSDT", 0.85, Instant.ofEpochSecond(1767225595))), in.attributions());
        assertEquals(List.of(), in.rejections());
        assertEquals(List.of(), read.rejections());
    }

    @Test
    void read_thenAllocate_reproducesGoldenCaseOne() {
        seedGoldenOne();
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);
        assertEquals(Outcome.COMPUTED, r.outcome());
        assertEquals(12548.780117029388, r.decisions().get(0).targetUsd(), 1e-6);
        assertEquals(8365.853411352926, r.decisions().get(1).targetUsd(), 1e-6);
    }

    @Test
    void read_clusterBudgetsAndColonSuffixes_areNotSymbols_badNamesRejected() {
        Seed.budget(jedis, "BTCUSDT", "1", NOW);
        jedis.hset(Keys.CLUSTER_BUDGET_PREFIX + "majors", Map.of("budget_usd", "5", "timestamp", "1"));
        jedis.hset(Keys.BUDGET_PREFIX + "other:ns", Map.of("budget_usd", "5", "timestamp", "1"));
        jedis.hset(Keys.BUDGET_PREFIX + "BAD SYMBOL", Map.of("budget_usd", "5", "timestamp", "1"));
        jedis.hset(Keys.BUDGET_PREFIX + "X".repeat(65), Map.of("budget_usd", "5", "timestamp", "1"));

        ReadResult read = reader(Map.of()).read();

        assertEquals(List.of("BTCUSDT"), read.decode().budgets().stream().map(SymbolBudget::symbol).toList());
        assertEquals(2, read.rejections().size());
        assertTrue(read.rejections().stream().allMatch(r -> r.source() == DataSource.BUDGET && r.reason() == RejectReason.BAD_NAME));
    }

    @Test
    void read_wrongTypeKeys_rejectedPerSourceCycleGoesOn() {
        seedGoldenOne();
        jedis.del(Keys.stress("majors"));
        jedis.rpush(Keys.stress("majors"), "not", "a", "hash");
        jedis.set(Keys.budget("DOGE"), "a string");
        jedis.del(Keys.REGIME_STREAM);
        jedis.hset(Keys.REGIME_STREAM, "regime", "TREND");
        jedis.sadd(Keys.attribution("BTCUSDT"), "set");

        ReadResult read = reader(Map.of()).read();
        CycleResult r = Allocator.allocate(read.decode(), Policy.DEFAULTS, NOW);

        assertEquals(Set.of(
                        new Rejection(DataSource.BUDGET, RejectReason.WRONG_TYPE, "DOGE", "key holds the wrong Redis type"),
                        new Rejection(DataSource.ATTRIBUTION, RejectReason.WRONG_TYPE, "BTCUSDT", "key holds the wrong Redis type"),
                        new Rejection(DataSource.REGIME, RejectReason.WRONG_TYPE, "regime", "key holds the wrong Redis type"),
                        new Rejection(DataSource.CLUSTER, RejectReason.WRONG_TYPE, "majors", "key holds the wrong Redis type")),
                Set.copyOf(read.rejections()));
        assertEquals(List.of("BTCUSDT", "ETHUSDT"), r.decisions().stream().map(Decision::symbol).toList());
        for (Decision d : r.decisions()) {
            assertEquals(List.of(DataSource.REGIME, DataSource.CLUSTER, DataSource.PERFORMANCE), d.fallbacks());
        }
    }

    @Test
    void read_portfolioWrongType_skipsCycleAsInvalid() {
        seedGoldenOne();
        jedis.del(Keys.PORTFOLIO);
        jedis.set(Keys.PORTFOLIO, "{\"equity_usd\": 1}");
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);
        assertEquals(SkipReason.PORTFOLIO_INVALID, ((CycleResult.Skipped) r).reason());
    }

    @Test
    void read_regimeEntryWithoutTimestamp_usesEntryIdTime() {
        jedis.xadd(Keys.REGIME_STREAM, new StreamEntryID(1767225598123L, 0), Map.of("regime", "CHOP"));
        ReadResult read = reader(Map.of()).read();
        assertEquals(Optional.of(new RegimeState(Regime.CHOP, 1.0, Instant.ofEpochMilli(1767225598123L))), read.decode().regime());
    }

    @Test
    void read_regime_lastEntryWins() {
        Seed.regime(jedis, "TREND", "0.5", NOW.minusSeconds(20));
        Seed.regime(jedis, "CHOP", "0.9", NOW.minusSeconds(10));
        assertEquals(Regime.CHOP, reader(Map.of()).read().decode().regime().orElseThrow().regime());
    }

    @Test
    void read_clusterMapPrecedence_redisThenFileThenBudgetThenUnknown() {
        Seed.portfolio(jedis, "1000", "0", NOW);
        for (String s : List.of("A", "B", "C", "D")) {
            jedis.hset(Keys.budget(s), Map.of("budget_usd", "1", "timestamp", Seed.ts(NOW), "cluster_id", "own"));
        }
        jedis.hdel(Keys.budget("D"), "cluster_id");
        jedis.hset(Keys.CLUSTER_MAP, "A", "redis");
        Map<String, String> file = Map.of("A", "file", "B", "file");

        CycleResult r = Allocator.allocate(reader(file).read().decode(), Policy.DEFAULTS, NOW);

        assertEquals(List.of("redis", "file", "own", "UNKNOWN"), r.decisions().stream().map(Decision::clusterId).toList());
    }

    @Test
    void write_enforce_everyTargetFieldTtlAndStreamEntry() {
        seedGoldenOne();
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);

        WriteResult w = writer().write(r, Mode.ENFORCE, "c-1", fence());

        // First enforce write of a writer: one SCAN page for earlier targets (none here), then every unit in one pipeline.
        assertEquals(new WriteResult(2, 0, 2, 2, CarryOver.START.withMode(Mode.ENFORCE).withWritten(Map.of(
                "BTCUSDT", CarryOver.WrittenTarget.of(r.decisions().get(0), NOW),
                "ETHUSDT", CarryOver.WrittenTarget.of(r.decisions().get(1), NOW))), List.of(WritePlan.Change.NEW, WritePlan.Change.NEW),
                Set.of("BTCUSDT", "ETHUSDT")), w);
        assertEquals("BTCUSDT", r.decisions().get(0).symbol());
        Map<String, String> btc = jedis.hgetAll(Keys.target("BTCUSDT"));
        assertEquals(TARGET_FIELDS, btc.keySet());
        assertEquals("12548.780117029388", btc.get("target_usd"));
        assertEquals("0.12548780117029387", btc.get("weight"));
        assertEquals("majors", btc.get("cluster_id"));
        assertEquals("TREND", btc.get("regime"));
        assertEquals("MID", btc.get("drawdown_zone"));
        assertEquals("0.95", btc.get("confidence"));
        assertEquals("1767225600", btc.get("timestamp"));
        assertEquals("1767225600", btc.get("ts"));
        assertEquals("enforce", btc.get("mode"));
        assertEquals("30000.0", btc.get("base_budget_usd"));
        assertEquals("1.2", btc.get("regime_factor"));
        assertEquals("0.8", btc.get("cluster_factor"));
        assertEquals("0.7", btc.get("drawdown_factor"));
        assertEquals("0.6224593312018546", btc.get("performance_factor"));
        assertEquals("none", btc.get("cap"));
        long ttl = jedis.ttl(Keys.target("BTCUSDT"));
        assertTrue(ttl > 0 && ttl <= TTL, "TTL in (0, " + TTL + "], was " + ttl);

        List<StreamEntry> entries = jedis.xrange(Keys.DECISION_STREAM, "-", "+");
        assertEquals(2, entries.size());
        Map<String, String> entry = entries.get(0).getFields();
        Set<String> expected = new TreeSet<>(TARGET_FIELDS);
        expected.addAll(Set.of("symbol", "cycle_id", "fallbacks", "change"));
        assertEquals(expected, new TreeSet<>(entry.keySet()));
        assertEquals("BTCUSDT", entry.get("symbol"));
        assertEquals("c-1", entry.get("cycle_id"));
        assertEquals("new", entry.get("change"));
        assertEquals("", entry.get("fallbacks"));
        assertEquals(btc.get("target_usd"), entry.get("target_usd"));

        // What Redis holds decodes back, through the one codec, to exactly what was computed.
        for (int i = 0; i < r.decisions().size(); i++) {
            Decision d = r.decisions().get(i);
            DecisionEntry want = DecisionEntry.of(d, NOW, Mode.ENFORCE, "c-1", com.quantumtrader.allocation.core.WritePlan.Change.NEW);
            assertEquals(new Decoded.Valid<>(want), DecisionEntry.decode(entries.get(i).getFields()), d.symbol());
            assertEquals(new Decoded.Valid<>(want.target()), TargetHash.decode(jedis.hgetAll(Keys.target(d.symbol()))), d.symbol());
        }
    }

    @Test
    void write_shadow_streamsDecisionsAndTouchesNoTargetKey() {
        seedGoldenOne();
        jedis.hset(Keys.target("BTCUSDT"), Map.of("target_usd", "1", "cap", "none", "base_budget_usd", "1"));
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);

        WriteResult w = writer().write(r, Mode.SHADOW, "c-2", fence());

        assertEquals(new WriteResult(0, 0, 2, 1, CarryOver.START.withMode(Mode.SHADOW).withWritten(Map.of(
                "BTCUSDT", CarryOver.WrittenTarget.of(r.decisions().get(0), NOW), "ETHUSDT", CarryOver.WrittenTarget.of(r.decisions().get(1), NOW))),
                List.of(WritePlan.Change.NEW, WritePlan.Change.NEW)), w,
                "shadow carries what enforce would have written, for the next shadow cycle's change history");
        assertEquals(Map.of("target_usd", "1", "cap", "none", "base_budget_usd", "1"), jedis.hgetAll(Keys.target("BTCUSDT")));
        assertEquals(-1, jedis.ttl(Keys.target("BTCUSDT")));
        assertFalse(jedis.exists(Keys.target("ETHUSDT")));
        assertEquals("shadow", jedis.xrange(Keys.DECISION_STREAM, "-", "+").get(0).getFields().get("mode"));
    }

    @Test
    void write_skippedCycle_writesNothing() {
        Seed.budget(jedis, "BTCUSDT", "1", NOW);
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);
        assertEquals(Outcome.SKIPPED, r.outcome());
        CarryOver held = CarryOver.START.withWritten(Map.of("BTCUSDT", new CarryOver.WrittenTarget(1, NOW)));
        assertEquals(WriteResult.nothing(held.withMode(Mode.ENFORCE)), writer().write(r, Mode.ENFORCE, "c-3", held, fence()));
        // the write wrote nothing: beside the input only the test's own lease, and the dataset token the read sets once per
        // database (DESIGN section 20)
        assertEquals(Set.of(Keys.budget("BTCUSDT"), Keys.LEADER, Keys.EPOCH, Keys.DATASET), jedis.keys("*"),
                "only the test's own lease and the read's token beside the input");
    }

    @Test
    void write_enforceCycleWithNoDecision_everyBudgetRejected_deletesEveryTargetItWrote() {
        seedGoldenOne();
        OutputWriter writer = writer();
        WriteResult first = writer.write(Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW), Mode.ENFORCE, "c-a", fence());
        assertTrue(jedis.exists(Keys.target("BTCUSDT")) && jedis.exists(Keys.target("ETHUSDT")));
        // The budget engine switches to microsecond timestamps: every budget is rejected, the cycle computes no decision.
        jedis.hset(Keys.budget("BTCUSDT"), "timestamp", "1767225600000000");
        jedis.hset(Keys.budget("ETHUSDT"), "timestamp", "1767225600000000");
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW.plusSeconds(5));
        assertEquals(Outcome.COMPUTED, r.outcome());
        assertEquals(List.of(), r.decisions());

        WriteResult second = writer.write(r, Mode.ENFORCE, "c-b", first.next(), fence());

        assertEquals(new WriteResult(0, 2, 2, 1, CarryOver.START.withMode(Mode.ENFORCE).withWritten(Map.of()), List.of(),
                Set.of("BTCUSDT", "ETHUSDT")), second);
        assertFalse(jedis.exists(Keys.target("BTCUSDT")), "a symbol without a usable budget keeps no target");
        assertFalse(jedis.exists(Keys.target("ETHUSDT")));
        assertEquals(4, jedis.xlen(Keys.DECISION_STREAM), "two new, then two removed");
    }

    @Test
    void write_overwritesForeignValueUnderTargetKey() {
        seedGoldenOne();
        jedis.set(Keys.target("BTCUSDT"), "garbage string");
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);
        writer().write(r, Mode.ENFORCE, "c-4", fence());
        assertEquals(TARGET_FIELDS, jedis.hgetAll(Keys.target("BTCUSDT")).keySet());
    }

    @Test
    void write_streamMaxLen_trimsApproximately() {
        seedGoldenOne();
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);
        OutputWriter small = new OutputWriter(connection, TTL, 100);
        for (int i = 0; i < 500; i++) {
            small.write(r, Mode.SHADOW, "c-" + i, fence());
        }
        long len = jedis.xlen(Keys.DECISION_STREAM);
        assertTrue(len >= 100 && len < 1000, "MAXLEN ~ 100 keeps at least 100 and trims whole nodes, was " + len + " of 1000");
    }

    @Test
    void write_everyNumber_parsesLikePythonFloatAndInt() {
        Seed.portfolio(jedis, "1e-3", "0.2", NOW);
        Seed.budget(jedis, "TINY", "0.0000001", NOW);
        Seed.budget(jedis, "HUGE", "1e300", NOW);
        Seed.budget(jedis, "ZERO", "0", NOW);
        jedis.hset(Keys.CLUSTER_MAP, Map.of("TINY", "c", "HUGE", "c", "ZERO", "c"));
        Seed.stress(jedis, "c", "1e-5", "-700", NOW);
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);
        writer().write(r, Mode.ENFORCE, "c-5", fence());

        for (String symbol : List.of("TINY", "HUGE", "ZERO")) {
            Map<String, String> hash = jedis.hgetAll(Keys.target(symbol));
            assertEquals(TARGET_FIELDS, hash.keySet());
            assertTrue(INTEGER.matcher(hash.get("timestamp")).matches(), hash.get("timestamp"));
            assertEquals(hash.get("timestamp"), hash.get("ts"));
            for (String field : NUMERIC) {
                String v = hash.get(field);
                assertTrue(PLAIN_DECIMAL.matcher(v).matches(), symbol + "." + field + " plain decimal, was " + v);
                assertTrue(Double.parseDouble(v) >= 0, symbol + "." + field);
            }
        }
    }

    @Test
    void retract_deletesOnlyThisServicesTargetHashes() {
        seedGoldenOne();
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);
        writer().write(r, Mode.ENFORCE, "c-6", fence());
        jedis.hset(Keys.TARGET_PREFIX + "proposed:BTCUSDT", Map.of("target_usd", "5", "cap", "none", "base_budget_usd", "5"));
        jedis.hset(Keys.target("FOREIGN"), Map.of("target_usd", "5"));
        jedis.set(Keys.target("STRING"), "x");
        Set<String> before = new TreeSet<>(jedis.keys("*"));

        int deleted = writer().retract();

        assertEquals(2, deleted);
        Set<String> expected = new TreeSet<>(before);
        expected.remove(Keys.target("BTCUSDT"));
        expected.remove(Keys.target("ETHUSDT"));
        assertEquals(expected, new TreeSet<>(jedis.keys("*")));
        assertEquals(0, writer().retract());
    }

    @Test
    void connection_closedPort_failsAsTypedRedisFailure() {
        RedisConnection dead = new RedisConnection(TestRedis.endpoint("127.0.0.1", TestRedis.freePort()));
        try {
            RedisFailure e = assertThrows(RedisFailure.class, () -> TestRedis.reader(dead, Map.of()).read());
            assertEquals(RedisFailure.Operation.READ, e.operation());
            assertTrue(e.getMessage().startsWith("read: "), e.getMessage());
        } finally {
            dead.close();
        }
    }

    @Test
    void roundTrips_readAndWrite_constantInSymbols() {
        Map<Integer, Long> readTrips = new HashMap<>();
        OutputWriter writer = writer();
        CarryOver held = CarryOver.START;
        for (int n : new int[] {10, 100, 900}) {
            redis.flush();
            Seed.portfolio(jedis, "1000000", "0", NOW);
            Seed.regime(jedis, "TREND", "1", NOW);
            for (int i = 0; i < n; i++) {
                Seed.budget(jedis, "S" + i, "100", NOW);
                Seed.stress(jedis, "c" + (i % 20), "0.1", "0.1", NOW);
                jedis.hset(Keys.CLUSTER_MAP, "S" + i, "c" + (i % 20));
            }
            ReadResult read = reader(Map.of()).read();
            CycleResult r = Allocator.allocate(read.decode(), Policy.DEFAULTS, NOW);
            assertEquals(n, r.decisions().size());
            readTrips.put(n, read.roundTrips());
            WriteResult w = writer.write(r, Mode.ENFORCE, "c", held, fence());
            held = w.next();
            assertEquals(n == 10 ? 2 : 1, w.roundTrips(), "write round trips at " + n + " (every unit in one pipeline; the first, from UNKNOWN, also reads earlier targets)");
        }
        // Fewer than 1000 keys: one SCAN page, one pipeline of inputs, one pipeline of stress hashes.
        assertEquals(Map.of(10, 3L, 100, 3L, 900, 3L), readTrips);
    }

    @Test
    void write_enforce_symbolThatLeftTheUniverse_targetDeletedInTheSameCycle() {
        seedGoldenOne();
        OutputWriter writer = writer();
        WriteResult first = writer.write(Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW), Mode.ENFORCE, "c-7", fence());
        assertTrue(jedis.exists(Keys.target("ETHUSDT")));
        jedis.del(Keys.budget("ETHUSDT"));

        WriteResult second = writer.write(Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW.plusSeconds(5)),
                Mode.ENFORCE, "c-8", first.next(), fence());
        assertEquals(1, second.targetsDeleted());
        assertEquals(Set.of("BTCUSDT"), second.next().written().orElseThrow().keySet());
        assertEquals(NOW, second.next().written().orElseThrow().get("BTCUSDT").at(), "unchanged: left as written (DESIGN 12)");

        assertFalse(jedis.exists(Keys.target("ETHUSDT")));
        assertEquals("1767225600", jedis.hget(Keys.target("BTCUSDT"), "ts"));
        StreamEntry last = jedis.xrevrange(Keys.DECISION_STREAM, "+", "-", 1).get(0);
        assertEquals(new Decoded.Valid<>(new RemovalEntry("ETHUSDT", "c-8", NOW.plusSeconds(5), Mode.ENFORCE)), RemovalEntry.decode(last.getFields()));
    }

    /**
     * DESIGN section 22: a due refresh of a target whose every other field is as written sets its timestamp, ts and TTL
     * and nothing else; a due target deleted behind the writer's back is not recreated by the touch (a hash of two fields
     * would be a target without a value), it leaves the carry-over and the next write rewrites it whole; the first
     * write after a restart reads back enough to touch rather than rewrite.
     */
    @Test
    void write_refreshDue_touchSetsTimestampAndTtlOnly_aVanishedTargetIsNotRecreatedThenRewrittenWhole() {
        seedGoldenOne();
        OutputWriter writer = writer();
        CycleResult r = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW);
        WriteResult first = writer.write(r, Mode.ENFORCE, "c-1", fence());
        jedis.hset(Keys.target("BTCUSDT"), "regime", "MARKED"); // a field no touch may write
        jedis.expire(Keys.target("BTCUSDT"), 10);
        jedis.del(Keys.target("ETHUSDT"));
        Instant later = NOW.plusSeconds(31); // past the 30 s refresh: the cluster 'majors' is due
        CycleResult again = Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, later);

        WriteResult touched = writer.write(again, Mode.ENFORCE, "c-2", first.next(), fence());

        assertEquals(List.of(WritePlan.Change.TOUCH, WritePlan.Change.TOUCH), touched.changes());
        Map<String, String> btc = jedis.hgetAll(Keys.target("BTCUSDT"));
        assertEquals(Long.toString(later.getEpochSecond()), btc.get("timestamp"));
        assertEquals(Long.toString(later.getEpochSecond()), btc.get("ts"));
        assertEquals("MARKED", btc.get("regime"), "a touch writes no other field");
        assertTrue(jedis.ttl(Keys.target("BTCUSDT")) > 290, "the TTL set again");
        assertFalse(jedis.exists(Keys.target("ETHUSDT")), "a vanished target is not recreated by a touch");
        assertEquals(Set.of("BTCUSDT"), touched.next().written().orElseThrow().keySet(), "the vanished one leaves the carry-over");
        assertEquals(1, touched.targetsWritten());
        assertEquals(0, jedis.xlen(Keys.DECISION_STREAM) - 2, "touches are not streamed");

        WriteResult next = writer.write(again, Mode.ENFORCE, "c-3", touched.next(), fence());
        assertEquals(List.of(WritePlan.Change.UNCHANGED, WritePlan.Change.NEW), next.changes(), "BTCUSDT was just touched");
        assertEquals(TARGET_FIELDS, jedis.hgetAll(Keys.target("ETHUSDT")).keySet(), "rewritten whole at the next write");

        Instant restart = later.plusSeconds(31);
        Seed.portfolio(jedis, "100000", "0.07", restart.minusSeconds(5));
        Seed.budget(jedis, "BTCUSDT", "30000", restart.minusSeconds(3));
        Seed.budget(jedis, "ETHUSDT", "20000", restart.minusSeconds(3));
        Seed.stress(jedis, "majors", "0.2", "0.5", restart.minusSeconds(10));
        Seed.regime(jedis, "TREND", "0.8", restart.minusSeconds(2));
        WriteResult afterRestart = new OutputWriter(connection, TTL, 100_000).write(
                Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, restart), Mode.ENFORCE, "c-4", fence());
        assertEquals(List.of(WritePlan.Change.CHANGED, WritePlan.Change.TOUCH), afterRestart.changes(),
                "read back from Redis: BTCUSDT's marked regime is a changed label; ETHUSDT's fields all known, touched");
    }

    @Test
    void write_enforceAfterRestart_leftoverTargetOfVanishedSymbolDeleted_foreignKeysKept() {
        seedGoldenOne();
        jedis.hset(Keys.target("GONEUSDT"), Map.of("target_usd", "5", "cap", "none", "base_budget_usd", "5", "ts", "1"));
        jedis.hset(Keys.TARGET_PREFIX + "proposed:GONEUSDT", Map.of("target_usd", "5", "cap", "none", "base_budget_usd", "5"));
        jedis.hset(Keys.target("FOREIGN"), Map.of("target_usd", "5"));

        WriteResult w = writer().write(Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW), Mode.ENFORCE, "c-9", fence());

        assertFalse(jedis.exists(Keys.target("GONEUSDT")), "a previous run's target of a symbol no longer allocated");
        assertTrue(jedis.exists(Keys.TARGET_PREFIX + "proposed:GONEUSDT"));
        assertTrue(jedis.exists(Keys.target("FOREIGN")));
        assertEquals(3, w.roundTrips(), "first enforce write: one SCAN page, one signature pipeline, the units");
        assertEquals(1, writer().write(Allocator.allocate(reader(Map.of()).read().decode(), Policy.DEFAULTS, NOW), Mode.SHADOW, "c-10", fence()).roundTrips());
    }

    private Fence fence() {
        return redis.lead();
    }
}
