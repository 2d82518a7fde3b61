package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.EnvFile;
import com.quantumtrader.allocation.redis.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The env file as systemd reads it. Debian's {@code systemd} package ships
 * {@code 30-systemd-environment-d-generator}, which parses {@code environment.d} files with the
 * parser of {@code EnvironmentFile=} ({@code load_env_file}) and prints the result; these tests
 * feed it the files and compare. (The generator also expands {@code $VAR}, which
 * {@code EnvironmentFile=} does not, so no file here holds a {@code $}.) Skipped where the
 * generator is absent; {@code .ci/run} installs the package.
 */
class SystemdEnvFileIT {

    static final Path GENERATOR = Path.of("/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator");
    static final Path SHIPPED = Path.of("..", "deploy", "capital-allocation.env");

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(Files.isExecutable(GENERATOR), "systemd's environment-d generator is not installed (Debian: systemd)");
        redis.flush();
    }

    /** What systemd passes for {@code file}: the generator's output, decoded. */
    private Map<String, String> systemd(Path file) throws Exception {
        Path config = dir.resolve("xdg-" + System.nanoTime());
        Files.createDirectories(config.resolve("environment.d"));
        Files.copy(file, config.resolve("environment.d").resolve("50-p29.conf"));
        ProcessBuilder pb = new ProcessBuilder(GENERATOR.toString());
        pb.environment().clear();
        pb.environment().put("XDG_CONFIG_HOME", config.toString());
        pb.environment().put("XDG_CONFIG_DIRS", dir.resolve("none").toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
        }
        return env;
    }

    /** The generator prints a value bare, or double-quoted with C escapes. */
    static String unquote(String v) {
        if (!v.startsWith("\"")) {
            return v;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = v.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'x' -> {
                    sb.append((char) Integer.parseInt(v.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    /** Our parser's reading, restricted to what systemd's output also lists (it adds the host's environment.d). */
    private static void assertSameReading(Map<String, String> systemd, Map<String, String> ours) {
        for (Map.Entry<String, String> e : ours.entrySet()) {
            assertEquals(systemd.get(e.getKey()), e.getValue(), "value of " + e.getKey() + " (systemd read " + systemd + ")");
        }
    }

    @Test
    void shippedEnvFile_systemdAndEnvFileReadTheSameValues() throws Exception {
        Map<String, String> systemd = systemd(SHIPPED);
        Map<String, String> ours = EnvFile.read(SHIPPED);
        assertEquals(42, ours.size(), "variables set in the shipped file: " + ours.keySet()); // 33 + the two book limits + P29_LOG_TARGETS + 3 of incremental reads + 3 of the recorder
        assertSameReading(systemd, ours);
        assertEquals("shadow", systemd.get("P29_MODE"));
    }

    @Test
    void trickyButAcceptedLines_systemdAndEnvFileReadTheSameValues() throws Exception {
        Path f = dir.resolve("tricky.env");
        Files.writeString(f, String.join("\n",
                "# comment", "  ; another", "K1=\"esc \\\" \\\\ \\` \\n end\"", "K2='single \\ \"q\" x'", "K3=a\\ b", "K4=x#y",
                "K5=x\"y\"", " K6 = v", "K7=\"x\"   ", "K8=tab\tin", "K9=foo\\", "bar", "K10=\"multi", "line\"", "K11=ünï",
                "K12=  trailing blanks   ", "K13=\"p#ss word\"", "K14=first", "K14=second", "K15=\"joined \\", "line\"", "")
                + "K16=crlf\r\n");
        Map<String, String> ours = EnvFile.read(f);
        assertEquals(16, ours.size());
        assertSameReading(systemd(f), ours);
    }

    @Test
    void shippedEnvFile_exactlyAsSystemdPassesIt_checkConfigOkAndRunCycles() throws Exception {
        Map<String, String> systemd = systemd(SHIPPED);
        Map<String, String> fileOnly = new LinkedHashMap<>(systemd);
        fileOnly.keySet().retainAll(EnvFile.read(SHIPPED).keySet());

        ProcessBuilder check = EndToEndIT.jar("check-config");
        check.environment().clear();
        check.environment().putAll(fileOnly);
        Process p = check.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("P29_MODE=shadow") && out.endsWith("configuration OK; redis deployment: standalone (redis://localhost:6379/0)\n"), out);

        // run: the same environment, with only where Redis, the port and the recordings go changed to this test's.
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, "BTCUSDT");
        }
        int port = TestRedis.freePort();
        Path log = dir.resolve("run.log");
        ProcessBuilder run = EndToEndIT.jar("run").redirectOutput(log.toFile());
        run.environment().clear();
        run.environment().putAll(fileOnly);
        run.environment().put("REDIS_HOST", redis.endpoint().host());
        run.environment().put("REDIS_PORT", Integer.toString(redis.endpoint().port()));
        run.environment().put("P29_METRICS_PORT", Integer.toString(port));
        Path record = dir.resolve("record");
        run.environment().put("P29_RECORD_DIR", record.toString());
        Process service = run.start();
        try {
            ServiceIT.await("a computed cycle", Duration.ofSeconds(30),
                    () -> MetricsScrape.metric(MetricsScrape.scrape(port), "p29_symbols") == 1);
        } finally {
            service.destroy();
            assertTrue(service.waitFor(20, TimeUnit.SECONDS));
        }
        assertEquals(0, service.exitValue(), Files.readString(log));
        assertTrue(Files.readString(log).contains("Allocation cycle complete: 1 targets in "), Files.readString(log));
        try (java.util.stream.Stream<Path> recorded = Files.list(record)) {
            assertEquals(1, recorded.filter(f -> f.getFileName().toString().endsWith(".json.gz")).count(),
                    "the shipped file's recorder, its first cycle recorded");
        }
    }

    @Test
    void trailingCommentFile_systemdMakesItPartOfTheValue_andEnvFileRefusesTheLine() throws Exception {
        Path f = dir.resolve("trailing.env");
        Files.writeString(f, "P29_INTERVAL_SEC=5\nP29_MODE=shadow   # shadow | enforce\n");
        assertEquals("shadow   # shadow | enforce", systemd(f).get("P29_MODE"), "systemd keeps the comment in the value");

        Process p = EndToEndIT.jar("check-config", "--env-file", f.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertEquals(List.of("configuration error: --env-file: " + f + " line 2: P29_MODE: a '#' after a blank is part of the value for"
                + " systemd, not a comment: put comments on their own line (or quote the value)"), out.lines().toList());
    }
}
