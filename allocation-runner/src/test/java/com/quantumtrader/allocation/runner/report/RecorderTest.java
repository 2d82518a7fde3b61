package com.quantumtrader.allocation.runner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.PortfolioState;
import com.quantumtrader.allocation.core.SymbolBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecorderTest {

    static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dir;

    static CycleInputs inputs(Instant at) {
        return CycleInputs.builder().portfolio(new PortfolioState(100_000, 0.02, at)).budget(new SymbolBudget("BTCUSDT", 30_000, at)).build();
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void offer_everyIntervalOfCycleTime_oneFileEach_namedByTheCycleTime() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        try (Recorder r = new Recorder(dir, Duration.ofSeconds(300), Duration.ofDays(7), Policy.DEFAULTS, failures::incrementAndGet)) {
            for (int s = 0; s <= 600; s += 5) {
                r.offer(T0.plusSeconds(s), inputs(T0.plusSeconds(s)), CarryOver.START, CycleStep.Controls.of(Mode.ENFORCE));
                if (s % 300 == 0) {
                    r.flush(Duration.ofSeconds(10)); // the write of a due recording ends before the next is due, as a 5 s cycle would see
                }
            }
        }
        assertEquals(List.of("snapshot-20261207T120000Z.json.gz", "snapshot-20261207T120500Z.json.gz", "snapshot-20261207T121000Z.json.gz"),
                names(dir));
        assertEquals(0, failures.get());
        SnapshotFile.Snapshot s = SnapshotFile.read(dir.resolve("snapshot-20261207T120500Z.json.gz"));
        assertEquals(T0.plusSeconds(300), s.now());
    }

    @Test
    void offer_recordingsOlderThanKept_deleted_othersLeftAlone() throws Exception {
        Files.writeString(dir.resolve("snapshot-20261130T115959Z.json.gz"), "old");
        Files.writeString(dir.resolve("snapshot-20261130T120001Z.json.gz"), "kept");
        Files.writeString(dir.resolve("notes.txt"), "not ours");
        try (Recorder r = new Recorder(dir, Duration.ofSeconds(300), Duration.ofDays(7), Policy.DEFAULTS, () -> { })) {
            r.offer(T0, inputs(T0), CarryOver.START, CycleStep.Controls.of(Mode.SHADOW));
        }
        assertEquals(List.of("notes.txt", "snapshot-20261130T120001Z.json.gz", "snapshot-20261207T120000Z.json.gz"), names(dir));
    }

    @Test
    void offer_directoryCannotBeMade_countedNeverThrown() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        try (Recorder r = new Recorder(file.resolve("record"), Duration.ofSeconds(10), Duration.ofDays(7), Policy.DEFAULTS,
                failures::incrementAndGet)) {
            r.offer(T0, inputs(T0), CarryOver.START, CycleStep.Controls.of(Mode.ENFORCE));
        }
        assertEquals(1, failures.get());
        assertTrue(Files.isRegularFile(file));
    }
}
