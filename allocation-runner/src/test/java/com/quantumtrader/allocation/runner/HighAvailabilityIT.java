package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.read.InputReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * DESIGN section 10 with real processes: runner jars against a real redis-server, killed (SIGKILL),
 * frozen (SIGSTOP/SIGCONT) and restarted. The runners differ in REGIME_FACTOR_TREND, so every target
 * value and every decision entry names its writer. The suite runs each takeover once; {@code -Dha.trials=10} repeats
 * the takeover measurements (docs/operations.md quotes them).
 */
class HighAvailabilityIT {

    private static final Logger LOG = LoggerFactory.getLogger(HighAvailabilityIT.class);
    static final int LEASE_SEC = 3;
    static final int INTERVAL_SEC = 1;
    static final int TRIALS = Integer.getInteger("ha.trials", 1);
    /** The regime factor of each runner: its signature in every value it writes. */
    static final Map<String, String> FACTOR = Map.of("A", "1.2", "B", "1.0", "C", "0.8");

    private TestRedis.Embedded server;
    private final Map<String, Process> running = new HashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private Map<String, String> writerOfTarget; // target_usd of BTCUSDT -> runner

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        server = TestRedis.Embedded.start(TestRedis.freePort());
        seed();
    }

    @AfterEach
    void tearDown() {
        running.values().forEach(p -> {
            cont(p);
            p.destroyForcibly();
        });
        server.stop();
    }

    private Jedis client() {
        return new Jedis(server.endpoint().host(), server.port());
    }

    private void seed() throws Exception {
        try (Jedis j = client()) {
            ServiceIT.seed(j, "BTCUSDT", "ETHUSDT");
        }
        writerOfTarget = new HashMap<>();
        try (RedisConnection c = new RedisConnection(server.endpoint())) {
            var inputs = Harness.reader(c).read().decode();
            for (Map.Entry<String, String> f : FACTOR.entrySet()) {
                Policy p = PolicySettings.parse(Map.of("REGIME_FACTOR_TREND", f.getValue(), "STALE_DATA_SEC", "3600"));
                Decision btc = Allocator.allocate(inputs, p, Instant.now()).decisions().get(0);
                writerOfTarget.put(com.quantumtrader.allocation.core.Scalars.formatDecimal(btc.targetUsd()), f.getKey());
            }
        }
        assertEquals(3, writerOfTarget.size(), "the three runners write three different targets");
    }

    private Process start(String name) throws Exception {
        int port = ports.computeIfAbsent(name, n -> TestRedis.freePort());
        ProcessBuilder pb = EndToEndIT.jar("run");
        Map<String, String> env = pb.environment();
        env.put("REDIS_URL", "redis://127.0.0.1:" + server.port() + "/0");
        env.put("P29_MODE", "enforce");
        env.put("P29_INTERVAL_SEC", Integer.toString(INTERVAL_SEC));
        env.put("P29_LEASE_SEC", Integer.toString(LEASE_SEC));
        env.put("P29_INSTANCE_ID", name);
        env.put("P29_METRICS_PORT", Integer.toString(port));
        env.put("TARGET_TTL_SEC", "60");
        env.put("STALE_DATA_SEC", "3600");
        env.put("REDIS_TIMEOUT_MS", "500");
        env.put("REGIME_FACTOR_TREND", FACTOR.get(name));
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        running.put(name, p);
        return p;
    }

    private String log(String name) throws Exception {
        Path f = dir.resolve(name + ".log");
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    static void signal(Process p, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void cont(Process p) {
        if (p.isAlive()) {
            signal(p, "CONT");
        }
    }

    /** Who wrote the BTCUSDT target now, by its value (null: no target). */
    private String targetWriter() {
        try (Jedis j = client()) {
            String usd = j.hget(Keys.target("BTCUSDT"), "target_usd");
            return usd == null ? null : writerOfTarget.getOrDefault(usd, "?" + usd);
        }
    }

    /**
     * The writer of every cycle stream entry, in stream order, with its entry id: the entry's {@code instance},
     * written in the same fenced write as the targets (the decision stream only records changes, DESIGN section 12).
     */
    private List<Map.Entry<String, String>> streamWriters() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        try (Jedis j = client()) {
            for (StreamEntry e : j.xrange(Keys.CYCLE_STREAM, "-", "+")) {
                out.add(Map.entry(e.getID().toString(), e.getFields().get("instance")));
            }
        }
        return out;
    }

    /** Runs of the same writer in the decision stream: A A B B A -> [A, B, A]. */
    private List<String> writerRuns() {
        List<String> runs = new ArrayList<>();
        for (Map.Entry<String, String> e : streamWriters()) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(e.getValue())) {
                runs.add(e.getValue());
            }
        }
        return runs;
    }

    private double metric(String name, String series) {
        return MetricsScrape.metric(MetricsScrape.scrape(ports.get(name)), series);
    }

    private void awaitLeader(String name) throws Exception {
        ServiceIT.await(name + " leads and writes", Duration.ofSeconds(30), () -> name.equals(targetWriter())
                && metric(name, "p29_leader") == 1.0);
    }

    private int readyz(String name) {
        try {
            return MetricsScrape.get(ports.get(name), "/readyz").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void sigkillLeader_standbyWritesWithinLeasePlusInterval_restartedRunnerStaysStandby() throws Exception {
        start("A");
        awaitLeader("A");
        start("B");
        ServiceIT.await("B is a ready standby", Duration.ofSeconds(30), () -> metric("B", "p29_leader") == 0.0
                && MetricsScrape.cycles(MetricsScrape.scrape(ports.get("B"))) >= 2 && readyz("B") == 200);
        Thread.sleep(2000);
        assertEquals(List.of("A"), writerRuns(), "two runners, exactly one writes");

        List<Double> takeovers = new ArrayList<>();
        String leader = "A";
        for (int trial = 0; trial < TRIALS; trial++) {
            String standby = leader.equals("A") ? "B" : "A";
            running.get(leader).destroyForcibly(); // SIGKILL
            long killed = System.nanoTime();
            ServiceIT.await(standby + " takes over", Duration.ofSeconds(LEASE_SEC + INTERVAL_SEC + 10),
                    () -> standby.equals(targetWriter()));
            double seconds = (System.nanoTime() - killed) / 1e9;
            takeovers.add(seconds);
            assertTrue(seconds <= LEASE_SEC + INTERVAL_SEC + 0.5, "takeover after SIGKILL took " + seconds + " s");
            running.get(leader).waitFor(10, TimeUnit.SECONDS);
            start(leader); // restarted: finds the lease held and stays standby
            String restarted = leader;
            ServiceIT.await(restarted + " back as a standby", Duration.ofSeconds(30), () -> metric(restarted, "p29_leader") == 0.0
                    && MetricsScrape.cycles(MetricsScrape.scrape(ports.get(restarted))) >= 2);
            assertEquals(standby, targetWriter(), "the restarted runner did not take the lease back");
            leader = standby;
        }
        assertEquals(1.0, metric(leader, "p29_leader"), 0.0);
        assertEquals(TRIALS + 1, writerRuns().size(), "one switch of writer per takeover, never back and forth: " + writerRuns());
        LOG.info("takeover after SIGKILL, {} trials, lease {} s, interval {} s: {}", TRIALS, LEASE_SEC, INTERVAL_SEC, summary(takeovers));
        assertTrue(log(leader).contains("Took the writer's lease: " + leader + " leads at epoch"), log(leader));
    }

    @Test
    void sigstopLeaderPastLease_otherTakesOver_sigcontWokenRunnerLandsNothingAndStandsBy() throws Exception {
        try (Jedis j = client()) {
            // 5,000 more symbols: a cycle then spends long enough between renewing the lease and writing that
            // a leader frozen right after its renewal wakes up with a computed cycle to write: the fence must refuse it.
            String[] many = new String[5000];
            Arrays.setAll(many, i -> "S" + i);
            ServiceIT.seed(j, many);
        }
        start("A");
        awaitLeader("A");
        start("B");
        ServiceIT.await("B standby", Duration.ofSeconds(30), () -> metric("B", "p29_leader") == 0.0);
        List<Double> takeovers = new ArrayList<>();
        String leader = "A";
        for (int trial = 0; trial < TRIALS; trial++) {
            String standby = leader.equals("A") ? "B" : "A";
            Process frozen = running.get(leader);
            freezeRightAfterRenewal(frozen);
            long stopped = System.nanoTime();
            ServiceIT.await(standby + " takes over", Duration.ofSeconds(LEASE_SEC + INTERVAL_SEC + 10),
                    () -> standby.equals(targetWriter()));
            takeovers.add((System.nanoTime() - stopped) / 1e9);
            // The cycle entry is the last unit of a write, so it can land a moment after the targets: wait for it.
            ServiceIT.await(standby + "'s first cycle entry", Duration.ofSeconds(10), () -> {
                List<Map.Entry<String, String>> w = streamWriters();
                return !w.isEmpty() && standby.equals(w.get(w.size() - 1).getValue());
            });
            List<Map.Entry<String, String>> atTakeover = streamWriters();
            StreamEntryID takeoverId = new StreamEntryID(atTakeover.get(atTakeover.size() - 1).getKey());
            Thread.sleep(1000);
            signal(frozen, "CONT");
            String woken = leader;
            ServiceIT.await(woken + " steps down", Duration.ofSeconds(10), () -> metric(woken, "p29_leader") == 0.0);
            Thread.sleep(3000);
            int checked = 0;
            for (Map.Entry<String, String> e : streamWriters()) {
                if (new StreamEntryID(e.getKey()).compareTo(takeoverId) >= 0) {
                    assertEquals(standby, e.getValue(), "entry " + e.getKey() + " landed from the woken runner " + woken);
                    checked++;
                }
            }
            assertTrue(checked >= 3, "entries since the takeover checked: " + checked);
            assertEquals(standby, targetWriter());
            try (Jedis j = client()) {
                assertEquals(standby, j.hget(Keys.STATE, StateHash.INSTANCE));
            }
            assertTrue(log(woken).contains("Standby: " + woken + " lost the lease") || log(woken).contains("Write fenced"), log(woken));
            leader = standby;
        }
        // (The decision stream holds ~20 cycles of 5,002 symbols at its MAXLEN: each trial checked its own tail above.)
        double fenced = metric("A", "p29_fenced_writes_total") + metric("B", "p29_fenced_writes_total");
        assertTrue(fenced >= 1, "at least one woken leader tried to write its cycle and was refused, was " + fenced);
        LOG.info("takeover after SIGSTOP, {} trials, lease {} s, interval {} s: {}; fenced writes counted: {}", TRIALS, LEASE_SEC,
                INTERVAL_SEC, summary(takeovers), fenced);
    }

    @Test
    void startedTogether_leaseDeletedAndOverwritten_redisRestarted_neverTwoWritersNeverACrash() throws Exception {
        start("A");
        start("B");
        ServiceIT.await("one of two started together leads", Duration.ofSeconds(30), () -> targetWriter() != null);
        Thread.sleep(2000);
        assertEquals(1.0, metric("A", "p29_leader") + metric("B", "p29_leader"), 0.0, "exactly one leader");
        assertEquals(1, writerRuns().size(), writerRuns().toString());

        try (Jedis j = client()) {
            j.del(Keys.LEADER); // by hand
        }
        Thread.sleep(3000);
        try (Jedis j = client()) {
            j.set(Keys.LEADER, "someone-by-hand", redis.clients.jedis.params.SetParams.setParams().px(2000)); // by hand, expiring
        }
        Thread.sleep(5000);
        ServiceIT.await("a runner leads again", Duration.ofSeconds(30),
                () -> metric("A", "p29_leader") + metric("B", "p29_leader") == 1.0);

        server.stop(); // Redis restarted: every key, the lease and the epoch included, is gone
        Thread.sleep(2000);
        server.restart();
        seed();
        ServiceIT.await("targets again after the Redis restart", Duration.ofSeconds(30), () -> targetWriter() != null);
        Thread.sleep(3000);
        assertEquals(1.0, metric("A", "p29_leader") + metric("B", "p29_leader"), 0.0, "exactly one leader");
        for (String name : List.of("A", "B")) {
            assertTrue(running.get(name).isAlive(), name + " is alive; log:\n" + log(name));
        }
        int takeovers = count(log("A") + log("B"), "Took the writer's lease");
        List<String> runs = writerRuns();
        assertTrue(runs.size() <= takeovers, "every change of writer in the stream is a takeover: runs " + runs + ", takeovers " + takeovers);
        assertTrue(runs.stream().allMatch(w -> w.equals("A") || w.equals("B")), runs.toString());
    }

    @Test
    void randomKillStopContSchedule_threeRunners_everyChangeOfWriterIsATakeover() throws Exception {
        long seed = Long.getLong("ha.seed", System.nanoTime());
        LOG.info("random HA schedule, seed {} (-Dha.seed={} repeats it)", seed, seed);
        java.util.Random rnd = new java.util.Random(seed);
        List<String> names = List.of("A", "B", "C");
        for (String n : names) {
            start(n);
        }
        ServiceIT.await("a leader", Duration.ofSeconds(30), () -> targetWriter() != null);
        Map<String, Boolean> stopped = new HashMap<>();
        List<String> schedule = new ArrayList<>();
        for (int step = 0; step < 14; step++) {
            String holder;
            try (Jedis j = client()) {
                holder = j.get(Keys.LEADER);
            }
            // mostly the leader: that is where a fence matters
            String n = holder != null && rnd.nextInt(5) < 3 ? holder : names.get(rnd.nextInt(names.size()));
            Process p = running.get(n);
            int action = rnd.nextInt(3);
            if (!p.isAlive()) {
                start(n);
                schedule.add("start " + n);
            } else if (action == 0) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                stopped.remove(n);
                schedule.add("kill " + n);
            } else if (action == 1 && !stopped.getOrDefault(n, false)) {
                signal(p, "STOP");
                stopped.put(n, true);
                schedule.add("stop " + n);
            } else {
                cont(p);
                stopped.remove(n);
                schedule.add("cont " + n);
            }
            Thread.sleep(500 + rnd.nextInt(2500));
        }
        for (String n : names) {
            if (!running.get(n).isAlive()) {
                start(n);
            }
            cont(running.get(n));
        }
        ServiceIT.await("one leader after the schedule", Duration.ofSeconds(30), () -> names.stream()
                .mapToDouble(n -> metric(n, "p29_leader")).sum() == 1.0);
        Thread.sleep(3000);
        int takeovers = count(log("A") + log("B") + log("C"), "Took the writer's lease");
        List<String> runs = writerRuns();
        LOG.info("schedule {} -> writer runs {}, takeovers {}", schedule, runs, takeovers);
        assertTrue(runs.size() <= takeovers, "every change of writer in the stream is a takeover: schedule " + schedule
                + ", runs " + runs + ", takeovers " + takeovers);
        String holder;
        try (Jedis j = client()) {
            holder = j.get(Keys.LEADER);
        }
        assertEquals(holder, targetWriter(), "the target is the lease holder's");
        assertEquals(holder, runs.get(runs.size() - 1));
    }

    /** SIGSTOP as soon as the lease's PTTL shows a fresh renewal: the runner is then inside its cycle, before its write. */
    private void freezeRightAfterRenewal(Process p) throws Exception {
        try (Jedis j = client()) {
            long last = j.pttl(Keys.LEADER);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                long now = j.pttl(Keys.LEADER);
                if (now > last + 200) {
                    signal(p, "STOP");
                    return;
                }
                last = now;
            }
        }
        throw new AssertionError("no lease renewal seen in 10 s");
    }

    private static String summary(List<Double> seconds) {
        double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(java.util.Locale.ROOT, "median %.2f s, worst %.2f s, all %s", s[s.length / 2], s[s.length - 1],
                Arrays.toString(Arrays.stream(s).map(v -> Math.round(v * 100) / 100.0).toArray()));
    }
}
