package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: where {@code --env-file} may stand, usage, and option errors that name the option. */
class MainTest {

    @TempDir
    Path dir;

    private Path env(String text) throws Exception {
        Path f = dir.resolve("p29.env");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void envFile_beforeOrAfterTheCommand_isRead() throws Exception {
        Path f = env("P29_MODE=enforce\nMAX_SYMBOL_PCT=0.25\n");
        for (String[] args : List.of(new String[] {"--env-file", f.toString(), "check-config"},
                new String[] {"check-config", "--env-file", f.toString()},
                new String[] {"--env-file", f.toString(), "check-config", "--env-file", f.toString()})) {
            String[] r = OnceSnapshotTest.run(args);
            assertEquals("0", r[0], String.join(" ", args) + "\n" + r[2]);
            assertTrue(r[1].contains("P29_MODE=enforce    (" + f + ")\n") && r[1].contains("MAX_SYMBOL_PCT=0.25    (" + f + ")\n"),
                    String.join(" ", args) + "\n" + r[1]);
        }
    }

    @Test
    void envFile_missing_exitsTwoWhereverItStands() {
        for (String[] args : List.of(new String[] {"--env-file", "/nonexistent/p29.env", "check-config"},
                new String[] {"check-config", "--env-file", "/nonexistent/p29.env"},
                new String[] {"--env-file", "/nonexistent/p29.env", "demo", "--cycles", "1"},
                new String[] {"--env-file", "/nonexistent/p29.env", "run"})) {
            String[] r = OnceSnapshotTest.run(args);
            assertEquals("2", r[0], String.join(" ", args) + "\n" + r[1] + r[2]);
            assertTrue(r[2].startsWith("error: --env-file: cannot read /nonexistent/p29.env (no such readable file)\n"), r[2]);
        }
    }

    @Test
    void envFile_twoDifferentFiles_refused() throws Exception {
        Path a = env("P29_MODE=enforce\n");
        Path b = dir.resolve("other.env");
        Files.writeString(b, "P29_MODE=shadow\n");
        String[] r = OnceSnapshotTest.run("--env-file", a.toString(), "check-config", "--env-file", b.toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].startsWith("error: --env-file: given twice, " + a + " and " + b + "\n"), r[2]);
    }

    @Test
    void version_namesTheProjectVersionTheCommitAndTheBuildTime() {
        String[] r = OnceSnapshotTest.run("--version");
        assertEquals("0", r[0], r[2]);
        String expected = "allocation-runner " + System.getProperty("project.version") + " (commit ";
        assertTrue(r[1].startsWith(expected), r[1]);
        // built from a git checkout (CI clones one): a 12-digit commit, -dirty when the tree had changes
        assertTrue(r[1].strip().matches(java.util.regex.Pattern.quote(expected) + "[0-9a-f]{12}(-dirty)?, built "
                + "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\\)"), r[1]);
        assertEquals(System.getProperty("project.version"), BuildInfo.CURRENT.version());
    }

    @Test
    void envFile_unknownName_exitTwoWithTheNearestKnownName_nothingElseRead() throws Exception {
        Path f = env("MAX_SYMBOL_PTC=0.9\n");
        String[] r = OnceSnapshotTest.run("check-config", "--env-file", f.toString());
        assertEquals("2", r[0], r[1]);
        assertEquals("configuration error: MAX_SYMBOL_PTC: unknown variable in " + f + "; did you mean MAX_SYMBOL_PCT?", r[2].strip());
        Path far = env("SOMETHING_ELSE=1\n");
        String[] r2 = OnceSnapshotTest.run("check-config", "--env-file", far.toString());
        assertEquals("configuration error: SOMETHING_ELSE: unknown variable in " + far + "; the variables are listed in docs/configuration.md",
                r2[2].strip());
    }

    @Test
    void noArguments_printsUsageAndExitsTwo() {
        String[] r = OnceSnapshotTest.run();
        assertEquals("2", r[0]);
        assertEquals("", r[1]);
        assertTrue(r[2].startsWith("Usage: allocation-runner"), r[2]);
        assertTrue(r[2].contains("  run ") && r[2].endsWith("error: a command is required (the service is 'run')\n"), r[2]);
    }
}
