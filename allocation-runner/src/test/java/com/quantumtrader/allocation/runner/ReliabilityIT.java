package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * DESIGN section 16 with real runner processes against a real redis-server: a runner with a wrong
 * clock (libfaketime, where installed) and a leader that cannot compute while a standby can.
 * Interval 1 s, lease 3 s.
 */
class ReliabilityIT {

    static final int LEASE_SEC = 3;
    static final int INTERVAL_SEC = 1;
    /** Debian's libfaketime, by architecture. */
    static final Optional<Path> LIBFAKETIME = List.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
            "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1").stream()
            .map(Path::of).filter(Files::exists).findFirst();

    private TestRedis.Embedded server;
    private final Map<String, Process> running = new HashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        server = TestRedis.Embedded.start(TestRedis.freePort());
    }

    @AfterEach
    void tearDown() {
        running.values().forEach(Process::destroyForcibly);
        server.stop();
    }

    private Jedis client() {
        return new Jedis(server.endpoint().host(), server.port());
    }

    /** Redis's clock, epoch seconds. */
    private long redisNow() {
        try (Jedis j = client()) {
            return Long.parseLong(j.time().get(0));
        }
    }

    /** Inputs stamped {@code ageSec} before Redis's clock: drawdown HIGH, CHOP, a stressed cluster (the 10.4x case). */
    private void seed(long ageSec) {
        String ts = Long.toString(redisNow() - ageSec);
        try (Jedis j = client()) {
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("1000000", "0.12", ts));
            for (String s : new String[] {"BTCUSDT", "ETHUSDT"}) {
                j.hset(Keys.budget(s), InputHashes.budget("100000", ts));
                j.hset(Keys.CLUSTER_MAP, s, "majors");
            }
            j.hset(Keys.stress("majors"), InputHashes.stress("0.8", "0.5", ts));
            j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "CHOP", "confidence", "0.9", "timestamp", ts));
        }
    }

    private Process start(String name, Map<String, String> extra) throws Exception {
        int port = ports.computeIfAbsent(name, n -> TestRedis.freePort());
        ProcessBuilder pb = runner(name, server.port(), port, dir.resolve(name + ".log"));
        pb.environment().putAll(extra);
        Process p = pb.start();
        running.put(name, p);
        return p;
    }

    /**
     * A runner process in enforce with interval {@link #INTERVAL_SEC}, lease {@link #LEASE_SEC}, TTL 60 s and a
     * 500 ms Redis timeout, against Redis (or a proxy) on {@code redisPort}, its output appended to {@code log}.
     */
    static ProcessBuilder runner(String name, int redisPort, int metricsPort, Path log) {
        ProcessBuilder pb = EndToEndIT.jar("run");
        Map<String, String> env = pb.environment();
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort + "/0");
        env.put("P29_MODE", "enforce");
        env.put("P29_INTERVAL_SEC", Integer.toString(INTERVAL_SEC));
        env.put("P29_LEASE_SEC", Integer.toString(LEASE_SEC));
        env.put("P29_INSTANCE_ID", name);
        env.put("P29_METRICS_PORT", Integer.toString(metricsPort));
        env.put("TARGET_TTL_SEC", "60");
        env.put("REDIS_TIMEOUT_MS", "500");
        return pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    /** The environment that runs a process with its clock {@code offset} off (libfaketime; the monotonic clock left alone). */
    static Map<String, String> faketime(String offset) {
        return Map.of("LD_PRELOAD", LIBFAKETIME.orElseThrow().toString(), "FAKETIME", offset, "FAKETIME_DONT_FAKE_MONOTONIC", "1");
    }

    private String log(String name) throws Exception {
        Path f = dir.resolve(name + ".log");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    private double metric(String name, String series) {
        return MetricsScrape.metric(MetricsScrape.scrape(ports.get(name)), series);
    }

    private double cycles(String name) {
        return MetricsScrape.cycles(MetricsScrape.scrape(ports.get(name)));
    }

    private Map<String, String> target(String symbol) {
        try (Jedis j = client()) {
            return j.hgetAll(Keys.target(symbol));
        }
    }

    private long epoch() {
        try (Jedis j = client()) {
            String e = j.get(Keys.EPOCH);
            return e == null ? 0 : Long.parseLong(e);
        }
    }

    @ParameterizedTest(name = "FAKETIME={0}")
    @ValueSource(strings = {"-120s", "+120s"})
    void run_clockOffByTwoMinutes_leaderWritesFreshTargetsOnRedisClock(String offset) throws Exception {
        Assumptions.assumeTrue(LIBFAKETIME.isPresent(), "libfaketime not installed (apt-get install faketime)");
        seed(0);
        start("A", faketime(offset));
        ServiceIT.await("A writes BTCUSDT's target", Duration.ofSeconds(30), () -> !target("BTCUSDT").isEmpty());
        Map<String, String> t = target("BTCUSDT");
        long written = Long.parseLong(t.get("timestamp"));
        long redis = redisNow();
        assertTrue(Math.abs(redis - written) <= 5, "target timestamp " + written + " is on Redis's clock " + redis + ": " + t);
        assertEquals("enforce", t.get("mode"));
        assertTrue(Double.parseDouble(t.get("target_usd")) < 100_000 * 0.2, "the throttle holds: " + t);
        double expected = Double.parseDouble(offset.replace("s", ""));
        ServiceIT.await("the clock offset gauge", Duration.ofSeconds(10),
                () -> Math.abs(metric("A", "p29_clock_offset_seconds") - expected) < 5);
        assertTrue(log("A").contains("from Redis's (P29_MAX_CLOCK_OFFSET_SEC=5)"), log("A"));
    }

    @Test
    void run_leaderCannotComputeWhileStandbyCan_leaderYieldsAndStandbyWritesAndKeepsIt() throws Exception {
        seed(30); // 30 s old: stale under STALE_DATA_SEC=10 (runner A, misconfigured), fresh under 3600 (runner B)
        start("A", Map.of("STALE_DATA_SEC", "10"));
        ServiceIT.await("A leads", Duration.ofSeconds(30), () -> metric("A", "p29_leader") == 1.0 && cycles("A") >= 2);
        start("B", Map.of("STALE_DATA_SEC", "3600"));
        long started = System.nanoTime();
        ServiceIT.await("B writes the targets", Duration.ofSeconds(30), () -> !target("BTCUSDT").isEmpty());
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.println(String.format(java.util.Locale.ROOT, "[ReliabilityIT] leader unable to compute: the standby's first target %.1f s"
                + " after it started", seconds));
        assertEquals(1.0, metric("A", "p29_lease_yields_total"), 0.0, log("A"));
        assertEquals(0.0, metric("A", "p29_leader"), 0.0);
        // At least P29_YIELD_AFTER_CYCLES (3): more when A had been skipping before B's first computed cycle.
        assertTrue(java.util.regex.Pattern.compile("Yielding the writer's lease: A completed no write in [3-9] cycles \\(last: skipped\\)"
                + " while B computed").matcher(log("A")).find(), log("A"));
        long epochAfter = epoch();
        double cyclesAfter = cycles("A");
        ServiceIT.await("A runs 5 more cycles", Duration.ofSeconds(20), () -> cycles("A") >= cyclesAfter + 5);
        assertEquals(epochAfter, epoch(), "nobody took the lease back from B");
        assertEquals(1.0, metric("B", "p29_leader"), 0.0);
        assertEquals(0.0, metric("B", "p29_lease_yields_total"), 0.0);
        long ts = Long.parseLong(target("BTCUSDT").get("timestamp"));
        assertTrue(redisNow() - ts <= 30 + 2, "B keeps the target fresh: " + target("BTCUSDT"));
    }

    @Test
    void run_noRunnerCanCompute_leaseStaysWithItsHolder() throws Exception {
        seed(30);
        start("A", Map.of("STALE_DATA_SEC", "10"));
        ServiceIT.await("A leads", Duration.ofSeconds(30), () -> metric("A", "p29_leader") == 1.0);
        start("B", Map.of("STALE_DATA_SEC", "10"));
        long epoch = epoch();
        ServiceIT.await("B runs 8 cycles", Duration.ofSeconds(30), () -> cycles("B") >= 8);
        assertEquals(epoch, epoch(), "the lease did not move");
        assertEquals(1.0, metric("A", "p29_leader"), 0.0);
        assertEquals(0.0, metric("A", "p29_lease_yields_total"), 0.0);
        assertEquals(0.0, metric("B", "p29_lease_yields_total"), 0.0);
        try (Jedis j = client()) {
            Map<String, String> beats = j.hgetAll(Keys.RUNNERS);
            assertNotNull(beats.get("A"), "A's heartbeat: " + beats);
            assertTrue(beats.get("A").startsWith("skipped|") && beats.get("A").endsWith("|leader"), beats.toString());
            assertTrue(beats.get("B").startsWith("skipped|") && beats.get("B").endsWith("|standby"), beats.toString());
        }
    }

    /**
     * A universe beyond P29_MAX_SYMBOLS (the heap's capacity): no crash; the symbols that have a target are kept (so
     * they stay refreshed), the excess is counted and logged, and none of the kept targets is deleted.
     */
    @Test
    void run_universeBeyondCapacity_keepsTheWrittenTargetsFirstCountsTheRestNeverCrashes() throws Exception {
        String ts = Long.toString(redisNow());
        try (Jedis j = client()) {
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("10000000", "0.01", ts));
            for (int i = 0; i < 30; i++) {
                j.hset(Keys.budget(String.format("S%02d", i)), InputHashes.budget("1000", ts));
            }
        }
        Process a = start("A", Map.of("P29_MAX_SYMBOLS", "30"));
        ServiceIT.await("A writes 30 targets", Duration.ofSeconds(30), () -> targets().size() == 30);
        a.destroy(); // SIGTERM: releases the lease
        a.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        try (Jedis j = client()) {
            for (int i = 0; i < 20; i++) { // an upstream bug: 20 more budget keys, all sorting before the real ones
                j.hset(Keys.budget(String.format("A%02d", i)), InputHashes.budget("1000", Long.toString(redisNow())));
            }
        }
        start("B", Map.of("P29_MAX_SYMBOLS", "30"));
        ServiceIT.await("B leads over capacity", Duration.ofSeconds(30), () -> metric("B", "p29_leader") == 1.0
                && metric("B", "p29_universe_over_capacity_total") >= 3);
        assertEquals(20.0, metric("B", "p29_universe_symbols_left_out"), 0.0);
        List<String> kept = targets();
        assertEquals(30, kept.size(), kept.toString());
        assertTrue(kept.stream().allMatch(k -> k.startsWith(Keys.TARGET_PREFIX + "S")), "the written symbols kept, not the first names: " + kept);
        assertTrue(running.get("B").isAlive());
        assertTrue(log("B").contains("ERROR") && log("B").contains("The universe is beyond this runner's capacity: 20 budget keys beyond"
                + " P29_MAX_SYMBOLS=30 are left out"), log("B"));
    }

    /**
     * A leader on a half-open link: its commands reach Redis, no reply comes back. Its first cycle's renewal lands;
     * then its connection times out and every new one hangs in Jedis's handshake (no reply), so nothing more of it
     * reaches Redis: its lease expires and the standby takes over within lease + interval, at a new epoch that
     * fences anything the old leader might still send.
     */
    @Test
    void run_leaderOnAHalfOpenLink_standbyTakesOverWithinLeasePlusIntervalAndWrites() throws Exception {
        seed(0);
        try (ChaosProxy proxy = new ChaosProxy(server.port())) {
            start("A", Map.of("REDIS_URL", "redis://127.0.0.1:" + proxy.port() + "/0", "STALE_DATA_SEC", "3600"));
            ServiceIT.await("A leads and writes", Duration.ofSeconds(30), () -> metric("A", "p29_leader") == 1.0 && !target("BTCUSDT").isEmpty());
            start("B", Map.of("STALE_DATA_SEC", "3600"));
            ServiceIT.await("B is a standby", Duration.ofSeconds(30), () -> metric("B", "p29_leader") == 0.0 && cycles("B") >= 2);
            proxy.set(ChaosProxy.Mode.HALF_OPEN, 0);
            long cut = System.nanoTime();
            long epoch = epoch();
            ServiceIT.await("B takes the lease from A", Duration.ofSeconds(30), () -> metric("B", "p29_leader") == 1.0);
            double seconds = (System.nanoTime() - cut) / 1e9;
            System.out.println(String.format(java.util.Locale.ROOT, "[ReliabilityIT] half-open leader: the standby took the lease %.1f s"
                    + " after the link half-opened", seconds));
            assertTrue(seconds <= LEASE_SEC + 2 * INTERVAL_SEC + 1, "took over after " + seconds + " s");
            assertTrue(epoch() > epoch, "a new epoch fences A");
            ServiceIT.await("B writes", Duration.ofSeconds(10), () -> {
                try (Jedis j = client()) {
                    return "B".equals(j.hget(Keys.STATE, "instance")) && !target("BTCUSDT").isEmpty();
                }
            });
            proxy.set(ChaosProxy.Mode.PASS, 0);
            ServiceIT.await("A back as a standby", Duration.ofSeconds(20), () -> metric("A", "p29_leader") == 0.0);
        }
    }

    private List<String> targets() {
        try (Jedis j = client()) {
            return new java.util.ArrayList<>(new java.util.TreeSet<>(j.keys(Keys.TARGET_PREFIX + "*")));
        }
    }
}
