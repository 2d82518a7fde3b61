package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/snapshot-format.md as written: its example snapshot, run, prints exactly the two outputs the page shows. */
class SnapshotExampleTest {

    static final Path DOC = Path.of("..", "docs", "snapshot-format.md");

    private static List<String> blocks(String lang) throws Exception {
        Matcher m = Pattern.compile("```" + lang + "\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String stripped(String text) {
        return String.join("\n", text.lines().map(String::stripTrailing).toList()).strip();
    }

    @Test
    void docsExample_onceSnapshot_printsWhatThePageShows(@TempDir Path dir) throws Exception {
        Path example = dir.resolve("example.json");
        Files.writeString(example, blocks("json").get(0));
        String[] table = OnceSnapshotTest.run("once", "--snapshot", example.toString());
        String[] json = OnceSnapshotTest.run("once", "--snapshot", example.toString(), "--json");
        assertEquals("0", table[0], table[2]);
        assertEquals(stripped(blocks("text").get(0)), stripped(table[1]));
        assertEquals(stripped(blocks("json").get(1)), stripped(json[1]));
    }

    @Test
    void badJson_oneLineWithLineAndColumn_noParserInternals(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"now\": 1767225600, \"portfolio\": {");
        String[] r = OnceSnapshotTest.run("once", "--snapshot", bad.toString());
        assertEquals("2", r[0]);
        String err = r[2].strip();
        assertEquals("configuration error: --snapshot: cannot read " + bad + " as JSON: Unexpected end-of-input: expected close marker for"
                + " Object (line 1, column 35)", err.replaceFirst("^error: ", "configuration error: "));
        assertFalse(err.contains("Source:") || err.contains("REDACTED") || err.contains("StreamReadFeature"), err);
        assertTrue(err.lines().count() == 1, err);
    }
}
