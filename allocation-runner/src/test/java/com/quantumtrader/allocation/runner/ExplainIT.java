package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code explain SYMBOL} as an operator runs it (the jar, a process) against real Redis (DESIGN section 24): a
 * cluster-capped, gross-capped symbol's chain, whose target is the one {@code once} computes from the same Redis; a
 * ramped symbol; a symbol with no budget (exit 2, said plainly).
 */
class ExplainIT {

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;

    @BeforeEach
    void seed() {
        redis.flush();
        try (Jedis j = redis.client()) {
            String ts = j.time().get(0);
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", "0.02", ts));
            for (String[] b : new String[][] {{"BTCUSDT", "30000", "majors"}, {"ETHUSDT", "40000", "majors"}, {"SOLUSDT", "30000", "alts"}}) {
                j.hset(Keys.budget(b[0]), InputHashes.budget(b[1], ts));
                j.hset(Keys.CLUSTER_MAP, b[0], b[2]);
            }
        }
    }

    private String run(int exit, Path env, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--env-file";
        all[args.length + 1] = env.toString();
        Process p = EndToEndIT.jar(all).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(exit, p.exitValue(), out);
        return out;
    }

    private Path env(String... lines) throws Exception {
        return Files.writeString(dir.resolve("explain.env"), "REDIS_URL=" + redis.url() + "\nP29_MODE=enforce\n" + String.join("\n", lines) + "\n");
    }

    private static JsonNode json(String out) throws Exception {
        return new ObjectMapper().readTree(out.substring(out.indexOf('{')));
    }

    @Test
    void explain_grossCappedSymbol_chainEqualsWhatOnceComputes() throws Exception {
        Path env = env("MAX_GROSS_PCT=0.5");
        JsonNode e = json(run(0, env, "explain", "BTCUSDT", "--json"));
        assertEquals(30_000, e.get("product_usd").asDouble(), 1e-9);
        assertEquals(70_000, e.get("cluster_cap").get("sum_usd").asDouble(), 1e-9);
        assertEquals(60_000.0 / 70_000, e.get("cluster_cap").get("ratio").asDouble(), 1e-12);
        assertTrue(e.get("gross_cap").get("bound").asBoolean());
        assertEquals(90_000, e.get("gross_cap").get("sum_usd").asDouble(), 1e-6);
        assertEquals("gross", e.get("cap").asText());
        JsonNode once = json(run(0, env, "once", "--json")).get("targets").get("BTCUSDT");
        assertEquals(once.get("target_usd").asDouble(), e.get("target_usd").asDouble(), 1e-9, "explain's target is once's");
        String text = run(0, env, "explain", "BTCUSDT");
        assertTrue(text.contains("cluster majors totals 70,000.00: x0.8571") && text.contains("the book totals 90,000.00: x0.5556")
                && text.contains("not written yet"), text);
    }

    @Test
    void explain_rampedSymbol_showsTheWrittenTargetAndTheBound() throws Exception {
        try (Jedis j = redis.client()) {
            long now = Long.parseLong(j.time().get(0));
            j.hset(Keys.target("BTCUSDT"), Map.of("target_usd", "10000", "timestamp", Long.toString(now - 60), "mode", "enforce",
                    "cap", "none", "base_budget_usd", "30000"));
            // the cluster's alpha is BTCUSDT's performance input (it has no attribution): explain names its key, value and age
            j.hset(Keys.stress("majors"), InputHashes.stress("0.2", "0.5", Long.toString(now - 3)));
        }
        JsonNode e = json(run(0, env("P29_MAX_RAISE_PCT=0.10"), "explain", "BTCUSDT", "--json"));
        assertEquals(Keys.stress("majors"), e.get("inputs").get("cluster").get("key").asText());
        assertEquals(0.5, e.get("inputs").get("cluster").get("alpha").asDouble(), 0.0);
        assertEquals(0.02, e.get("inputs").get("drawdown").get("drawdown").asDouble(), 0.0);
        assertEquals("ramp", e.get("cap").asText());
        assertEquals(10_000, e.get("written").get("target_usd").asDouble(), 1e-9);
        assertEquals(e.get("ramp_bound_usd").asDouble(), e.get("target_usd").asDouble(), 1e-9);
        assertTrue(e.get("target_usd").asDouble() > 12_900 && e.get("target_usd").asDouble() < 13_500, e.toString()); // ~a minute of 3,000 a minute
        assertEquals("10000", e.get("in_redis").get("target_usd").asText());
        String text = run(0, env("P29_MAX_RAISE_PCT=0.10"), "explain", "BTCUSDT");
        assertTrue(text.contains(Keys.stress("majors") + ": alpha 0.5 (the cluster's), ") && text.contains(Keys.PORTFOLIO + ": drawdown 0.02"),
                text);
    }

    @Test
    void explain_symbolWithoutBudget_exit2SaysSo() throws Exception {
        String out = run(2, env(), "explain", "XRPUSDT");
        assertTrue(out.contains("XRPUSDT: no budget this cycle (quantum:portfolio:budget:XRPUSDT is missing"), out);
    }
}
