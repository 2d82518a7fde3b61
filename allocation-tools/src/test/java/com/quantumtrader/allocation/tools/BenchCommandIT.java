package com.quantumtrader.allocation.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.TestRedis;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The bench runs real cycles and reports every phase; it refuses to seed a Redis holding quantum:* keys. */
class BenchCommandIT {

    private final TestRedis redis = TestRedis.shared();

    @Test
    void bench_smallUniverse_reportsPhasesRoundTripsCpuGcProbeAndRss() {
        redis.flush();
        String[] r = DemoIT.run("bench", "--symbols", "300", "--cycles", "3", "--warmup", "1", "--redis-url", redis.url());
        assertEquals("0", r[0], r[2]);
        for (String line : new String[] {"seeded 300 symbols in 15 clusters", "discover", "read", "compute", "write", "cycle",
                "round trips per cycle: ", "redis CPU per cycle: ", "process RSS: ", "3 cycles, enforce mode, 300 symbols, churn 10 %",
                "cycle CPU", "process CPU per cycle: ", "GC per cycle: ", "probe client (GET loop on its own connection in its own JVM, "}) {
            assertTrue(r[1].contains(line), line + " in\n" + r[1]);
        }
        java.util.regex.Matcher calls = java.util.regex.Pattern.compile("probe client \\(GET loop on its own connection in its own JVM, ([0-9,]+) calls\\)").matcher(r[1]);
        assertTrue(calls.find(), r[1]);
        assertTrue(Long.parseLong(calls.group(1).replace(",", "")) > 0, "the probe ran during the measured cycles");
    }

    @Test
    void bench_redisWithQuantumKeys_refusesWithoutForce() {
        redis.flush();
        try (Jedis j = redis.client()) {
            j.hset("quantum:state:portfolio", Map.of("equity_usd", "1"));
        }
        String[] r = DemoIT.run("bench", "--symbols", "10", "--cycles", "1", "--redis-url", redis.url());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("already holds quantum:* keys; refusing to seed (use --force)"), r[2]);
        try (Jedis j = redis.client()) {
            assertEquals(Map.of("equity_usd", "1"), j.hgetAll("quantum:state:portfolio"), "nothing seeded");
        }
    }
}
