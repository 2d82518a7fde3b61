package com.quantumtrader.allocation.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code KEY=VALUE} file the way systemd's {@code EnvironmentFile=} does for the cases we
 * use: blank lines and lines starting with {@code #} or {@code ;} are ignored, an optional
 * {@code export } prefix is dropped, whitespace around key and value is trimmed, and a value in
 * matching single or double quotes is unquoted. A trailing {@code # comment} after a value is
 * removed when preceded by whitespace (so {@code P29_MODE=shadow   # shadow | enforce} works).
 */
public final class EnvFile {
    private EnvFile() {
    }

    /** The file's variables, in file order; a later line wins over an earlier one. */
    public static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("--env-file: cannot read " + file + ": " + e.getClass().getSimpleName());
        }
        return parse(lines, file.toString());
    }

    static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--env-file: " + source + " line " + (i + 1) + ": must be KEY=VALUE (the line is not echoed: it may hold a secret)");
            }
            String key = line.substring(0, eq).strip();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException("--env-file: " + source + " line " + (i + 1) + ": must be KEY=VALUE with KEY of [A-Za-z_][A-Za-z0-9_]*");
            }
            env.put(key, value(line.substring(eq + 1).strip()));
        }
        return env;
    }

    private static String value(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        int comment = v.indexOf(" #");
        if (comment < 0) {
            comment = v.indexOf("\t#");
        }
        return comment < 0 ? v : v.substring(0, comment).strip();
    }
}
