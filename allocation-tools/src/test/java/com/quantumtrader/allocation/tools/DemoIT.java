package com.quantumtrader.allocation.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo as the README runs it: the tools jar, a process of its own, its embedded Redis. */
class DemoIT {

    static final Path JAR = Path.of(System.getProperty("it.tools.jar", "target/allocation-tools.jar"));

    @TempDir
    Path dir;

    /** {@code java -Xmx128m -jar allocation-tools.jar <args>}, stderr merged into stdout. */
    static ProcessBuilder jar(String... args) {
        assertTrue(new File(JAR.toString()).isFile(), "the shaded jar is built in package, before integration tests");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /** Runs the tools' command line in this JVM: {exit code, stdout, stderr}. */
    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Tools.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static String read(Path log) throws Exception {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Test
    void demo_twoReplicas_oneWritesTheOtherStandsBy_tableNamesTheWriter_zoneHeldAcross5Percent() throws Exception {
        Path log = dir.resolve("demo.log");
        Process p = jar("demo", "--replicas", "2", "--cycles", "6", "--interval-sec", "1", "--metrics-port", "0")
                .redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "demo ends after 6 cycles");
        String out = read(log);
        assertEquals(0, p.exitValue(), out);
        java.util.regex.Matcher writer = java.util.regex.Pattern.compile("cycle \\d+ .* written by (demo-[12]) \\(leader\\)").matcher(out);
        List<String> writers = new ArrayList<>();
        while (writer.find()) {
            writers.add(writer.group(1));
        }
        assertEquals(6, writers.size(), out);
        assertEquals(1, new java.util.HashSet<>(writers).size(), "one writer throughout: " + writers);
        String standby = writers.get(0).equals("demo-1") ? "demo-2" : "demo-1";
        assertTrue(out.contains(standby + " standby: computed 12 targets, wrote nothing"), out);
        // The demo's drawdown path: 5.1 % at cycle 5 (MID), 4.9 % at cycle 6 (MID held by the 0.5 % band).
        assertTrue(out.contains("drawdown 5.1% MID x0.70  regime"), out);
        assertTrue(out.contains("drawdown 4.9% MID x0.70 (held; LOW by the thresholds)  regime"), out);
        // Clusters discovered the live stack's way (no operator map): BTC in cluster_0; LINK's discovered cluster_3 is a
        // lingering one whose state stopped a day ago, so its budget's own cluster_id applies.
        assertTrue(java.util.regex.Pattern.compile("(?m)^BTCUSDT +cluster_0 ").matcher(out).find(), out);
        assertTrue(java.util.regex.Pattern.compile("(?m)^SOLUSDT +cluster_1 ").matcher(out).find(), out);
        assertTrue(java.util.regex.Pattern.compile("(?m)^LINKUSDT +oracles ").matcher(out).find(), out);
        // DESIGN section 17 in the demo: the operator halts PEPE after cycle 3 (its target 0, cap halt); the shipped gross cap
        // holds the book at 100 % of equity in LOW.
        assertTrue(out.contains("operator: control set halt --symbol PEPEUSDT --for 8s"), out);
        assertTrue(out.contains("legend: base $ = the budget engine's budget; regime, clust (cluster: clamp(1 - stress)), dd (drawdown"), out);
        assertTrue(java.util.regex.Pattern.compile("(?m)^total +[0-9,]+  \\([0-9.]+% of equity\\)$").matcher(out).find(), out);
        assertTrue(java.util.regex.Pattern.compile("(?m)^PEPEUSDT +cluster_2 .* 0 halt ").matcher(out).find(), out);
        assertTrue(java.util.regex.Pattern.compile("(?m)^BTCUSDT +cluster_0 .* gross ").matcher(out).find(), out);
    }

    @Test
    void noCommand_usageAndExitTwo() {
        String[] r = run();
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("error: a command is required (demo or bench)"), r[2]);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "demo --cycles 0              | error: --cycles: must be >= 1 (leave it out to run until Ctrl-C), was 0",
            "demo --cycles -1             | error: --cycles: must be >= 1 (leave it out to run until Ctrl-C), was -1",
            "demo --replicas 4            | error: --replicas: must be in [1, 3], was 4",
            "bench --mode foo             | error: --mode: must be shadow or enforce, was 'foo'",
            "bench --symbols 0            | error: --symbols: must be >= 1, was 0",
            "bench --cycles 0             | error: --cycles: must be >= 1, was 0",
            "bench --warmup -1            | error: --warmup: must be >= 0, was -1",
            "bench --attribution-pct 101  | error: --attribution-pct: must be in [0, 100], was 101"})
    void optionError_namesTheOptionAndExitsTwo(String args, String message) {
        String[] r = run(args.strip().split(" +"));
        assertEquals("2", r[0], r[1] + r[2]);
        assertEquals(message + "\n", r[2]);
    }
}
