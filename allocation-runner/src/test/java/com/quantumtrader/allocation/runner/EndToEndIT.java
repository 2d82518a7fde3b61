package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.GovernorGate;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.TestRedis;
import java.io.File;
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
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The built jar as a separate process against a real Redis: inputs written and outputs read with a
 * plain client as the Python services would, /metrics scraped, shadow flipped to enforce by a
 * restart with another env file, and SIGTERM ending it with exit code 0.
 */
class EndToEndIT {

    /** The jar under test; {@code -Dit.jar=PATH} runs the process tests against another build (an older one, to see a test fail). */
    static final Path JAR = Path.of(System.getProperty("it.jar", "target/allocation-runner.jar"));

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    private Path envFile(String name, String mode, int port) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, String.join("\n",
                "# written by EndToEndIT",
                "# shadow | enforce (systemd's grammar: a comment is a line of its own)",
                "P29_MODE=" + mode,
                "P29_INTERVAL_SEC=1",
                "P29_METRICS_BIND=127.0.0.1",
                "P29_METRICS_PORT=" + port,
                "TARGET_TTL_SEC=60",
                "STALE_DATA_SEC=45",
                "REDIS_TIMEOUT_MS=500",
                "REDIS_URL=" + redis.url(),
                ""));
        return f;
    }

    /** {@code java -Xmx128m -jar allocation-runner.jar <args>}, stderr merged into stdout. */
    static ProcessBuilder jar(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private Process start(Path env, Path log) throws Exception {
        return jar("run", "--env-file", env.toString()).redirectOutput(log.toFile()).start();
    }

    private static void stop(Process p, Path log) throws Exception {
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "exits within 20 s of SIGTERM");
        assertEquals(0, p.exitValue(), () -> "exit code after SIGTERM; log:\n" + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "(no log)";
        }
    }

    @Test
    void jar_shadowThenEnforceBySwappingEnvFile_thenSigtermExitsZero() throws Exception {
        assertTrue(new File(JAR.toString()).isFile(), "the shaded jar is built in package, before integration tests");
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, "BTCUSDT", "ETHUSDT");
        }
        int port = TestRedis.freePort();

        Path shadowLog = dir.resolve("shadow.log");
        Process shadow = start(envFile("shadow.env", "shadow", port), shadowLog);
        try {
            ServiceIT.await("shadow passes on /metrics", Duration.ofSeconds(30), () -> MetricsScrape.metric(MetricsScrape.scrape(port), "p29_shadow_pass_total") >= 2);
            String body = MetricsScrape.scrape(port);
            assertTrue(MetricsScrape.metric(body, "p29_targets_computed_total{symbol=\"BTCUSDT\"}") >= 1, body);
            assertEquals(1.2, MetricsScrape.metric(body, "p29_regime_factor"), 0.0);
            try (Jedis j = redis.client()) {
                assertFalse(j.exists(Keys.target("BTCUSDT")), "shadow never writes a target");
                StreamEntry last = j.xrevrange(Keys.DECISION_STREAM, "+", "-", 1).get(0);
                assertTrue(last.getFields().containsKey("target_usd") && last.getFields().containsKey("regime_factor"));
            }
        } finally {
            stop(shadow, shadowLog);
        }
        assertTrue(read(shadowLog).contains("Allocation cycle complete: 2 targets in "), read(shadowLog));

        Path enforceLog = dir.resolve("enforce.log");
        Process enforce = start(envFile("enforce.env", "enforce", port), enforceLog);
        try {
            ServiceIT.await("a target hash", Duration.ofSeconds(30), () -> {
                try (Jedis j = redis.client()) {
                    ServiceIT.seed(j, "BTCUSDT", "ETHUSDT");
                    return j.exists(Keys.target("BTCUSDT"));
                }
            });
            try (Jedis j = redis.client()) {
                Map<String, String> target = j.hgetAll(Keys.target("BTCUSDT"));
                long ts = Long.parseLong(target.get("timestamp")); // the Governor's int(timestamp)
                assertEquals(target.get("timestamp"), target.get("ts"));
                assertTrue(Math.abs(Instant.now().getEpochSecond() - ts) < 30);
                assertEquals("enforce", target.get("mode"));
                long ttl = j.ttl(Keys.target("BTCUSDT"));
                assertTrue(ttl > 0 && ttl <= 60, "TTL " + ttl);
            }
            try (RedisConnection connection = new RedisConnection(redis.endpoint())) {
                GovernorGate.Verdict gate = new GovernorGate(connection, Duration.ofSeconds(60)).decide("BTCUSDT", Instant.now());
                assertEquals(GovernorGate.Source.ALLOCATION_TARGET, gate.source(), gate.reason());
            }
            ServiceIT.await("enforce overrides on /metrics", Duration.ofSeconds(10),
                    () -> MetricsScrape.metric(MetricsScrape.scrape(port), "p29_enforce_overrides_total{symbol=\"ETHUSDT\"}") >= 1);
        } finally {
            stop(enforce, enforceLog);
        }
        String log = read(enforceLog);
        assertTrue(log.contains("mode=enforce"), log);
        assertTrue(log.contains("quantum-capital-allocation stopped"), log);
    }

    @Test
    void jar_logFormatJson_everyLineOneObject_cycleFiguresAsFields() throws Exception {
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, "BTCUSDT", "ETHUSDT");
        }
        int port = TestRedis.freePort();
        Path env = envFile("json.env", "shadow", port);
        Files.writeString(env, "LOG_FORMAT=json\n", java.nio.file.StandardOpenOption.APPEND);
        Path log = dir.resolve("json.log");
        Process p = start(env, log);
        try {
            ServiceIT.await("a computed cycle", Duration.ofSeconds(30), () -> MetricsScrape.metric(MetricsScrape.scrape(port), "p29_symbols") == 2);
        } finally {
            stop(p, log);
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertTrue(lines.size() >= 3, read(log));
        Map<String, String> cycle = null;
        for (String line : lines) {
            com.fasterxml.jackson.databind.JsonNode node = json.readTree(line); // every line is one JSON object
            assertTrue(node.isObject() && node.has("level") && node.has("formattedMessage"), line);
            if (node.get("formattedMessage").asText().startsWith("Allocation cycle complete: 2 targets in ")) {
                cycle = new java.util.HashMap<>();
                for (com.fasterxml.jackson.databind.JsonNode kv : node.get("kvpList")) {
                    var it = kv.fields();
                    while (it.hasNext()) {
                        var e = it.next();
                        cycle.put(e.getKey(), e.getValue().asText());
                    }
                }
            }
        }
        assertTrue(cycle != null, read(log));
        assertEquals("computed", cycle.get("outcome"));
        assertEquals("2", cycle.get("targets"));
        assertEquals("shadow", cycle.get("mode"));
        assertEquals("0", cycle.get("rejected"));
        assertTrue(Double.parseDouble(cycle.get("duration_s")) >= 0, cycle.toString());
    }

    @Test
    void jar_badConfiguration_exitsTwoWithOneLine() throws Exception {
        Path env = dir.resolve("bad.env");
        Files.writeString(env, "MAX_SYMBOL_PCT=1.5\nREDIS_URL=" + redis.url() + "\n");
        for (String command : List.of("run", "check-config")) {
            Process p = jar(command, "--env-file", env.toString()).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.exitValue(), out);
            List<String> lines = new ArrayList<>(out.lines().filter(l -> !l.isBlank()).toList());
            assertEquals(List.of("configuration error: MAX_SYMBOL_PCT: must be in (0, 1], was 1.5"), lines);
        }
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private String proof(int metricsPort, int redisPort, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", Path.of("..", "deploy", "proof_p29_allocation.sh").toString(),
                "--url", "http://127.0.0.1:" + metricsPort, "--redis-host", redis.endpoint().host(),
                "--redis-port", Integer.toString(redisPort), "--redis-db", Integer.toString(redis.endpoint().database()),
                "--wait", "2"));
        command.addAll(List.of(more));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() + "\n" + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void proofScript_againstRunningJar_passesInShadowAndEnforce_failsWithoutService() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("redis-cli") && onPath("curl") && onPath("bash"),
                "the proof script needs bash, curl and redis-cli (Debian: redis-tools)");
        int port = TestRedis.freePort();
        int redisPort = redis.endpoint().port();
        String dead = proof(port, redisPort);
        assertTrue(dead.startsWith("1\n") && dead.contains("SUMMARY: FAIL"), dead);
        int nowhere = TestRedis.freePort();
        String noRedis = proof(port, nowhere);
        assertTrue(noRedis.startsWith("1\nFAIL  Redis unreachable at " + redis.endpoint().host() + ":" + nowhere + "/")
                && noRedis.endsWith("SUMMARY: FAIL\n"), noRedis);
        Process help = new ProcessBuilder("bash", Path.of("..", "deploy", "proof_p29_allocation.sh").toString(), "--help").start();
        String usage = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.waitFor(10, TimeUnit.SECONDS) && help.exitValue() == 0);
        assertTrue(usage.startsWith("Proof for P2.9") && !usage.contains("set -u") && !usage.contains("#"), usage);
        for (String mode : List.of("shadow", "enforce")) {
            redis.flush();
            try (Jedis j = redis.client()) {
                ServiceIT.seed(j, "BTCUSDT", "ETHUSDT");
            }
            Path log = dir.resolve(mode + "-proof.log");
            Path env = envFile(mode + "-proof.env", mode, port);
            Process service = start(env, log);
            try {
                ServiceIT.await("a computed cycle", Duration.ofSeconds(30), () -> MetricsScrape.metric(MetricsScrape.scrape(port), "p29_symbols") == 2);
                // ETHUSDT leaves the universe: the newest decision entry is then a removal, with no target_usd (DESIGN 12)
                try (Jedis j = redis.client()) {
                    j.del(Keys.budget("ETHUSDT"));
                }
                ServiceIT.await("ETHUSDT removed", Duration.ofSeconds(30), () -> {
                    try (Jedis j = redis.client()) {
                        List<StreamEntry> last = j.xrevrange(Keys.DECISION_STREAM, "+", "-", 1);
                        return !last.isEmpty() && "removed".equals(last.get(0).getFields().get("change"));
                    }
                });
                String out = proof(port, redisPort, "--env-file", env.toString());
                assertTrue(out.startsWith("0\n") && out.contains("SUMMARY: PASS"), out);
                assertTrue(out.contains("PASS  " + mode + " passes incrementing"), out);
                assertTrue(out.contains(", limit 45s)"), "STALE_DATA_SEC read from the env file: " + out);
                if (mode.equals("enforce")) {
                    assertTrue(out.contains("PASS  target TTL of BTCUSDT in (0, 60]: "), "TARGET_TTL_SEC read from the env file: " + out);
                }
            } finally {
                stop(service, log);
            }
        }
    }

    @Test
    void sigtermDuringCycles_exitZero_andRedisHoldsOnlyWholeCycles() throws Exception {
        int symbols = 4000;
        int port = TestRedis.freePort();
        for (long delayMs : new long[] {0, 120, 370}) {
            redis.flush();
            try (Jedis j = redis.client()) {
                String ts = Long.toString(Instant.now().getEpochSecond());
                Pipeline p = j.pipelined();
                p.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000000", "0.02", ts));
                for (int i = 0; i < symbols; i++) {
                    p.hset(Keys.budget("S" + i), InputHashes.budget("1000", ts, "c" + (i % 50)));
                }
                p.sync();
            }
            Path log = dir.resolve("term-" + delayMs + ".log");
            Process process = start(envFile("term.env", "enforce", port), log);
            ServiceIT.await("a computed cycle", Duration.ofSeconds(30), () -> MetricsScrape.metric(MetricsScrape.scrape(port), "p29_symbols") == symbols);
            Thread.sleep(delayMs);
            stop(process, log);
            try (Jedis j = redis.client()) {
                List<String> keys = new ArrayList<>(j.keys(Keys.TARGET_PREFIX + "*"));
                assertEquals(symbols, keys.size(), "every target of the last cycle, none missing");
                Pipeline p = j.pipelined();
                List<Response<String>> ts = new ArrayList<>();
                keys.forEach(k -> ts.add(p.hget(k, "ts")));
                p.sync();
                assertEquals(1, ts.stream().map(Response::get).distinct().count(), "all targets from one cycle");
                Map<String, Long> perCycle = j.xrange(Keys.DECISION_STREAM, "-", "+").stream()
                        .collect(java.util.stream.Collectors.groupingBy(e -> e.getFields().get("cycle_id"), java.util.stream.Collectors.counting()));
                perCycle.forEach((cycle, n) -> assertEquals((long) symbols, n, "decisions of cycle " + cycle));
            }
        }
    }
}
