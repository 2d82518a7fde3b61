package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.report.Recorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The recorder (DESIGN section 24) beside a leader's cycles on real Redis: a recording every {@code P29_RECORD_SEC} of
 * cycle time, none in between, and {@code once --snapshot} (the jar, as a process) reads a recording back to the cycle
 * that was recorded, target for target.
 */
class RecorderIT {

    /** Inputs seeded once stay fresh over the recorded hour. */
    static final Policy POLICY = com.quantumtrader.allocation.core.PolicyVariables.parse(java.util.Map.of("STALE_DATA_SEC", "3600"));

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    @Test
    void leaderCycles_recordedAtTheInterval_onceSnapshotReadsTheCycleBack() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        Path record = dir.resolve("record");
        Instant t0;
        CycleRunner.Report first;
        try (Jedis j = redis.client();
             Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE, POLICY);
             Recorder recorder = new Recorder(record, Duration.ofSeconds(300), Duration.ofDays(7), POLICY, failures::incrementAndGet)) {
            ServiceIT.seed(j, "BTCUSDT", "ETHUSDT", "SOLUSDT");
            h.runner.recordingInto(recorder);
            t0 = Instant.ofEpochSecond(Long.parseLong(j.time().get(0)));
            first = h.runner.run(t0);
            assertTrue(first.computed());
            // the recording is written on its own thread; cycles 5 s apart never meet it busy, these back-to-back ones might
            recorder.flush(Duration.ofSeconds(10));
            for (int s = 5; s < 300; s += 60) {
                assertTrue(h.runner.run(t0.plusSeconds(s)).computed()); // within the interval: not recorded
            }
            assertTrue(h.runner.run(t0.plusSeconds(300)).computed());
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(record)) {
            files = list.sorted().toList();
        }
        assertEquals(2, files.size(), files.toString());
        assertEquals(0, failures.get());

        Process once = EndToEndIT.jar("once", "--snapshot", files.get(0).toString(), "--json").start();
        String out = new String(once.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(once.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, once.exitValue(), out);
        JsonNode targets = new ObjectMapper().readTree(out.substring(out.indexOf('{'))).get("targets");
        List<Decision> recorded = first.result().orElseThrow().decisions();
        assertEquals(recorded.size(), targets.size(), out);
        for (Decision d : recorded) {
            assertEquals(d.targetUsd(), targets.get(d.symbol()).get("target_usd").asDouble(), 1e-9, d.symbol());
            assertEquals(d.cap().wireName(), targets.get(d.symbol()).get("cap").asText(), d.symbol());
        }
    }


    @Test
    void unwritableDirectory_countedAndWarned_cycleUnaffected() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        try (Jedis j = redis.client();
             Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE, POLICY);
             Recorder recorder = new Recorder(notADirectory.resolve("record"), Duration.ofSeconds(10), Duration.ofDays(7), POLICY,
                     failures::incrementAndGet)) {
            ServiceIT.seed(j, "BTCUSDT");
            h.runner.recordingInto(recorder);
            Instant t0 = Instant.ofEpochSecond(Long.parseLong(j.time().get(0)));
            assertTrue(h.runner.run(t0).computed());
            recorder.close(); // waits for the write in flight
            assertTrue(h.runner.run(t0.plusSeconds(10)).computed());
        }
        assertEquals(1, failures.get());
    }
}
