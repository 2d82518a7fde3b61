package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The live stack's runbook reads the journal the way the original service wrote it (quantum_trader's
 * {@code scripts/proof_p29_allocation.sh}, test 7: within the last 30 s, {@code Allocation cycle complete}, a
 * {@code target=} line and no {@code ERROR}). The jar in enforce, its output as the journal, read the same way:
 * the targets a cycle writes appear one line each, at most {@code P29_LOG_TARGETS}, then how many more, and a
 * quiet market still shows {@code target=} lines (the refreshes) in any window of the refresh period.
 */
class RunbookLogIT {

    @TempDir
    Path dir;

    @Test
    void run_enforce_targetLinesBoundedPerCycle_refreshesKeepThemInEveryWindow_noError() throws Exception {
        TestRedis redis = TestRedis.shared();
        redis.flush();
        try (Jedis j = redis.client()) {
            String ts = Long.toString(Instant.now().getEpochSecond());
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("1000000", "0.03", ts));
            for (int i = 0; i < 25; i++) {
                j.hset(Keys.budget(String.format("S%02dUSDT", i)), InputHashes.budget("10000", ts));
            }
        }
        Path env = dir.resolve("runbook.env");
        Files.writeString(env, String.join("\n", "P29_MODE=enforce", "P29_INTERVAL_SEC=1", "P29_TARGET_REFRESH_SEC=2", "TARGET_TTL_SEC=60",
                "STALE_DATA_SEC=3600", "P29_LOG_TARGETS=5", "P29_METRICS_PORT=0", "REDIS_URL=" + redis.url(), ""));
        Path log = dir.resolve("journal.log");
        Process p = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(log.toFile()).start();
        Instant windowStart;
        try {
            ServiceIT.await("the first write", Duration.ofSeconds(20), () -> read(log).contains("more targets written this cycle"));
            windowStart = Instant.now().plusSeconds(1); // a window that starts after the first write: refreshes only
            Thread.sleep(4_000);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
        List<String> lines = read(log).lines().toList();
        // the first write: 25 new targets, 5 lines, then the rest counted
        assertEquals(5, lines.stream().filter(l -> l.contains(": target=$10000.00 ") && !l.contains("(refreshed)")).count(), read(log));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("... and 20 more targets written this cycle (P29_LOG_TARGETS=5)")), read(log));
        // a later window, as the runbook reads the journal: cycles, target= lines (refreshes), no ERROR
        List<String> window = lines.stream().filter(l -> l.length() > 19 && !Instant.parse(l.substring(0, 19) + "Z").isBefore(windowStart))
                .toList();
        assertTrue(window.stream().anyMatch(l -> l.contains("Allocation cycle complete")), String.join("\n", window));
        assertTrue(window.stream().anyMatch(l -> l.contains("target=") && l.endsWith("(refreshed)")), String.join("\n", window));
        assertFalse(window.stream().anyMatch(l -> l.contains("ERROR")), String.join("\n", window));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
