package com.quantumtrader.allocation.runner.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code KEY=VALUE} file with systemd's {@code EnvironmentFile=} grammar, so that
 * {@code --env-file F} gives the process exactly the values systemd gives it from the same file
 * (systemd 252, {@code parse_env_file_internal} in {@code src/basic/env-file.c}):
 * <ul>
 *   <li>a line whose first non-blank character is {@code #} or {@code ;} is a comment; blank lines are skipped;</li>
 *   <li>whitespace around the key and before the value is dropped; trailing whitespace of an unquoted value too;</li>
 *   <li>an unquoted value is taken verbatim up to the end of the line, {@code #} included (there are no
 *       trailing comments), except that a backslash keeps the next character and a backslash at the end of a
 *       line joins the next line;</li>
 *   <li>{@code '...'} is verbatim; {@code "..."} unescapes {@code \" \\ \` \$}, keeps any other backslash, and a
 *       backslash-newline joins lines; both may span lines;</li>
 *   <li>{@code $} is never expanded (as {@code EnvironmentFile=}; note that {@code environment.d} does expand);</li>
 *   <li>a later line wins over an earlier one (as systemd; {@link Contents#warnings()} names both lines, so the
 *       service logs a WARN: a second {@code MAX_SYMBOL_PCT} further down is otherwise a silent override).</li>
 * </ul>
 * Where systemd would silently drop a line or where its reading is unlikely to be what the author
 * meant, this parser refuses the file with an error naming the line instead of guessing: a line
 * without {@code =}; a key that is not {@code [A-Za-z_][A-Za-z0-9_]*} (such as {@code export KEY});
 * an unquoted value holding {@code " #"} (systemd keeps the "comment" in the value); text after a
 * closing quote; an unterminated quote; a comment line ending in a backslash (systemd 252 and 254
 * read the next line differently). Values are never echoed: they may hold a secret.
 */
public final class EnvFile {

    private EnvFile() {
    }

    /**
     * A file's variables and what a reader should be warned of.
     *
     * @param variables the variables, in file order; a later line wins over an earlier one
     * @param warnings  one line per name set more than once, naming the file and both lines (never the values)
     */
    public record Contents(Map<String, String> variables, List<String> warnings) {
        public Contents {
            variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
            warnings = List.copyOf(warnings);
        }
    }

    /** The file's variables, in file order; a later line wins over an earlier one. */
    public static Map<String, String> read(Path file) {
        return contents(file).variables();
    }

    /** The file's variables and the warnings of a name set twice. */
    public static Contents contents(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("--env-file: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("--env-file: " + file + ": must be UTF-8 text");
        }
        return parseWithWarnings(text, file.toString());
    }

    private enum State { PRE_KEY, KEY, PRE_VALUE, VALUE, VALUE_ESCAPE, SINGLE_QUOTED, DOUBLE_QUOTED, DOUBLE_QUOTED_ESCAPE, AFTER_QUOTE, COMMENT }

    /** Parses the text of an env file; {@code source} names it in error messages. */
    static Map<String, String> parse(String text, String source) {
        return parseWithWarnings(text, source).variables();
    }

    /** {@link #parse}, with a warning for each name set on more than one line. */
    static Contents parseWithWarnings(String text, String source) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        StringBuilder key = new StringBuilder();
        StringBuilder value = new StringBuilder();
        State state = State.PRE_KEY;
        int line = 1;
        int entryLine = 1;      // the line an assignment started on, for messages
        int quoteLine = 1;      // the line a quote opened on
        int valueTrim = -1;     // where the trailing whitespace of an unquoted value starts, or -1
        char commentLast = 0;   // the last character of the comment being read
        boolean blankBeforeValue = false;
        for (int i = 0; i <= text.length(); i++) {
            boolean end = i == text.length();
            char c = end ? '\n' : text.charAt(i);
            boolean newline = c == '\n' || c == '\r';
            switch (state) {
                case PRE_KEY -> {
                    if (c == '#' || c == ';') {
                        state = State.COMMENT;
                        commentLast = c;
                    } else if (!isWhitespace(c)) {
                        state = State.KEY;
                        entryLine = line;
                        key.setLength(0);
                        key.append(c);
                    }
                }
                case KEY -> {
                    if (newline) {
                        throw error(source, entryLine,
                                "must be KEY=VALUE (systemd ignores a line without '='; the line is not echoed: it may hold a secret)");
                    } else if (c == '=') {
                        String name = key.toString().strip();
                        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                            throw error(source, entryLine, "the key must be [A-Za-z_][A-Za-z0-9_]* (systemd ignores such a line; no 'export'), was '"
                                    + printable(name) + "'");
                        }
                        key.setLength(0);
                        key.append(name);
                        value.setLength(0);
                        valueTrim = -1;
                        blankBeforeValue = false;
                        state = State.PRE_VALUE;
                    } else {
                        key.append(c);
                    }
                }
                case PRE_VALUE -> {
                    if (newline) {
                        put(env, firstLine, warnings, source, entryLine, key.toString(), value.toString());
                        state = State.PRE_KEY;
                    } else if (c == '\'') {
                        state = State.SINGLE_QUOTED;
                        quoteLine = line;
                    } else if (c == '"') {
                        state = State.DOUBLE_QUOTED;
                        quoteLine = line;
                    } else if (c == '\\') {
                        state = State.VALUE_ESCAPE;
                    } else if (c == '#' && blankBeforeValue) {
                        throw error(source, entryLine, key + ": a '#' after '=' and a blank is the value for systemd, not a comment:"
                                + " put comments on their own line (or quote the value)");
                    } else if (!isWhitespace(c)) {
                        value.append(c);
                        state = State.VALUE;
                    } else {
                        blankBeforeValue = true;
                    }
                }
                case VALUE -> {
                    if (newline) {
                        if (valueTrim >= 0) {
                            value.setLength(valueTrim);
                        }
                        put(env, firstLine, warnings, source, entryLine, key.toString(), value.toString());
                        state = State.PRE_KEY;
                    } else if (c == '\\') {
                        valueTrim = -1;
                        state = State.VALUE_ESCAPE;
                    } else {
                        if (c == '#' && valueTrim >= 0) {
                            throw error(source, entryLine, key + ": a '#' after a blank is part of the value for systemd, not a comment:"
                                    + " put comments on their own line (or quote the value)");
                        }
                        if (!isWhitespace(c)) {
                            valueTrim = -1;
                        } else if (valueTrim < 0) {
                            valueTrim = value.length();
                        }
                        value.append(c);
                    }
                }
                case VALUE_ESCAPE -> {
                    if (end) {
                        throw error(source, entryLine, key + ": the file ends in a backslash continuation");
                    }
                    if (!newline) {
                        value.append(c); // a backslash keeps the next character; backslash-newline joins lines
                    }
                    state = State.VALUE;
                }
                case SINGLE_QUOTED -> {
                    if (end) {
                        throw error(source, quoteLine, key + ": the single quote opened here is never closed");
                    }
                    if (c == '\'') {
                        state = State.AFTER_QUOTE;
                    } else {
                        value.append(c);
                    }
                }
                case DOUBLE_QUOTED -> {
                    if (end) {
                        throw error(source, quoteLine, key + ": the double quote opened here is never closed");
                    }
                    if (c == '"') {
                        state = State.AFTER_QUOTE;
                    } else if (c == '\\') {
                        state = State.DOUBLE_QUOTED_ESCAPE;
                    } else {
                        value.append(c);
                    }
                }
                case DOUBLE_QUOTED_ESCAPE -> {
                    if (end) {
                        throw error(source, quoteLine, key + ": the double quote opened here is never closed");
                    }
                    if ("\"\\`$".indexOf(c) >= 0) {
                        value.append(c);
                    } else if (c != '\n') {
                        value.append('\\').append(c);
                    }
                    state = State.DOUBLE_QUOTED;
                }
                case AFTER_QUOTE -> {
                    // systemd appends whatever follows a closing quote to the value ("x" # y gives x# y): refused.
                    if (newline) {
                        put(env, firstLine, warnings, source, entryLine, key.toString(), value.toString());
                        state = State.PRE_KEY;
                    } else if (!isWhitespace(c)) {
                        throw error(source, entryLine, key + ": nothing but blanks may follow the closing quote"
                                + " (systemd would append it to the value): put comments on their own line");
                    }
                }
                case COMMENT -> {
                    if (newline) {
                        if (commentLast == '\\' && c == '\n') {
                            throw error(source, line, "a comment line must not end in a backslash (systemd 252 continues the comment"
                                    + " onto the next line, 254 does not)");
                        }
                        state = State.PRE_KEY;
                    }
                    commentLast = c;
                }
                default -> throw new IllegalStateException(state.name());
            }
            if (c == '\n' && !end) {
                line++;
            }
        }
        return new Contents(env, warnings);
    }

    private static void put(Map<String, String> env, Map<String, Integer> firstLine, List<String> warnings, String source, int line,
                            String name, String value) {
        Integer earlier = firstLine.putIfAbsent(name, line);
        if (earlier != null) {
            warnings.add(name + ": set twice in " + source + ", lines " + earlier + " and " + line + "; line " + line
                    + "'s value applies (as systemd reads it): remove one");
        }
        env.put(name, value);
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static ConfigException error(String source, int line, String message) {
        return new ConfigException("--env-file: " + source + " line " + line + ": " + message);
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
