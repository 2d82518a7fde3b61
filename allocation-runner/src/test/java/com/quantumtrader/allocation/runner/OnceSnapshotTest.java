package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code once --snapshot FILE --json} reproduces every golden case (the files of allocation-core's test resources). */
class OnceSnapshotTest {

    static final double RELATIVE_TOLERANCE = 1e-6;
    static final Path GOLDEN = Path.of("..", "allocation-redis", "src", "test", "resources", "golden");

    static List<Path> goldenCases() throws Exception {
        try (Stream<Path> files = Files.list(GOLDEN)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
    }

    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void goldenCases_found() throws Exception {
        assertEquals(12, goldenCases().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void onceSnapshotJson_goldenCase_matchesExpected(Path file) throws Exception {
        String[] r = run("once", "--snapshot", file.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = json.readTree(file.toFile()).get("expected");
        JsonNode got = json.readTree(r[1]);
        assertEquals(expected.get("outcome"), got.get("outcome"));
        JsonNode et = expected.get("targets");
        JsonNode gt = got.get("targets");
        assertEquals(et.size(), gt.size(), "symbols");
        for (Iterator<String> symbols = et.fieldNames(); symbols.hasNext(); ) {
            String symbol = symbols.next();
            JsonNode want = et.get(symbol);
            JsonNode have = gt.get(symbol);
            assertEquals(want.size(), have.size(), symbol + " fields");
            for (Iterator<String> fields = want.fieldNames(); fields.hasNext(); ) {
                String f = fields.next();
                if (want.get(f).isNumber()) {
                    double w = want.get(f).asDouble();
                    double h = have.get(f).asDouble();
                    assertTrue(Math.abs(w - h) <= RELATIVE_TOLERANCE * Math.abs(w) + 1e-12, symbol + "." + f + ": " + w + " vs " + h);
                } else {
                    assertEquals(want.get(f), have.get(f), symbol + "." + f);
                }
            }
        }
    }

    @Test
    void onceSnapshot_table_printsSymbolsAndCap() throws Exception {
        String[] r = run("once", "--snapshot", GOLDEN.resolve("02-symbol-and-cluster-caps.json").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("SOLUSDT") && r[1].contains("cluster"), r[1]);
    }

    @Test
    void onceSnapshot_withWrite_isRefusedWithExit2() throws Exception {
        String[] r = run("once", "--snapshot", GOLDEN.resolve("01-basic-mid-drawdown-trend.json").toString(), "--write");
        assertEquals("2", r[0]);
        assertEquals("error: --write: cannot be used with --snapshot (a snapshot is not live data)", r[2].strip());
    }
}
