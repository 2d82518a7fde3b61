package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.metrics.HttpEndpoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The systemd unit against what the docs install, and against systemd's own checker where it is installed. */
class DeployFilesTest {

    static final Path UNIT = Path.of("..", "deploy", "quantum-capital-allocation.service");

    private static String unitValue(String key) throws Exception {
        return Files.readAllLines(UNIT).stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElseThrow();
    }

    @Test
    void unit_documentationPointsWhereTheInstallCopiesTheDocs() throws Exception {
        String doc = unitValue("Documentation");
        assertTrue(doc.startsWith("file://"), doc);
        Path installed = Path.of(doc.substring("file://".length()));
        String operations = Files.readString(Path.of("..", "docs", "operations.md"), StandardCharsets.UTF_8);
        assertTrue(operations.contains("install -m 644 docs/*.md " + installed.getParent() + "/"),
                "docs/operations.md installs docs/*.md into " + installed.getParent());
        assertTrue(Files.isRegularFile(Path.of("..", "docs").resolve(installed.getFileName())), "docs/" + installed.getFileName());
    }

    /**
     * The unit's task limit leaves room for every HTTP thread that slow clients may hold (DESIGN section 25) beside the JVM's
     * own: a thread the limit refuses is an OutOfMemoryError, which -XX:+ExitOnOutOfMemoryError turns into a restart.
     */
    @Test
    void unit_tasksMaxAboveTheHttpThreadsAndTheJvmsOwn() throws Exception {
        int tasks = Integer.parseInt(unitValue("TasksMax"));
        assertTrue(tasks >= HttpEndpoints.MAX_THREADS + 48, "TasksMax=" + tasks + " for up to " + HttpEndpoints.MAX_THREADS
                + " HTTP threads and the JVM's ~25");
    }

    @Test
    void unit_execStartNamesTheRunCommand() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);
        String last = lines.stream().filter(l -> l.contains("-jar ")).findFirst().orElseThrow();
        assertTrue(last.strip().endsWith("allocation-runner.jar run"), last);
    }

    /**
     * The operator's wrapper runs the jar the unit runs, with the unit's Java, passing every argument on; run by a real
     * sh with a stand-in {@code java} (the wrapper's /usr/bin/java rewritten to it) that prints what it was given.
     */
    @Test
    void wrapper_runsTheUnitsJarWithTheUnitsJava_argumentsPassedOn(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path wrapper = Path.of("..", "deploy", "allocation-runner");
        assertTrue(Files.isExecutable(wrapper), wrapper + " is executable");
        String unitJar = Files.readAllLines(UNIT).stream().filter(l -> l.contains("-jar ")).findFirst().orElseThrow().strip()
                .replaceAll(".*-jar (\\S+) run$", "$1");
        String unitJava = unitValue("ExecStart").split(" ")[0];
        String text = Files.readString(wrapper);
        assertTrue(text.contains("exec " + unitJava + " -jar " + unitJar + " \"$@\""), text);
        assertTrue(Files.readString(Path.of("..", "docs", "operations.md")).contains("install -m 755 deploy/allocation-runner"
                + " /usr/local/bin/allocation-runner"), "operations.md installs the wrapper");
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done\n");
        java.toFile().setExecutable(true);
        Path copy = dir.resolve("allocation-runner");
        Files.writeString(copy, text.replace("exec " + unitJava, "exec " + java));
        Process p = new ProcessBuilder("sh", copy.toString(), "control", "set", "halt", "--reason", "two words").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals("[-jar][" + unitJar + "][control][set][halt][--reason][two words]", out.strip());
    }

    @Test
    void unit_systemdAnalyzeVerify_noComplaint() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed (Debian: systemd)");
        Process p = new ProcessBuilder(analyze.toString(), "verify", UNIT.toAbsolutePath().normalize().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), out);
    }
}
