package com.quantumtrader.allocation.runner.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this jar is: its version, the commit it was built from (with {@code -dirty} when the tree had changes) and when,
 * as the build wrote them into {@code build-info.properties}. Printed by {@code --version} and the start line, exported
 * as {@code p29_build_info{version,commit}}. A value the build could not fill in (no git directory) reads "unknown".
 *
 * @param version the Maven version, e.g. {@code 1.0.0-SNAPSHOT}
 * @param commit  the abbreviated commit id, {@code -dirty} appended when built from a changed tree
 * @param built   the build time, UTC, to the second
 */
public record BuildInfo(String version, String commit, String built) {

    /** This jar's. */
    public static final BuildInfo CURRENT = load();

    static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/build-info.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unreadable: every field unknown
        }
        String commit = value(p, "commit");
        if ("true".equals(p.getProperty("dirty")) && !commit.equals("unknown")) {
            commit += "-dirty";
        }
        return new BuildInfo(value(p, "version"), commit, value(p, "built"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").strip();
        return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }

    /** {@code 1.0.0-SNAPSHOT (commit 0123456789ab, built 2026-12-02T15:00:00Z)}. */
    @Override
    public String toString() {
        return version + " (commit " + commit + ", built " + built + ")";
    }
}
