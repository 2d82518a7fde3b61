package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The jar's help and version as an operator sees them on a terminal: stdout and stderr of the process, no picocli warning. */
class CommandLineIT {

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "''                  | 2 | Usage: allocation-runner",
            "--help              | 0 | Usage: allocation-runner",
            "report --help       | 0 | fallbacks < 1 %, confidence",
            "control set --help  | 0 | --symbol",
            "retract --help      | 0 | --force",
            "--version           | 0 | (commit ",
    })
    void jar_helpAndVersion_noPicocliWarning(String args, int exit, String expected) throws Exception {
        Process p = EndToEndIT.jar(args.isBlank() ? new String[0] : args.split(" ")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // stderr merged
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(exit, p.exitValue(), out);
        assertTrue(out.contains(expected), out);
        assertFalse(out.contains("picocli WARN"), out);
    }
}
