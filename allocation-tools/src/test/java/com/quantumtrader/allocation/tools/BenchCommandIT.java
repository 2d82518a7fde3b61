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
    void bench_smallUniverse_alternatingReads_reportsPhasesReadsCpuGcProbeRssAndReaction() {
        redis.flush();
        String[] r = DemoIT.run("bench", "--symbols", "300", "--cycles", "3", "--block", "2", "--warmup", "1", "--reaction", "2",
                "--redis-url", redis.url());
        assertEquals("0", r[0], r[2]);
        for (String line : new String[] {"seeded 300 symbols in 15 clusters", "discover", "read", "compute", "write", "cycle",
                "round trips per cycle: ", "redis CPU ", "process RSS: ", "3 cycles, full reads, enforce mode, 300 symbols, churn 10 %",
                "3 cycles, incremental reads, enforce mode, 300 symbols, churn 10 %", "reads {OFF=3}", "incremental / full, same run (2-cycle",
                "incremental input reads / keys changed: median ", "cycle CPU", "process CPU per cycle: ", "GC per cycle: ",
                "probe client (GET loop on its own connection in its own JVM, ", "reaction (2 trials, 300 symbols, P29_INTERVAL_SEC=5",
                "every target written by that cycle in 2 of 2 trials; every target hash in HIGH right after it in 2 of 2"}) {
            assertTrue(r[1].contains(line), line + " in\n" + r[1]);
        }
        java.util.regex.Matcher calls = java.util.regex.Pattern.compile("probe client \\(GET loop on its own connection in its own JVM, ([0-9,]+) calls\\)").matcher(r[1]);
        assertTrue(calls.find(), r[1]);
        assertTrue(Long.parseLong(calls.group(1).replace(",", "")) > 0, "the probe ran during the measured cycles");
        // 30 budgets move before each cycle (some twice) and the portfolio: an incremental cycle reads about those, a full one all 300+
        java.util.regex.Matcher reads = java.util.regex.Pattern.compile("input reads per cycle: median ([0-9]+) for ([0-9]+) keys changed")
                .matcher(r[1]);
        assertTrue(reads.find(), r[1]);
        assertTrue(Integer.parseInt(reads.group(1)) >= 300, "full: " + reads.group());
        assertTrue(reads.find(), r[1]);
        assertTrue(Integer.parseInt(reads.group(1)) < 60, "incremental: " + reads.group());
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
