package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.cli.Main;
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

/**
 * {@code once --snapshot FILE --json} reproduces every golden case and every discovered-cluster case (the files of
 * allocation-runner's test resources: {@code golden/}, {@code discovered/} with {@code discovered_clusters} and
 * {@code cluster_states}).
 */
class OnceSnapshotTest {

    static final double RELATIVE_TOLERANCE = 1e-6;
    static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    static final Path DISCOVERED = Path.of("src", "test", "resources", "discovered");

    static List<Path> goldenCases() throws Exception {
        return cases(GOLDEN);
    }

    static List<Path> allCases() throws Exception {
        List<Path> all = new java.util.ArrayList<>(cases(GOLDEN));
        all.addAll(cases(DISCOVERED));
        return all;
    }

    private static List<Path> cases(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
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
        assertEquals(18, allCases().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allCases")
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

    /**
     * Drawdown 4.8 % (LOW by the thresholds, inside the 0.5 % band below 5 %) after MID: with a
     * state the zone in force is carried. Band 0.005, relax 300 s; now = 1767225600.
     */
    @ParameterizedTest(name = "state {0} -> zone {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            // state object                                                  | zone | drawdown_factor
            "''                                                              | LOW  | 1.0",  // no state: a first cycle, the raw zone
            "'\"state\": {\"drawdown_zone\": \"MID\", \"relax_since\": \"\"},'              | MID  | 0.7",  // 4.8 % is not below 4.5 %: held
            "'\"state\": {\"drawdown_zone\": \"MID\", \"relax_since\": \"1767225000\", \"instance\": \"a\"},' | MID  | 0.7",  // relax timer only runs below 4.5 %
    })
    void onceSnapshot_withState_zoneInForceCarried(String state, String zone, double factor, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{\"now\": 1767225600, " + state
                + " \"policy\": {\"DD_HYSTERESIS\": \"0.005\", \"DD_RELAX_SEC\": \"300\"},"
                + " \"portfolio\": {\"equity_usd\": \"100000\", \"drawdown\": \"0.048\", \"timestamp\": \"1767225600\"},"
                + " \"budgets\": {\"BTCUSDT\": {\"budget_usd\": \"1000\", \"timestamp\": \"1767225600\"}}}");
        String[] r = run("once", "--snapshot", file.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode t = new ObjectMapper().readTree(r[1]).get("targets").get("BTCUSDT");
        assertEquals(zone, t.get("drawdown_zone").asText());
        assertEquals(factor, t.get("drawdown_factor").asDouble(), 0.0);
    }

    @Test
    void onceSnapshot_stateBelowBandLongerThanRelax_lighterZone_tablePrintsTheCarryOver(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("s.json");
        // 4.0 % is below 5 % - 0.5 %; it has stood there since 1767225000, 600 s >= 300 s: LOW.
        Files.writeString(file, "{\"now\": 1767225600, \"state\": {\"drawdown_zone\": \"MID\", \"relax_since\": \"1767225000\"},"
                + " \"policy\": {\"DD_HYSTERESIS\": \"0.005\", \"DD_RELAX_SEC\": \"300\"},"
                + " \"portfolio\": {\"equity_usd\": \"100000\", \"drawdown\": \"0.040\", \"timestamp\": \"1767225600\"},"
                + " \"budgets\": {\"BTCUSDT\": {\"budget_usd\": \"1000\", \"timestamp\": \"1767225600\"}}}");
        String[] r = run("once", "--snapshot", file.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("carry-over for the next snapshot: \"state\": {\"drawdown_zone\": \"LOW\", \"relax_since\": \"\"}"), r[1]);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "{\"drawdown_zone\": \"mid\"}                          | state.drawdown_zone: must be LOW, MID, HIGH or empty, was 'mid'",
            "{\"drawdown_zone\": \"MID\", \"relax_since\": \"1.5\"} | state.relax_since: must be integer epoch seconds or empty, was '1.5'",
            "{\"relax_since\": \"1767225000\"}                     | state.relax_since: needs state.drawdown_zone (a relax timer belongs to a zone in force)",
    })
    void onceSnapshot_badState_exit2NamingTheField(String state, String message, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{\"now\": 1767225600, \"state\": " + state + "}");
        String[] r = run("once", "--snapshot", file.toString());
        assertEquals("2", r[0]);
        assertEquals("error: --snapshot: " + file + ": " + message, r[2].strip());
    }
}
