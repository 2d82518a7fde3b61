package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.PolicyVariables;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.runner.report.SnapshotFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recorder's files (DESIGN section 24): a cycle's decoded inputs written by {@link SnapshotFile#toJson} and read back by
 * {@code once --snapshot}'s reader give the same cycle. Every golden and discovered-cluster case is recorded, read back and
 * stepped again; the decisions, the fallbacks and the carry-over must equal the original's.
 */
class SnapshotRecordTest {

    @TempDir
    Path dir;

    static Stream<Path> cases() throws Exception {
        return Stream.of("/golden", "/book", "/discovered").flatMap(d -> { try { return GoldenCasesTest.cases(d); } catch (Exception e) { throw new IllegalStateException(e); } });
    }

    /** What {@code once --snapshot} computes from {@code file}, with the defaults for what the snapshot leaves out. */
    static CycleStep.Outcome step(Path file) {
        SnapshotFile.Snapshot s = SnapshotFile.read(file);
        Map<String, String> settings = new HashMap<>(PolicyVariables.of(Policy.DEFAULTS));
        settings.putAll(s.policy());
        Mode mode = ControlHash.inForce(s.control(), Mode.SHADOW);
        return CycleStep.step(InputCodec.decode(s.raw()), new CycleStep.Controls(mode, s.scoped().controls()),
                CycleStep.Settings.of(PolicyVariables.parse(settings)), s.now(), s.previous(), true, Optional.empty(), Optional.empty());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void recorded_readBack_givesTheSameCycle(Path original) throws Exception {
        SnapshotFile.Snapshot s = SnapshotFile.read(original);
        Map<String, String> settings = new HashMap<>(PolicyVariables.of(Policy.DEFAULTS));
        settings.putAll(s.policy());
        Policy policy = PolicyVariables.parse(settings);
        CycleInputs inputs = InputCodec.decode(s.raw());
        Mode mode = ControlHash.inForce(s.control(), Mode.SHADOW);
        CarryOver previous = s.previous();
        Path recorded = dir.resolve("recorded.json.gz");
        SnapshotFile.writeGzip(SnapshotFile.toJson(s.now(), PolicyVariables.of(policy), inputs, previous, mode, s.scoped().controls()),
                recorded);

        CycleStep.Outcome before = step(original);
        CycleStep.Outcome after = step(recorded);
        CycleResult a = before.result();
        CycleResult b = after.result();
        assertEquals(a.outcome(), b.outcome());
        assertEquals(a.decisions(), b.decisions());
        if (inputs.rejections().isEmpty()) { // a rejected input is not recorded: the replay calls it missing
            assertEquals(a.fallbacks(), b.fallbacks());
        }
        assertEquals(before.next().zone(), after.next().zone());
        assertEquals(before.next().relaxSince(), after.next().relaxSince());
        assertEquals(inputs.budgets().size(), InputCodec.decode(SnapshotFile.read(recorded).raw()).budgets().size());
        assertEquals(0x1f, Files.readAllBytes(recorded)[0] & 0xff, "gzip");
    }
}
