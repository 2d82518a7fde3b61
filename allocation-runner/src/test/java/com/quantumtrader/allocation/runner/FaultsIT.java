package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.read.Discovery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.cli.Service;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.metrics.SymbolSeries;
import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.redis.wire.RawInputs;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.read.Discovery;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;

/** Faults and hostile input against a real Redis: each case of docs/reliability.md. */
class FaultsIT {

    static final Pattern PLAIN = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    /** Cycles of the churn soak; raise with -Dsoak.cycles=20000 for a long run. */
    static final int SOAK_CYCLES = Integer.getInteger("soak.cycles", 500);

    private final TestRedis redis = TestRedis.shared();

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    @Test
    void stall_redisBlockedLongerThanTimeout_cycleFailsFastNoOverlapNextSucceeds() throws Exception {
        List<CycleRunner.Report> reports = new CopyOnWriteArrayList<>();
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, "BTCUSDT");
        }
        Map<String, String> env = ServiceIT.env(redis.url(), "enforce");
        env.put("REDIS_TIMEOUT_MS", "300");
        try (Service service = new Service(Config.fromEnv(env), Clock.systemUTC(), reports::add)) {
            service.start();
            ServiceIT.await("a computed cycle", Duration.ofSeconds(10), () -> reports.stream().anyMatch(CycleRunner.Report::computed));
            try (Jedis j = new Jedis(redis.endpoint().host(), redis.endpoint().port(), 10_000)) {
                stall(j, 2500);
                try (Jedis k = redis.client()) {
                    ServiceIT.seed(k, "BTCUSDT");
                }
            }
            int at = reports.size();
            ServiceIT.await("a computed cycle after the stall", Duration.ofSeconds(10),
                    () -> reports.subList(at, reports.size()).stream().anyMatch(CycleRunner.Report::computed));
            assertTrue(MetricsScrape.sum(service.metrics().registry, "p29_redis_errors_total") >= 1, "the stall failed at least one cycle");
        }
        List<CycleRunner.Report> failed = reports.stream().filter(r -> r.failure().isPresent()).toList();
        assertTrue(!failed.isEmpty());
        for (CycleRunner.Report r : failed) {
            assertTrue(r.seconds() < 0.95, "a stalled cycle fails within about the 300 ms timeout, took " + r.seconds() + " s");
        }
        for (int i = 1; i < reports.size(); i++) {
            Instant end = reports.get(i - 1).now().plusNanos((long) (reports.get(i - 1).seconds() * 1e9));
            assertTrue(!reports.get(i).now().isBefore(end.minusMillis(5)), "cycle " + i + " started before the previous one ended");
        }
    }

    /** Blocks the server for {@code millis}: DEBUG SLEEP where allowed, else CLIENT PAUSE (Redis 7 disables DEBUG by default). */
    private static void stall(Jedis j, long millis) throws InterruptedException {
        try {
            j.sendCommand(TestRedis.DEBUG, "SLEEP", Double.toString(millis / 1000.0));
        } catch (JedisDataException e) {
            j.clientPause(millis);
            Thread.sleep(millis);
        }
    }

    @Test
    void writeFailedInsideExec_whatRedisAppliedIsNotForgotten_aSymbolThatCameAndWentLosesItsTarget() {
        Instant now = Instant.now();
        try (Jedis j = redis.client(); Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE)) {
            ServiceIT.seed(j, "AAA", "BBB");
            assertTrue(h.runner.run(now).computed());
            assertEquals(Set.of(Keys.target("AAA"), Keys.target("BBB")), j.keys(Keys.TARGET_PREFIX + "*"));

            // The decision stream key holds a string: XADD fails inside EXEC, every other command applies.
            j.del(Keys.DECISION_STREAM);
            j.set(Keys.DECISION_STREAM, "not a stream");
            j.del(Keys.budget("BBB"));
            ServiceIT.seed(j, "AAA", "CCC");
            CycleRunner.Report failed = h.runner.run(now.plus(Discovery.RESCAN)); // CCC is discovered at the next SCAN
            assertTrue(failed.failure().isPresent() && failed.failure().get().contains("failed inside unit"), failed.toString());
            assertEquals(Set.of(Keys.target("AAA"), Keys.target("CCC")), j.keys(Keys.TARGET_PREFIX + "*"),
                    "Redis applied the targets of the failed cycle");

            j.del(Keys.DECISION_STREAM);
            j.del(Keys.budget("CCC"));
            assertTrue(h.runner.run(now.plus(Discovery.RESCAN).plusSeconds(1)).computed());
            assertEquals(Set.of(Keys.target("AAA")), j.keys(Keys.TARGET_PREFIX + "*"),
                    "CCC came and went while a write failed: its target goes at the next cycle, not after its TTL");
        }
    }

    @Test
    void drawdownFlappingAround5Percent_everyOnePointFiveSecondsForAMinute_zoneChangesOnce_targetsHeld() {
        Policy shipped = PolicySettings.parse(Map.of("DD_HYSTERESIS", "0.005", "DD_RELAX_SEC", "300", "STALE_DATA_SEC", "3600"));
        Instant start = Instant.now();
        try (Jedis j = redis.client(); Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE, shipped)) {
            ServiceIT.seed(j, "BTCUSDT");
            java.util.Set<String> targets = new java.util.HashSet<>();
            for (int i = 0; i < 40; i++) {
                Instant now = start.plusMillis(1500L * i);
                j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", i % 2 == 0 ? "0.051" : "0.049", Long.toString(now.getEpochSecond())));
                assertTrue(h.runner.run(now).computed());
                if (i > 0) {
                    targets.add(j.hget(Keys.target("BTCUSDT"), "target_usd"));
                    assertEquals("MID", j.hget(Keys.target("BTCUSDT"), "drawdown_zone"), "cycle " + i);
                }
            }
            assertEquals(1, targets.size(), "the Governor saw one target, not one per crossing: " + targets);
            assertEquals(0.0, MetricsScrape.sample(h.metrics.registry, "p29_drawdown_zone_changes_total"), 0.0,
                    "MID from the first cycle on: no change of the zone in force");
            assertEquals("MID", j.hget(Keys.STATE, "drawdown_zone"), "the zone in force is in the state hash for a failover");
        }
        redis.flush();
        try (Jedis j = redis.client(); Harness exact = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE,
                PolicySettings.parse(Map.of("STALE_DATA_SEC", "3600")))) {
            ServiceIT.seed(j, "BTCUSDT");
            for (int i = 0; i < 40; i++) {
                Instant now = start.plusMillis(1500L * i);
                j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", i % 2 == 0 ? "0.051" : "0.049", Long.toString(now.getEpochSecond())));
                assertTrue(exact.runner.run(now).computed());
            }
            assertEquals(39.0, MetricsScrape.sample(exact.metrics.registry, "p29_drawdown_zone_changes_total"), 0.0,
                    "without hysteresis the zone follows every crossing");
        }
    }

    @Test
    void staleUpstreams_tenSimulatedMinutes_fallbacksCountedWarningsBoundedTargetsPassThrough() {
        Instant start = Instant.ofEpochSecond(1_767_225_600L);
        String old = Long.toString(start.getEpochSecond() - 120);
        try (Jedis j = redis.client(); Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE)) {
            for (int i = 0; i < 50; i++) {
                j.hset(Keys.budget("S" + i), InputHashes.budget(Integer.toString(10_000 * (i + 1)), old));
                j.hset(Keys.CLUSTER_MAP, "S" + i, "c" + (i % 5));
            }
            for (int c = 0; c < 5; c++) {
                j.hset(Keys.stress("c" + c), InputHashes.stress("0.5", "1", old));
            }
            j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "CHOP", "timestamp", old));
            int cycles = 120; // 10 minutes of 5-second cycles
            CycleResult last = null;
            for (int k = 0; k < cycles; k++) {
                Instant now = start.plusSeconds(5L * k);
                h.nanos.set(5_000_000_000L * k);
                j.hset(Keys.PORTFOLIO, InputHashes.portfolio("1000000", "0.2", Long.toString(now.getEpochSecond())));
                CycleRunner.Report r = h.runner.run(now);
                assertTrue(r.computed(), r.failure().orElse("skipped"));
                last = r.result().get();
            }
            for (String source : new String[] {"budget", "regime", "cluster", "performance"}) {
                double expected = switch (source) {
                    case "regime" -> cycles;
                    case "cluster" -> cycles * 5.0;
                    default -> cycles * 50.0;
                };
                assertEquals(expected, h.sample("p29_stale_fallback_total", new String[] {"data_source"}, new String[] {source}), 0.0, source);
            }
            // One line per source and reason per minute at most: 4 kinds x 11 windows.
            assertTrue(h.warnings() <= 4 * 11, "warning lines in 10 minutes: " + h.warnings());
            assertTrue(h.warnings() >= 4, "each kind warned at least once: " + h.warnings());
            // Stale budgets pass through: min(base, 40 % of equity), then each cluster scaled to 60 % of equity.
            Map<String, Double> clusterSum = new HashMap<>();
            for (int i = 0; i < 50; i++) {
                clusterSum.merge("c" + (i % 5), Math.min(10_000.0 * (i + 1), 400_000), Double::sum);
            }
            for (Decision d : last.decisions()) {
                double base = d.baseBudgetUsd();
                double capped = Math.min(base, 400_000);
                double sum = clusterSum.get(d.clusterId());
                assertEquals(base, d.uncappedUsd(), 0.0);
                assertEquals(sum > 600_000 ? capped * 600_000 / sum : capped, d.targetUsd(), 1e-6, d.symbol());
                assertEquals(0.0, d.confidence());
                assertEquals(List.of(1.0, 1.0, 1.0, 1.0), List.of(d.regimeFactor(), d.clusterFactor(), d.drawdownFactor(), d.performanceFactor()));
                assertTrue(d.fallbacks().contains(DataSource.BUDGET));
            }
        }
    }

    @Test
    void churnSoak_symbolsAndClustersComeAndGo_seriesKeysAndHeapStayBounded() {
        Random rnd = new Random(11);
        Instant start = Instant.ofEpochSecond(1_767_225_600L);
        long heapAt100 = 0;
        try (Jedis j = redis.client(); Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE)) {
            Set<String> live = new java.util.HashSet<>();
            for (int k = 0; k < SOAK_CYCLES; k++) {
                Instant now = start.plusSeconds(5L * k);
                h.nanos.set(5_000_000_000L * k);
                String ts = Long.toString(now.getEpochSecond());
                Pipeline p = j.pipelined();
                p.hset(Keys.PORTFOLIO, InputHashes.portfolio("1000000", "0.03", ts));
                for (int n = 0; n < 10; n++) { // ten symbols leave, ten arrive, each cycle
                    if (!live.isEmpty()) {
                        String gone = live.iterator().next();
                        live.remove(gone);
                        p.del(Keys.budget(gone));
                    }
                    String sym = "S" + rnd.nextInt(5_000);
                    live.add(sym);
                }
                for (String s : live) {
                    p.hset(Keys.budget(s), InputHashes.budget("1000", ts, "c" + (s.hashCode() & 0xff) % 40));
                }
                p.sync();
                CycleRunner.Report r = h.runner.run(now);
                assertTrue(r.computed(), r.failure().orElse("skipped"));
                int clusters = ((CycleResult.Computed) r.result().get()).context().clusterFactors().size();
                List<String> allocated = r.result().get().decisions().stream().map(d -> d.symbol()).toList();
                assertTrue(live.containsAll(allocated), "a vanished symbol is out in the same cycle, cycle " + k);
                if (k % 5 == 0) { // the discovery is rescanned every 25 s (5 cycles here): then every live symbol is in
                    assertEquals(live.size(), allocated.size(), "every live symbol allocated at a rescan, cycle " + k);
                }
                int published = Math.min(allocated.size(), SymbolSeries.MAX_SYMBOLS);
                assertEquals(published, count(h, "p29_target_usd"), "target series == allocated symbols (at most the cap) at cycle " + k);
                assertEquals(published, count(h, "p29_targets_computed_total"));
                assertEquals(clusters, count(h, "p29_cluster_factor"), "cluster series == live clusters");
                if (k == 100) {
                    heapAt100 = usedHeapAfterGc();
                }
            }
            assertTrue(h.runner.run(start.plusSeconds(5L * SOAK_CYCLES).plus(Discovery.RESCAN)).computed()); // a rescan: every live symbol
            assertEquals(live.size(), j.keys(Keys.TARGET_PREFIX + "*").size(), "no target left behind for a vanished symbol");
            long heapAtEnd = usedHeapAfterGc();
            assertTrue(heapAtEnd < heapAt100 + 32_000_000, "heap after GC grew from " + heapAt100 + " to " + heapAtEnd);
        }
    }

    private static long count(Harness h, String name) {
        return MetricsScrape.count(h.metrics.registry, name);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void inputStorm_10000GarbageKeysBeside10000Valid_everyCycleCompletesExactTargetsEveryRejectionCounted() {
        Instant start = Instant.ofEpochSecond(1_767_225_600L);
        String ts = Long.toString(start.getEpochSecond());
        Random rnd = new Random(5);
        Map<String, Map<String, String>> valid = new HashMap<>();
        Map<String, String> validMap = new HashMap<>();
        Map<String, Map<String, String>> validStress = new HashMap<>();
        Map<String, String> regime = Map.of("regime", "TREND", "confidence", "0.9", "timestamp", ts);
        String[] garbage = {"", "nan", "inf", "-inf", "1e999", "abc", "-5", "0x1F", "\u0000", "１", "None"};
        try (Jedis j = redis.client()) {
            Pipeline p = j.pipelined();
            for (int c = 0; c < 500; c++) {
                Map<String, String> stress = InputHashes.stress(Double.toString(rnd.nextDouble()), Double.toString(rnd.nextGaussian()), ts);
                validStress.put("v" + c, stress);
                p.hset(Keys.stress("v" + c), stress);
            }
            for (int i = 0; i < 10_000; i++) {
                Map<String, String> b = InputHashes.budget(Double.toString(rnd.nextDouble() * 100_000), ts);
                valid.put("V" + i, b);
                validMap.put("V" + i, "v" + (i % 500));
                p.hset(Keys.budget("V" + i), b);
                p.hset(Keys.CLUSTER_MAP, "V" + i, "v" + (i % 500));
                String g = garbage[i % garbage.length];
                switch (i % 8) {
                    case 0 -> p.set(Keys.budget("G" + i), g);
                    case 1 -> p.hset(Keys.budget("G" + i), InputHashes.budget("x" + g, ts));
                    case 2 -> p.hset(Keys.budget("G" + i), InputHashes.budget("100", "t" + g));
                    case 3 -> p.hset(Keys.BUDGET_PREFIX + "bad name " + i, InputHashes.budget("1", ts));
                    case 4 -> p.hset(Keys.BUDGET_PREFIX + "L".repeat(70) + i, InputHashes.budget("1", ts));
                    case 5 -> p.rpush(Keys.budget("G" + i), "1", "2");
                    case 6 -> {
                        p.hset(Keys.budget("G" + i), InputHashes.budget("-" + (i + 1), ts));
                        p.hset(Keys.attribution("G" + i), InputHashes.attribution("x" + g, ts));
                    }
                    default -> p.hset(Keys.budget("G" + i), InputHashes.budget(i % 16 == 7 ? "1e400" : "nan", ts));
                }
                if (i % 2000 == 0) {
                    p.sync();
                }
            }
            p.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "BULL_RUN", "timestamp", ts)); // unknown name, older entry
            p.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, regime);
            p.sync();

            Map<String, String> goodPortfolio = InputHashes.portfolio("50000000", "0.09", ts);
            CycleResult alone = Allocator.allocate(InputCodec.decode(new RawInputs(goodPortfolio, valid, validMap, validStress, regime,
                    Optional.empty(), Map.of())), Policy.DEFAULTS, start);
            Map<String, Decision> expected = alone.decisions().stream().collect(Collectors.toMap(Decision::symbol, d -> d));

            try (Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE)) {
                Map<String, Double> rejectedByLabel = new HashMap<>();
                for (int k = 0; k < 6; k++) {
                    boolean flip = k % 2 == 1;
                    j.del(Keys.PORTFOLIO);
                    j.hset(Keys.PORTFOLIO, flip ? InputHashes.portfolio("NaN", "0.09", ts) : goodPortfolio);
                    CycleRunner.Report r = h.runner.run(start);
                    assertTrue(r.failure().isEmpty(), r.failure().orElse(""));
                    CycleResult result = r.result().get();
                    for (Rejection rej : result.rejections()) {
                        rejectedByLabel.merge(rej.source().wireName() + "/" + rej.reason().wireName(), 1.0, Double::sum);
                    }
                    if (flip) {
                        assertTrue(result instanceof CycleResult.Skipped, "garbage portfolio skips the cycle");
                        continue;
                    }
                    assertEquals(expected.keySet(), result.decisions().stream().map(Decision::symbol).collect(Collectors.toSet()));
                    for (Decision d : result.decisions()) {
                        assertEquals(expected.get(d.symbol()), d, d.symbol());
                    }
                }
                assertTrue(rejectedByLabel.getOrDefault("budget/wrong_type", 0.0) > 0 && rejectedByLabel.getOrDefault("budget/bad_name", 0.0) > 0
                        && rejectedByLabel.getOrDefault("budget/invalid_value", 0.0) > 0, rejectedByLabel.toString());
                rejectedByLabel.forEach((label, n) -> {
                    String[] parts = label.split("/");
                    assertEquals(n, h.sample("p29_input_rejected_total", new String[] {"data_source", "reason"}, parts), 0.0, label);
                });
            }
            List<String> targets = new ArrayList<>(j.keys(Keys.TARGET_PREFIX + "*"));
            assertEquals(expected.size(), targets.size());
            Pipeline check = j.pipelined();
            List<Response<Map<String, String>>> hashes = new ArrayList<>();
            targets.forEach(t -> hashes.add(check.hgetAll(t)));
            check.sync();
            for (var h : hashes) {
                for (String f : List.of("target_usd", "weight", "confidence", "base_budget_usd", "performance_factor", "timestamp")) {
                    assertTrue(PLAIN.matcher(h.get().get(f)).matches(), f + "=" + h.get().get(f));
                }
            }
        }
    }
}
