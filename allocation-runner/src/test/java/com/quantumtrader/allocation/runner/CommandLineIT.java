package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The jar's help and version as an operator sees them on a terminal: stdout and stderr of the process, no picocli warning. */
class CommandLineIT {

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "''                  | 2 | Usage: allocation-runner",
            "--help              | 0 | Usage: allocation-runner",
            "report --help       | 0 | fallbacks < 1 %, confidence",
            "control set --help  | 0 | --symbol",
            "retract --help      | 0 | --force",
            "--version           | 0 | (commit ",
    })
    void jar_helpAndVersion_noPicocliWarning(String args, int exit, String expected) throws Exception {
        Process p = EndToEndIT.jar(args.isBlank() ? new String[0] : args.split(" ")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // stderr merged
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(exit, p.exitValue(), out);
        assertTrue(out.contains(expected), out);
        assertFalse(out.contains("picocli WARN"), out);
    }

    /**
     * The process environment wins over {@code --env-file} (dotenv): the env file's metrics port is taken, the
     * environment says 0 (a free one), and the service starts; a near-miss name in the environment is a WARN at start.
     */
    @org.junit.jupiter.api.Test
    void run_processEnvironmentOverTheEnvFile_nearMissWarned(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        com.quantumtrader.allocation.redis.TestRedis redis = com.quantumtrader.allocation.redis.TestRedis.shared();
        redis.flush();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            java.nio.file.Path env = dir.resolve("e.env");
            java.nio.file.Files.writeString(env, "P29_METRICS_PORT=" + taken.getLocalPort() + "\nREDIS_URL=" + redis.url() + "\n");
            java.nio.file.Path log = dir.resolve("run.log");
            ProcessBuilder pb = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(log.toFile());
            pb.environment().put("P29_METRICS_PORT", "0");
            pb.environment().put("MAX_SYMBOL_PTC", "0.1");
            Process p = pb.start();
            try {
                ServiceIT.await("the start line", java.time.Duration.ofSeconds(20), () -> {
                    try {
                        return java.nio.file.Files.readString(log).contains("starting:");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                Thread.sleep(500);
                String out = java.nio.file.Files.readString(log);
                assertTrue(p.isAlive(), out);
                assertFalse(out.contains("metrics=http://127.0.0.1:" + taken.getLocalPort() + "/"), out);
                assertTrue(out.matches("(?s).*starting: .*metrics=http://127\\.0\\.0\\.1:[0-9]+/metrics.*"), out);
                assertTrue(out.contains("MAX_SYMBOL_PTC: unknown variable, ignored; did you mean MAX_SYMBOL_PCT?"), out);
                assertTrue(out.contains("quantum-capital-allocation " + BuildInfo.CURRENT + " starting: "), "the start line names the build: " + out);
            } finally {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** A misspelt variable in the env file stops check-config (and run) with exit 2 and the nearest name, as a process. */
    @org.junit.jupiter.api.Test
    void checkConfig_misspeltVariableInTheEnvFile_exit2WithDidYouMean(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path env = dir.resolve("typo.env");
        java.nio.file.Files.writeString(env, "MAX_SYMBOL_PTC=0.9\n");
        for (String command : new String[] {"check-config", "run"}) {
            Process p = EndToEndIT.jar(command, "--env-file", env.toString()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains("MAX_SYMBOL_PTC: unknown variable in " + env + "; did you mean MAX_SYMBOL_PCT?"), out);
            assertFalse(out.contains("configuration OK"), out);
        }
    }
}
