package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * DESIGN section 13 with real processes: the runner jar in {@code run}, steered by the {@code control}
 * command as an operator runs it (another process of the same jar), Redis read as the Governor does.
 * P29_MODE is shadow, so {@code control clear} is seen to hand the mode back.
 */
class OperatorControlIT {

    static final double TOLERANCE = 1e-6;
    static final String[] SYMBOLS = {"BTCUSDT", "ETHUSDT"};

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;
    private Path env;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        redis.flush();
        port = TestRedis.freePort();
        env = dir.resolve("control.env");
        Files.writeString(env, String.join("\n",
                "P29_MODE=shadow",
                "P29_INTERVAL_SEC=1",
                "P29_METRICS_BIND=127.0.0.1",
                "P29_METRICS_PORT=" + port,
                "TARGET_TTL_SEC=60",
                "STALE_DATA_SEC=45",
                "REDIS_TIMEOUT_MS=500",
                "REDIS_URL=" + redis.url(),
                ""));
    }

    /** Fresh inputs: equity 100,000, drawdown 0 (LOW), no regime or cluster: each target is its budget. */
    private void seed(double budgetUsd) {
        try (Jedis j = redis.client()) {
            String ts = Long.toString(Instant.now().getEpochSecond());
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", "0.0", ts));
            for (String s : SYMBOLS) {
                j.hset(Keys.budget(s), InputHashes.budget(Double.toString(budgetUsd), ts));
            }
        }
    }

    /** {@code control ARGS --env-file ENV} as a process; its exit code and output. */
    private String control(String... args) throws Exception {
        return control(0, args);
    }

    private String control(int expectedExit, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("control"));
        all.addAll(List.of(args));
        return command(expectedExit, all);
    }

    /** {@code COMMAND ARGS --env-file ENV} as a process; its output, after checking its exit code. */
    private String command(int expectedExit, List<String> command) throws Exception {
        List<String> all = new ArrayList<>(command);
        String[] args = command.toArray(new String[0]);
        all.addAll(List.of("--env-file", env.toString()));
        Process p = EndToEndIT.jar(all.toArray(new String[0])).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(expectedExit, p.exitValue(), () -> String.join(" ", args) + ":\n" + out);
        return out;
    }

    private Map<String, String> target(String symbol) {
        try (Jedis j = redis.client()) {
            return j.hgetAll(Keys.target(symbol));
        }
    }

    private double targetUsd(String symbol) {
        Map<String, String> t = target(symbol);
        return t.isEmpty() ? Double.NaN : Double.parseDouble(t.get("target_usd"));
    }

    private long streamed() {
        try (Jedis j = redis.client()) {
            return j.xlen(Keys.DECISION_STREAM);
        }
    }

    /**
     * Waits for a cycle that started after now and read these budgets (inputs re-seeded meanwhile): its entry in
     * the cycle stream, whose total base budget is both symbols' (the decision stream records only changes).
     */
    private StreamEntry awaitCycleWith(double budgetUsd) throws Exception {
        StreamEntryID after = new StreamEntryID(System.currentTimeMillis() + 1, 0);
        StreamEntry[] found = new StreamEntry[1];
        ServiceIT.await("a cycle with budgets of " + budgetUsd, Duration.ofSeconds(20), () -> {
            seed(budgetUsd);
            try (Jedis j = redis.client()) {
                for (StreamEntry e : j.xrange(Keys.CYCLE_STREAM, after, new StreamEntryID(Long.MAX_VALUE, Long.MAX_VALUE))) {
                    if (Math.abs(Double.parseDouble(e.getFields().get("total_base_usd")) - SYMBOLS.length * budgetUsd) < TOLERANCE) {
                        found[0] = e;
                        return true;
                    }
                }
                return false;
            }
        });
        return found[0];
    }

    private double metric(String name, String label, String value) {
        return MetricsScrape.metric(MetricsScrape.scrape(port), name, label, value);
    }

    @Test
    void control_enforceReduceShadowEnforceClear_appliedAtNextCycle_noRestart() throws Exception {
        seed(10_000);
        Path log = dir.resolve("run.log");
        Process runner = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(log.toFile()).start();
        try {
            awaitCycleWith(10_000);
            assertTrue(target("BTCUSDT").isEmpty(), "P29_MODE=shadow writes no target");

            // enforce, from the control hash
            String set = control("set", "enforce", "--reason", "go-live after 48 h of shadow", "--by", "alice");
            assertTrue(set.contains("control set: mode enforce (was shadow, P29_MODE, no control hash) by alice: go-live after 48 h of shadow"), set);
            ServiceIT.await("targets", Duration.ofSeconds(20), () -> {
                seed(10_000);
                return targetUsd("BTCUSDT") == 10_000 && targetUsd("ETHUSDT") == 10_000;
            });
            assertEquals(1.0, metric("p29_mode", "mode", "enforce"), 0.0);

            // reduce: budgets doubled -> no target rises
            String reduce = control("set", "reduce", "--reason", "exchange outage", "--by", "bob");
            assertTrue(reduce.contains("control set: mode reduce (was enforce, control hash quantum:control:allocation) by bob: exchange outage"), reduce);
            awaitCycleWith(20_000);
            awaitCycleWith(20_000); // a second cycle: held, not just one cycle late
            for (String s : SYMBOLS) {
                Map<String, String> t = target(s);
                assertEquals(10_000, Double.parseDouble(t.get("target_usd")), TOLERANCE, s + " did not rise with its budget");
                assertEquals("reduce", t.get("cap"), s);
                assertEquals("enforce", t.get("mode"), "the Governor uses it");
                assertEquals("20000.0", t.get("base_budget_usd"));
            }
            assertEquals(1.0, metric("p29_mode", "mode", "reduce"), 0.0);
            assertEquals(0.0, metric("p29_mode", "mode", "enforce"), 0.0);

            // reduce: budgets lowered -> targets fall; raised again -> they stay at the lower value
            awaitCycleWith(4_000);
            awaitCycleWith(4_000);
            assertEquals(4_000, targetUsd("BTCUSDT"), TOLERANCE, "falls with its budget");
            assertEquals("none", target("BTCUSDT").get("cap"));
            awaitCycleWith(10_000);
            awaitCycleWith(10_000);
            assertEquals(4_000, targetUsd("BTCUSDT"), TOLERANCE, "does not rise back");
            assertEquals(4_000, targetUsd("ETHUSDT"), TOLERANCE);

            // shadow: every target gone within one interval, decisions still streamed
            control("set", "shadow", "--reason", "bad upstream", "--by", "bob");
            long setAt = System.nanoTime();
            ServiceIT.await("targets gone", Duration.ofSeconds(5), () -> target("BTCUSDT").isEmpty() && target("ETHUSDT").isEmpty());
            double goneAfter = (System.nanoTime() - setAt) / 1e9;
            long before = streamed();
            awaitCycleWith(12_000); // budgets moved: the change is streamed, in shadow as what enforce would write
            assertTrue(streamed() >= before + 2, "decisions still streamed in shadow");
            assertTrue(target("BTCUSDT").isEmpty());

            // enforce: targets back (at the computed values, reduce's hold is over)
            control("set", "enforce", "--reason", "upstream fixed", "--by", "alice");
            ServiceIT.await("targets back", Duration.ofSeconds(20), () -> {
                seed(10_000);
                return targetUsd("BTCUSDT") == 10_000 && targetUsd("ETHUSDT") == 10_000;
            });
            assertEquals("none", target("BTCUSDT").get("cap"));

            // clear: P29_MODE (shadow) again, so the targets go; that deletes them, so it asks for --yes first
            String refused = control(2, "clear", "--reason", "back to the env file", "--by", "alice");
            assertTrue(refused.contains("control clear: refused: P29_MODE=shadow would apply instead of enforce: every target will be deleted"
                    + " at the next cycle; add --yes to clear"), refused);
            assertEquals(10_000, targetUsd("BTCUSDT"), TOLERANCE, "a refused clear changes nothing");
            String clear = control("clear", "--yes", "--reason", "back to the env file", "--by", "alice");
            assertTrue(clear.contains("control cleared (was enforce): P29_MODE=shadow applies from every runner's next cycle: every target"
                    + " will be deleted next cycle"), clear);
            ServiceIT.await("targets gone after clear", Duration.ofSeconds(5), () -> target("BTCUSDT").isEmpty());
            assertEquals(1.0, metric("p29_mode", "mode", "shadow"), 0.0);

            // the audit stream and the runner's log
            try (Jedis j = redis.client()) {
                List<String> actions = new ArrayList<>();
                for (StreamEntry e : j.xrange(Keys.CONTROL_STREAM, "-", "+")) {
                    actions.add(e.getFields().get("action") + " " + e.getFields().get("mode") + " " + e.getFields().get("by"));
                }
                assertEquals(List.of("set enforce alice", "set reduce bob", "set shadow bob", "set enforce alice", "clear  alice"), actions);
            }
            String text = Files.readString(log);
            assertTrue(text.contains("Mode in force: enforce -> reduce (control hash quantum:control:allocation, set by bob at "), text);
            assertTrue(text.contains(": exchange outage)"), text);
            assertTrue(text.contains("Mode in force: reduce -> shadow (control hash quantum:control:allocation, set by bob at "), text);
            assertTrue(text.contains("; retracting every target this cycle"), text);
            assertTrue(text.contains("Mode in force: enforce -> shadow (P29_MODE=shadow, no control hash)"), text);
            assertTrue(runner.isAlive());
            System.out.printf("shadow set -> every target gone after %.2f s (interval 1 s)%n", goneAfter);
        } finally {
            runner.destroy();
            assertTrue(runner.waitFor(20, TimeUnit.SECONDS));
        }
    }

    /** DESIGN section 25: a control hash that cannot be read keeps the one last read valid (here enforce over P29_MODE=shadow). */
    @Test
    void control_garbageModeOrWrongType_countedAndHeld_theModeLastReadStays_noCrash() throws Exception {
        seed(10_000);
        Path log = dir.resolve("run.log");
        Process runner = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(log.toFile()).start();
        try {
            control("set", "enforce", "--reason", "go-live", "--by", "alice");
            ServiceIT.await("targets", Duration.ofSeconds(20), () -> {
                seed(10_000);
                return !target("BTCUSDT").isEmpty();
            });
            try (Jedis j = redis.client()) {
                j.hset(Keys.CONTROL, "mode", "ENFORCE!"); // a typo by hand
            }
            ServiceIT.await("garbage counted", Duration.ofSeconds(20), () -> {
                seed(10_000);
                return MetricsScrape.metric(MetricsScrape.scrape(port), "p29_control_unreadable_total", "key", Keys.CONTROL) >= 2;
            });
            assertEquals(1.0, metric("p29_mode", "mode", "enforce"), 0.0, "the mode last read stays in force, not P29_MODE=shadow");
            assertFalse(target("BTCUSDT").isEmpty(), "no retraction");
            String show = control("show");
            assertTrue(show.contains("mode in force: enforce (held: the control hash cannot be read (mode: must be enforce, reduce, halt or"
                    + " shadow, was 'ENFORCE!'); the control last read valid stays in force)"), show);

            double counted = MetricsScrape.metric(MetricsScrape.scrape(port), "p29_control_unreadable_total", "key", Keys.CONTROL);
            try (Jedis j = redis.client()) {
                j.del(Keys.CONTROL);
                j.set(Keys.CONTROL, "enforce"); // the wrong type
            }
            ServiceIT.await("wrong type counted", Duration.ofSeconds(20), () -> {
                seed(10_000);
                return MetricsScrape.metric(MetricsScrape.scrape(port), "p29_control_unreadable_total", "key", Keys.CONTROL) >= counted + 2;
            });
            assertTrue(control("show").contains("held: the control hash cannot be read (quantum:control:allocation holds the wrong Redis type"
                    + " (must be a hash))"));
            assertFalse(target("BTCUSDT").isEmpty(), "no retraction");
            double computed = MetricsScrape.metric(MetricsScrape.scrape(port), "p29_cycles_total", "outcome", "computed");
            awaitCycleWith(10_000);
            assertTrue(MetricsScrape.metric(MetricsScrape.scrape(port), "p29_cycles_total", "outcome", "computed") > computed, "cycles go on");
            assertEquals(0.0, MetricsScrape.metric(MetricsScrape.scrape(port), "p29_cycles_total", "outcome", "failed"), 0.0);
            assertTrue(runner.isAlive());
            assertTrue(Files.readString(log).contains("Control quantum:control:allocation cannot be read: mode: must be enforce, reduce, halt"
                    + " or shadow, was 'ENFORCE!'; keeping mode enforce as last read (set by alice)"));
        } finally {
            runner.destroy();
            assertTrue(runner.waitFor(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void retract_whileALeaderWritesInEnforce_refusedNamingIt_forceWarns_afterTheRunnerStops_retracts() throws Exception {
        seed(10_000);
        control("set", "enforce", "--reason", "go-live", "--by", "alice");
        Process runner = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(dir.resolve("run.log").toFile()).start();
        try {
            ServiceIT.await("targets", Duration.ofSeconds(20), () -> {
                seed(10_000);
                return targetUsd("BTCUSDT") == 10_000;
            });
            String refused = command(2, List.of("retract"));
            assertTrue(refused.matches("(?s).*retract: refused: \\S+ holds the writer's lease in mode enforce and would rewrite every"
                    + " target at its next cycle; 'control set shadow --reason TEXT' deletes them and keeps them deleted.*"), refused);
            assertEquals(10_000, targetUsd("BTCUSDT"), TOLERANCE, "a refused retract deletes nothing");
            String forced = command(0, List.of("retract", "--force"));
            assertTrue(forced.contains("retracted 2 target hashes"), forced);
            assertTrue(forced.contains("holds the writer's lease in mode enforce: it rewrites them at its next cycle"), forced);
            ServiceIT.await("the leader rewrote them", Duration.ofSeconds(10), () -> {
                seed(10_000);
                return targetUsd("BTCUSDT") == 10_000;
            });
        } finally {
            runner.destroy();
            assertTrue(runner.waitFor(20, TimeUnit.SECONDS));
        }
        String after = command(0, List.of("retract"));
        assertTrue(after.contains("retracted 2 target hashes") && !after.contains("warning"), after);
    }
}
