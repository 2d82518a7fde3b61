package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * DESIGN section 25 with the shipped unit's exact JVM flags (read from {@code deploy/quantum-capital-allocation.service}):
 * a 100,000-symbol universe, {@code /metrics} scraped as Prometheus scrapes it, and a takeover in which the standby
 * rewrites every target. The third release ended the JVM with {@code OutOfMemoryError} at the first scrape (a 15-20 MB
 * body) and, 2 of 3 times, in a standby's first leader cycle. This test holds that neither runner dies and every scrape
 * answers; the peak RSS of each ({@code VmHWM}) is printed, and measured against {@code MemoryMax} in
 * {@code docs/performance.md} ({@code scripts/memory-budget.sh}, ten minutes), not asserted here.
 * {@code -Dmemory.symbols=N} changes the universe.
 */
class MemoryBoundsIT {

    static final int SYMBOLS = Integer.getInteger("memory.symbols", 100_000);
    /** The unit whose flags run the runners; {@code -Dit.unit=PATH} runs another (an earlier release's, to see it fail). */
    static final Path UNIT = Path.of(System.getProperty("it.unit", "../deploy/quantum-capital-allocation.service"));

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    /** The JVM options of the unit's {@code ExecStart=}, between the java binary and {@code -jar}. */
    static List<String> unitFlags() throws Exception {
        String unit = Files.readString(UNIT).replace("\\\n", " ");
        Matcher m = Pattern.compile("(?m)^ExecStart=\\S*java\\s+(.*?)\\s+-jar\\s").matcher(unit);
        assertTrue(m.find(), "ExecStart with java ... -jar in " + UNIT);
        return List.of(m.group(1).trim().split("\\s+"));
    }

    private void seed() {
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        try (Jedis j = redis.client()) {
            Pipeline p = j.pipelined();
            p.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000000", "0.02", ts));
            for (int i = 0; i < SYMBOLS; i++) {
                p.hset(Keys.budget(String.format(Locale.ROOT, "S%06dUSDT", i)), InputHashes.budget(Integer.toString(1000 + i % 5000), ts,
                        "c" + i % (SYMBOLS / 20)));
                if (i % 10_000 == 9_999) {
                    p.sync();
                }
            }
            p.sync();
        }
    }

    private Process start(String name, int port, Path log) throws Exception {
        Path env = dir.resolve(name + ".env");
        Files.writeString(env, String.join("\n",
                "P29_MODE=enforce",
                "P29_INTERVAL_SEC=2",
                "P29_LEASE_SEC=4",
                "P29_METRICS_BIND=127.0.0.1",
                "P29_METRICS_PORT=" + port,
                "P29_INSTANCE_ID=" + name,
                "STALE_DATA_SEC=86400",
                "REDIS_URL=" + redis.url(),
                ""));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(unitFlags());
        command.addAll(List.of("-jar", EndToEndIT.JAR.toString(), "run", "--env-file", env.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MALLOC_ARENA_MAX", "2"); // as the unit sets it
        return pb.start();
    }

    private static HttpResponse<byte[]> scrape(HttpClient client, int port, boolean gzip) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10));
        if (gzip) {
            r.header("Accept-Encoding", "gzip");
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Peak resident set size of a process, in MB ({@code VmHWM}). */
    private static long peakRssMb(Process p) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    private static double metric(int port, String name) {
        try {
            return MetricsScrape.metric(MetricsScrape.scrape(port), name);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    @Test
    void unitFlags_100kSymbolsScrapedAndATakeover_neitherRunnerDiesEveryScrapeAnswers() throws Exception {
        seed();
        int portA = TestRedis.freePort();
        int portB = TestRedis.freePort();
        Path logA = dir.resolve("a.log");
        Path logB = dir.resolve("b.log");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Process a = start("memory-a", portA, logA);
        Process b = null;
        try {
            ServiceIT.await("the leader's first cycle of every symbol", Duration.ofSeconds(90), () -> {
                assertTrue(a.isAlive(), () -> "runner a died:\n" + tail(logA));
                return metric(portA, "p29_symbols") == SYMBOLS && metric(portA, "p29_leader") == 1.0;
            });
            for (int i = 0; i < 6; i++) { // scrapes between and during cycles, plain and gzip
                HttpResponse<byte[]> r = scrape(client, portA, i % 2 == 0);
                assertEquals(200, r.statusCode());
                assertTrue(r.body().length < 2_000_000, "body " + r.body().length + " bytes");
                Thread.sleep(700);
            }
            b = start("memory-b", portB, logB);
            Process standby = b;
            ServiceIT.await("the standby computes", Duration.ofSeconds(90), () -> {
                assertTrue(standby.isAlive(), () -> "runner b died:\n" + tail(logB));
                return metric(portB, "p29_symbols") == SYMBOLS;
            });
            long rssA = peakRssMb(a);
            a.destroyForcibly(); // the leader dies; the standby takes the lease and rewrites every target
            assertTrue(a.waitFor(20, TimeUnit.SECONDS));
            double before = metric(portB, "p29_last_target_write_timestamp_seconds");
            ServiceIT.await("the new leader's first write of every target", Duration.ofSeconds(90), () -> {
                assertTrue(standby.isAlive(), () -> "runner b died in its takeover:\n" + tail(logB));
                try {
                    assertEquals(200, scrape(client, portB, true).statusCode(), "a scrape during the takeover");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return metric(portB, "p29_leader") == 1.0 && metric(portB, "p29_last_target_write_timestamp_seconds") > before
                        && metric(portB, "p29_symbols") == SYMBOLS;
            });
            for (int i = 0; i < 3; i++) {
                assertEquals(200, scrape(client, portB, i % 2 == 0).statusCode());
                Thread.sleep(1000);
            }
            assertTrue(b.isAlive());
            try (Jedis j = redis.client()) {
                assertEquals("memory-b", j.get(Keys.LEADER));
            }
            System.out.printf(Locale.ROOT, "MemoryBoundsIT: %,d symbols, unit flags %s: peak RSS leader %d MB, new leader %d MB%n", SYMBOLS,
                    unitFlags(), rssA, peakRssMb(b));
            assertFalse(Files.readString(logA).contains("OutOfMemoryError"), tail(logA));
            assertFalse(Files.readString(logB).contains("OutOfMemoryError"), tail(logB));
        } finally {
            a.destroyForcibly();
            if (b != null) {
                b.destroyForcibly();
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (Exception e) {
            return "(no log)";
        }
    }
}
