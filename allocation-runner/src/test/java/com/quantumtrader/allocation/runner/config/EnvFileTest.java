package com.quantumtrader.allocation.runner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link EnvFile} reads what systemd's EnvironmentFile= reads, or refuses the line. */
class EnvFileTest {

    /** (file text, the value of A that systemd 252 passes). */
    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("A=shadow\n", "shadow"),
                Arguments.of("A=shadow", "shadow"),
                Arguments.of("A=  spaced value  \n", "spaced value"),
                Arguments.of("  A  =v\n", "v"),
                Arguments.of("A=x#y\n", "x#y"),
                Arguments.of("A=#x\n", "#x"),
                Arguments.of("A=\"p#ss word\"\n", "p#ss word"),
                Arguments.of("A=\"x\"   \n", "x"),
                Arguments.of("A='single $x \\ \"q\"'\n", "single $x \\ \"q\""),
                Arguments.of("A=\"esc \\\" \\\\ \\$ \\` \\n end\"\n", "esc \" \\ $ ` \\n end"),
                Arguments.of("A=a\\ b\n", "a b"),
                Arguments.of("A=foo\\\nbar\n", "foobar"),
                Arguments.of("A=\"multi\nline\"\n", "multi\nline"),
                Arguments.of("A=\"joined \\\nline\"\n", "joined line"),
                Arguments.of("A=x\"y\"\n", "x\"y\""),
                Arguments.of("A=$HOME\n", "$HOME"),
                Arguments.of("A=tab\tin\n", "tab\tin"),
                Arguments.of("A=crlf\r\n", "crlf"),
                Arguments.of("A=\n", ""),
                Arguments.of("A=first\nA=second\n", "second"),
                Arguments.of("# comment\n  ; other\n\nA=v\n", "v"),
                Arguments.of("#A=commented\nA=v\n", "v"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("accepted")
    void parse_systemdGrammar_givesSystemdsValue(String text, String value) {
        assertEquals(Map.of("A", value), EnvFile.parse(text, "t.env"));
    }

    @Test
    void parseWithWarnings_nameSetTwice_warnsNamingBothLinesNotTheValues() {
        EnvFile.Contents c = EnvFile.parseWithWarnings("MAX_SYMBOL_PCT=0.4\n# later\nP29_MODE=enforce\nMAX_SYMBOL_PCT=0.9\n", "p29.env");
        assertEquals("0.9", c.variables().get("MAX_SYMBOL_PCT"));
        assertEquals(java.util.List.of("MAX_SYMBOL_PCT: set twice in p29.env, lines 1 and 4; line 4's value applies (as systemd reads it):"
                + " remove one"), c.warnings());
    }

    @Test
    void parseWithWarnings_eachNameOnce_noWarning() {
        assertEquals(java.util.List.of(), EnvFile.parseWithWarnings("A=1\nB=2\n", "p29.env").warnings());
    }

    /** (file text, the one-line error). */
    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("P29_MODE=shadow   # shadow | enforce\n",
                        "--env-file: t.env line 1: P29_MODE: a '#' after a blank is part of the value for systemd, not a comment:"
                                + " put comments on their own line (or quote the value)"),
                Arguments.of("\nA= # no value\n",
                        "--env-file: t.env line 2: A: a '#' after '=' and a blank is the value for systemd, not a comment:"
                                + " put comments on their own line (or quote the value)"),
                Arguments.of("A=\"x\" # note\n",
                        "--env-file: t.env line 1: A: nothing but blanks may follow the closing quote (systemd would append it to the"
                                + " value): put comments on their own line"),
                Arguments.of("export A=1\n",
                        "--env-file: t.env line 1: the key must be [A-Za-z_][A-Za-z0-9_]* (systemd ignores such a line; no 'export'),"
                                + " was 'export A'"),
                Arguments.of("hunter2\n",
                        "--env-file: t.env line 1: must be KEY=VALUE (systemd ignores a line without '='; the line is not echoed: it"
                                + " may hold a secret)"),
                Arguments.of("A=1\nB=\"open\nC=2\n", "--env-file: t.env line 2: B: the double quote opened here is never closed"),
                Arguments.of("A='open\n", "--env-file: t.env line 1: A: the single quote opened here is never closed"),
                Arguments.of("# a comment \\\nA=1\n",
                        "--env-file: t.env line 1: a comment line must not end in a backslash (systemd 252 continues the comment onto"
                                + " the next line, 254 does not)"),
                Arguments.of("A=x\\", "--env-file: t.env line 1: A: the file ends in a backslash continuation"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("refused")
    void parse_ambiguousOrIgnoredBySystemd_refusedNamingTheLine(String text, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> EnvFile.parse(text, "t.env"));
        assertEquals(message, e.getMessage());
    }

    @Test
    void read_missingFile_namesIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> EnvFile.read(java.nio.file.Path.of("/nonexistent/p29.env")));
        assertEquals("--env-file: cannot read /nonexistent/p29.env (NoSuchFileException)", e.getMessage());
    }
}
