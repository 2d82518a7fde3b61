package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DESIGN section 17's rules replayed as an operator replays an incident: {@code once --snapshot FILE --json} on
 * golden-style files in {@code src/test/resources/book/} that carry the new snapshot fields ({@code written},
 * {@code control}, {@code scoped_controls}) and policy overrides. Every case: now 1767225600, equity 100,000,
 * drawdown 0 (LOW x1.0), TREND confidence 1 (x1.2), no stress hash and no attribution (x1.0): A and B (cluster x)
 * budget 20,000, C (cluster y) 30,000, so the products are 24,000, 24,000 and 36,000, under every cap of the
 * default policy. Each file's {@code description} works its numbers by hand.
 */
class BookLimitCasesTest {

    static final double RELATIVE_TOLERANCE = 1e-9;

    static Stream<Path> cases() throws IOException, URISyntaxException {
        return GoldenCasesTest.cases("/book");
    }

    @Test
    void cases_allFiveArePresent() throws Exception {
        assertEquals(5, cases().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void onceSnapshotJson_bookLimitCase_targetsAndCapsAsWorkedByHand(Path file) throws IOException {
        JsonNode expected = GoldenCasesTest.read(file).get("expected");
        String[] r = OnceSnapshotTest.run("once", "--snapshot", file.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode got = new ObjectMapper().readTree(r[1]);
        assertEquals(expected.get("outcome").asText(), got.get("outcome").asText());
        List<String> differ = new ArrayList<>();
        expected.get("targets").properties().forEach(e -> {
            JsonNode t = got.get("targets").get(e.getKey());
            double want = e.getValue().get("target_usd").asDouble();
            double have = t.get("target_usd").asDouble();
            if (Math.abs(want - have) > RELATIVE_TOLERANCE * Math.max(1, Math.abs(want))
                    || !e.getValue().get("cap").asText().equals(t.get("cap").asText())) {
                differ.add(e.getKey() + ": expected " + want + " " + e.getValue().get("cap").asText() + ", got " + have + " "
                        + t.get("cap").asText());
            }
        });
        assertEquals(List.of(), differ);
        assertEquals(expected.get("targets").size(), got.get("targets").size());
    }
}
