package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * DESIGN section 17 with real processes: the runner jar in {@code run} (enforce, 1 s interval, ramp on), steered by
 * {@code control set halt --symbol}, {@code --for 3s}, {@code --cluster ... reduce} and {@code control clear} as an
 * operator runs them, and the targets read the way the Governor reads them: a symbol's limit is its target hash when
 * that says {@code mode=enforce} and is younger than 300 s, else there is none.
 */
class ScopedControlIT {

    static final double TOLERANCE = 1e-6;
    /** BTC and ETH in cluster majors, DOGE in memes; equity 100,000, drawdown 0: each target is its budget. */
    static final Map<String, String> CLUSTERS = Map.of("BTCUSDT", "majors", "ETHUSDT", "majors", "DOGEUSDT", "memes");

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;
    private Path env;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        redis.flush();
        env = dir.resolve("scoped.env");
        port = TestRedis.freePort();
        Files.writeString(env, String.join("\n",
                "P29_MODE=enforce",
                "P29_INTERVAL_SEC=1",
                "P29_METRICS_BIND=127.0.0.1",
                "P29_METRICS_PORT=" + port,
                "TARGET_TTL_SEC=60",
                "P29_TARGET_REFRESH_SEC=2",
                // 10 x the base budget per minute (the most allowed): 0 -> 10,000 in about 6 s, so the ramp is seen over ~6 cycles
                "P29_MAX_RAISE_PCT=10",
                "STALE_DATA_SEC=45",
                "REDIS_TIMEOUT_MS=500",
                "REDIS_URL=" + redis.url(),
                ""));
    }

    private void seed(double dogeBudget) {
        try (Jedis j = redis.client()) {
            String ts = Long.toString(System.currentTimeMillis() / 1000);
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", "0.0", ts));
            CLUSTERS.forEach((s, c) -> j.hset(Keys.budget(s), InputHashes.budget(s.equals("DOGEUSDT") ? Double.toString(dogeBudget) : "10000",
                    ts, c)));
        }
    }

    private String control(String... args) throws Exception {
        return control(env, args);
    }

    /** {@code control ARGS --env-file ENV} run by the jar as an operator runs it; its output, after checking it exited 0. */
    static String control(Path env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("control"));
        all.addAll(List.of(args));
        all.addAll(List.of("--env-file", env.toString()));
        Process p = EndToEndIT.jar(all.toArray(new String[0])).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> String.join(" ", args) + ":\n" + out);
        return out;
    }

    /** The Governor's view of a symbol: its target when the hash says enforce and is younger than 300 s, else null (no limit). */
    private Map<String, String> governor(String symbol) {
        try (Jedis j = redis.client()) {
            Map<String, String> t = j.hgetAll(Keys.target(symbol));
            if (t.isEmpty() || !"enforce".equals(t.get("mode"))) {
                return null;
            }
            long age = System.currentTimeMillis() / 1000 - Long.parseLong(t.get("timestamp"));
            return age < 300 ? t : null;
        }
    }

    private boolean is(String symbol, double usd, String cap) {
        Map<String, String> t = governor(symbol);
        return t != null && Math.abs(Double.parseDouble(t.get("target_usd")) - usd) < TOLERANCE && cap.equals(t.get("cap"));
    }

    /** Waits for {@code condition}, re-seeding the inputs, and checks on every poll that every symbol has a limit. */
    private void await(String what, double dogeBudget, java.util.function.BooleanSupplier condition) throws Exception {
        ServiceIT.await(what, Duration.ofSeconds(30), () -> {
            seed(dogeBudget);
            for (String s : CLUSTERS.keySet()) {
                assertTrue(governor(s) != null, () -> s + " has no limit (no fresh enforce target) while " + what);
            }
            return condition.getAsBoolean();
        });
    }

    @Test
    void scopedControls_haltForReduceClear_theGovernorSeesEachAndNoSymbolEverLosesItsLimit() throws Exception {
        seed(10_000);
        Path log = dir.resolve("run.log");
        Process runner = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(log.toFile()).start();
        try {
            ServiceIT.await("first targets", Duration.ofSeconds(30), () -> {
                seed(10_000);
                return CLUSTERS.keySet().stream().allMatch(s -> is(s, 10_000, "none"));
            });

            // 1. halt one symbol: 0 with cap halt, the others untouched
            String halt = control("set", "halt", "--symbol", "BTCUSDT", "--reason", "exchange halted BTC deposits", "--by", "alice");
            assertTrue(halt.contains("control set: symbol:BTCUSDT halt until cleared by alice: exchange halted BTC deposits"), halt);
            await("BTC halted", 10_000, () -> is("BTCUSDT", 0, "halt") && is("ETHUSDT", 10_000, "none") && is("DOGEUSDT", 10_000, "none"));
            // the metrics of that cycle: one halted target, the book at 20,000 of 100,000
            ServiceIT.await("metrics of the halt", Duration.ofSeconds(10), () -> {
                String body = MetricsScrape.scrape(port);
                return MetricsScrape.metric(body, "p29_targets_by_cap", "cap", "halt") == 1
                        && MetricsScrape.metric(body, "p29_targets_by_cap", "cap", "none") == 2
                        && Math.abs(MetricsScrape.metric(body, "p29_gross_exposure_ratio") - 0.2) < 1e-9;
            });

            // 2. a halt for 3 s: applied, then it ends by itself and the target ramps back up (cap ramp on the way)
            String timed = control("set", "halt", "--symbol", "ETHUSDT", "--for", "3s", "--reason", "news in 3 s");
            assertTrue(timed.contains("control set: symbol:ETHUSDT halt until "), timed);
            await("ETH halted", 10_000, () -> is("ETHUSDT", 0, "halt"));
            Set<String> ethCaps = new LinkedHashSet<>();
            await("ETH back at its budget after the halt expired", 10_000, () -> {
                Map<String, String> t = governor("ETHUSDT");
                ethCaps.add(t.get("cap"));
                return is("ETHUSDT", 10_000, "none");
            });
            assertTrue(ethCaps.contains("ramp"), "the rise after the halt was ramped: " + ethCaps);

            // 3. reduce a cluster, then its member's budget doubles: held at what is written
            control("set", "reduce", "--cluster", "memes", "--reason", "memes desk call");
            await("DOGE held under reduce while its budget doubled", 20_000, () -> is("DOGEUSDT", 10_000, "reduce"));
            await("...and stays held", 20_000, () -> is("DOGEUSDT", 10_000, "reduce") && is("BTCUSDT", 0, "halt"));

            // 4. control show lists who, why, since and until
            String show = control("show");
            assertTrue(show.contains("scoped controls (quantum:control:allocation:scoped): 3"), show);
            assertTrue(show.contains("symbol:BTCUSDT halt by alice since "), show);
            assertTrue(show.contains("cluster:memes reduce by "), show);
            assertTrue(show.matches("(?s).*symbol:ETHUSDT halt by .* until [0-9T:Z-]+ \\(expired: ignored\\): news in 3 s.*"), show);

            // 5. clear the halt and the reduce: both rise, ramped, to what the rules give
            String clear = control("clear", "--symbol", "BTCUSDT", "--cluster", "memes", "--reason", "all clear");
            assertTrue(clear.contains("control cleared: symbol:BTCUSDT (was {\"action\":\"halt\""), clear);
            Set<String> btcCaps = new LinkedHashSet<>();
            await("BTC and DOGE back at their budgets", 20_000, () -> {
                btcCaps.add(governor("BTCUSDT").get("cap"));
                return is("BTCUSDT", 10_000, "none") && is("DOGEUSDT", 20_000, "none");
            });
            assertTrue(btcCaps.contains("ramp"), "BTC's rise from 0 was ramped: " + btcCaps);
        } finally {
            runner.destroy();
            runner.waitFor(20, TimeUnit.SECONDS);
        }
        String logged = Files.readString(log);
        assertTrue(logged.contains("Scoped control symbol:ETHUSDT (halt, by "), logged);
        assertEquals(1, logged.split("Scoped control symbol:ETHUSDT \\(halt", -1).length - 1, "an expired control is logged once");
    }
}
