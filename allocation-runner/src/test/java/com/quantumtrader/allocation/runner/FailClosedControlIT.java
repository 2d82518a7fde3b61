package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * DESIGN section 25, controls fail closed, with real processes: the runner jar in enforce, a halt set with {@code control
 * set} as an operator does, then the control made unreadable by hand as a clumsy operator or an attacker would (a typo,
 * the key turned into a string, a garbage scoped entry over a valid one). The halted targets must stay 0 as the Governor
 * reads them, including after the leader is killed and a standby that never read the control valid takes over. (The third
 * release put P29_MODE back in force: a halted symbol went 0 -> 147,391 within 4 s.)
 */
class FailClosedControlIT {

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;

    private Path env(int port) throws Exception {
        Path env = dir.resolve("fail-closed-" + port + ".env");
        Files.writeString(env, String.join("\n",
                "P29_MODE=enforce",
                "P29_INTERVAL_SEC=1",
                "P29_LEASE_SEC=3",
                "P29_METRICS_BIND=127.0.0.1",
                "P29_METRICS_PORT=" + port,
                "P29_INSTANCE_ID=runner-" + port,
                "TARGET_TTL_SEC=60",
                "P29_TARGET_REFRESH_SEC=2",
                "STALE_DATA_SEC=45",
                "REDIS_TIMEOUT_MS=500",
                "REDIS_URL=" + redis.url(),
                ""));
        return env;
    }

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    private void seed() {
        try (Jedis j = redis.client()) {
            String ts = Long.toString(System.currentTimeMillis() / 1000);
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("1000000", "0.0", ts));
            for (String s : List.of("BTCUSDT", "ETHUSDT")) {
                j.hset(Keys.budget(s), InputHashes.budget("150000", ts, "majors"));
            }
        }
    }

    /** The Governor's limit for a symbol: its target when the hash is enforce and younger than 300 s, else null (no limit). */
    private Double limit(String symbol) {
        try (Jedis j = redis.client()) {
            Map<String, String> t = j.hgetAll(Keys.target(symbol));
            if (t.isEmpty() || !"enforce".equals(t.get("mode"))
                    || System.currentTimeMillis() / 1000 - Long.parseLong(t.get("timestamp")) >= 300) {
                return null;
            }
            return Double.parseDouble(t.get("target_usd"));
        }
    }

    /** For {@code seconds}, every 200 ms: the inputs fresh and {@code symbol}'s limit exactly 0. */
    private void holdsZero(String symbol, double seconds, String while_) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            seed();
            assertEquals(0.0, limit(symbol), symbol + "'s limit while " + while_);
            Thread.sleep(200);
        }
    }

    private static double unreadable(int port, String key) {
        double v = MetricsScrape.metric(MetricsScrape.scrape(port), "p29_control_unreadable_total", "key", key);
        return Double.isNaN(v) ? 0 : v;
    }

    @Test
    void globalHalt_typoThenWrongType_haltHeld_aStandbyThatTakesOverKeepsIt() throws Exception {
        seed();
        int portA = TestRedis.freePort();
        int portB = TestRedis.freePort();
        Path envA = env(portA);
        Path logA = dir.resolve("a.log");
        Process a = EndToEndIT.jar("run", "--env-file", envA.toString()).redirectOutput(logA.toFile()).start();
        Process b = null;
        try {
            ServiceIT.await("targets", Duration.ofSeconds(30), () -> {
                seed();
                return limit("BTCUSDT") != null && limit("BTCUSDT") > 0;
            });
            ScopedControlIT.control(envA, "set", "halt", "--reason", "exchange outage", "--by", "alice");
            ServiceIT.await("halted", Duration.ofSeconds(10), () -> {
                seed();
                return Double.valueOf(0).equals(limit("BTCUSDT")) && Double.valueOf(0).equals(limit("ETHUSDT"));
            });

            try (Jedis j = redis.client()) {
                j.hset(Keys.CONTROL, "mode", "hlat");
            }
            holdsZero("BTCUSDT", 4, "the mode is a typo");
            assertTrue(unreadable(portA, Keys.CONTROL) >= 2, "counted each cycle");

            try (Jedis j = redis.client()) {
                j.del(Keys.CONTROL);
                j.set(Keys.CONTROL, "enforce"); // the wrong type
            }
            holdsZero("BTCUSDT", 3, "the control is a string");

            // A standby started now has never read the control valid: it must take the halt from the state hash.
            Path logB = dir.resolve("b.log");
            b = EndToEndIT.jar("run", "--env-file", env(portB).toString()).redirectOutput(logB.toFile()).start();
            ServiceIT.await("standby up", Duration.ofSeconds(30), () -> !Double.isNaN(MetricsScrape.metric(MetricsScrape.scrape(portB),
                    "p29_leader")));
            a.destroyForcibly();
            assertTrue(a.waitFor(20, TimeUnit.SECONDS));
            ServiceIT.await("the standby leads", Duration.ofSeconds(15), () -> {
                seed();
                assertEquals(0.0, limit("BTCUSDT"), "BTCUSDT's limit during the takeover");
                return MetricsScrape.metric(MetricsScrape.scrape(portB), "p29_leader") == 1.0;
            });
            holdsZero("BTCUSDT", 3, "the new leader cannot read the control either");
            assertTrue(unreadable(portB, Keys.CONTROL) >= 1);
            assertEquals(1.0, MetricsScrape.metric(MetricsScrape.scrape(portB), "p29_mode", "mode", "halt"), 0.0);

            String log = Files.readString(logA);
            long errors = log.lines().filter(l -> l.contains("ERROR") && l.contains("Control quantum:control:allocation cannot be read")).count();
            assertTrue(errors >= 1 && errors <= 2, "one ERROR a minute for the key, was " + errors + ":\n" + log);
            assertTrue(Files.readString(logB).contains("keeping mode halt as last read (set by alice)"), Files.readString(logB));

            try (Jedis j = redis.client()) {
                j.del(Keys.CONTROL); // cleared: no control, P29_MODE (enforce) applies again
            }
            ServiceIT.await("lifted by the operator", Duration.ofSeconds(10), () -> {
                seed();
                return limit("BTCUSDT") != null && limit("BTCUSDT") > 0;
            });
        } finally {
            a.destroyForcibly();
            if (b != null) {
                b.destroy();
                b.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void scopedHalt_garbageOverItThenWrongType_haltHeld_clearedLifts() throws Exception {
        seed();
        int port = TestRedis.freePort();
        Path env = env(port);
        Process runner = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(dir.resolve("run.log").toFile()).start();
        try {
            ScopedControlIT.control(env, "set", "halt", "--symbol", "BTCUSDT", "--reason", "delisting", "--by", "bob");
            ServiceIT.await("BTC halted", Duration.ofSeconds(30), () -> {
                seed();
                return Double.valueOf(0).equals(limit("BTCUSDT")) && limit("ETHUSDT") != null && limit("ETHUSDT") > 0;
            });
            try (Jedis j = redis.client()) {
                j.hset(Keys.SCOPED_CONTROLS, "symbol:BTCUSDT", "{\"action\":\"hlat\"}");
            }
            holdsZero("BTCUSDT", 3, "its scoped entry is garbage");
            try (Jedis j = redis.client()) {
                j.del(Keys.SCOPED_CONTROLS);
                j.set(Keys.SCOPED_CONTROLS, "halt");
            }
            holdsZero("BTCUSDT", 3, "the scoped hash is a string");
            assertTrue(unreadable(port, Keys.SCOPED_CONTROLS) >= 4, "counted each cycle");
            try (Jedis j = redis.client()) {
                j.del(Keys.SCOPED_CONTROLS);
            }
            ServiceIT.await("BTC lifted once the hash is gone", Duration.ofSeconds(10), () -> {
                seed();
                return limit("BTCUSDT") != null && limit("BTCUSDT") > 0;
            });
        } finally {
            runner.destroy();
            runner.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
