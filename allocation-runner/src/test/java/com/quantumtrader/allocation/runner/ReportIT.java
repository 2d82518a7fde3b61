package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** {@code report} (DESIGN section 14) as a process over what a real runner process wrote in shadow. */
class ReportIT {

    private final TestRedis redis = TestRedis.shared();

    @TempDir
    Path dir;
    private Path env;

    @BeforeEach
    void setUp() throws Exception {
        redis.flush();
        env = dir.resolve("report.env");
        Files.writeString(env, String.join("\n", "P29_MODE=shadow", "P29_INTERVAL_SEC=1", "P29_METRICS_BIND=127.0.0.1",
                "P29_METRICS_PORT=" + TestRedis.freePort(), "TARGET_TTL_SEC=60", "STALE_DATA_SEC=45", "REDIS_TIMEOUT_MS=500",
                "REDIS_URL=" + redis.url(), ""));
    }

    /** Runs the service in shadow until it wrote {@code cycles} cycle entries, then stops it. */
    private void runShadow(int cycles) throws Exception {
        Path log = dir.resolve("run.log");
        Process p = EndToEndIT.jar("run", "--env-file", env.toString()).redirectOutput(log.toFile()).start();
        try {
            ServiceIT.await(cycles + " cycle entries", Duration.ofSeconds(40), () -> {
                try (Jedis j = redis.client()) {
                    return j.exists(Keys.CYCLE_STREAM) && j.xlen(Keys.CYCLE_STREAM) >= cycles;
                }
            });
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
    }

    private String[] report(String... args) throws Exception {
        String[] all = new String[args.length + 3];
        all[0] = "report";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--env-file";
        all[args.length + 2] = env.toString();
        Process p = EndToEndIT.jar(all).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void report_shadowRunWithFreshInputs_exit0_everyCriterionPasses() throws Exception {
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, "BTCUSDT", "ETHUSDT");
        }
        runShadow(6);
        Path html = dir.resolve("report.html");
        String[] r = report("--since", "10m", "--min-span", "4s", "--out", html.toString());
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("wrote " + html), r[1]);
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<table id=\"verdicts\">") && page.contains("<polyline"), page);
        assertFalse(page.contains("<script") || page.contains("http:") || page.contains("https:"), "self-contained");
        assertTrue(page.contains("<table id=\"differences\">") && page.contains("<td>BTCUSDT</td>") && page.contains("<td>ETHUSDT</td>"),
                "the symbols' targets against their budgets, from the decision stream: " + page);
        browser(html);
        assertTrue(r[1].contains("PASS  fallbacks: 0.00 % of symbol-cycles (0 of "), r[1]);
        assertTrue(r[1].contains("PASS  mean allocation confidence: 0.950"), r[1]);
        assertTrue(r[1].contains("PASS  failed cycles: 0"), r[1]);
        assertTrue(r[1].contains("PASS  targets computed in every cycle: "), r[1]);
        assertTrue(r[1].contains("VERDICT: PASS"), r[1]);

        try (Jedis j = redis.client()) { // the operator sets halt over P29_MODE=shadow: the report says it beside P29_MODE
            j.hset(Keys.CONTROL, Map.of("mode", "halt", "reason", "drill", "by", "alice", "ts", "1796000000"));
        }
        String[] halted = report("--since", "10m", "--min-span", "4s", "--out", html.toString());
        assertTrue(halted[1].contains("mode: P29_MODE=shadow; in force now: halt (control hash quantum:control:allocation, set by alice at "
                + "2026-11-30T") && halted[1].contains(": drill)"), halted[1]);
        assertTrue(Files.readString(html).contains("<td>P29_MODE</td><td>shadow; in force now: halt (control hash"), "the configuration table");

        String[] day = report("--since", "10m");
        assertEquals("1", day[0], "a few seconds of shadow never pass for the default 24 h: " + day[1]);
        assertTrue(day[1].contains("FAIL  coverage: the data spans ") && day[1].contains("(rule: at least 24h)"), day[1]);
    }

    /**
     * A real browser: headless Chromium renders the page; its DOM has the verdict table and drawn chart
     * elements, and it logs no console error. Skipped with a message where Chromium is absent
     * ({@code .ci/run} installs Debian's {@code chromium} when it can).
     */
    private void browser(Path html) throws Exception {
        browser(html, dir, "verdicts", 4);
    }

    /**
     * Headless Chromium renders {@code html}: its DOM has the table {@code tableId}, at least {@code polylines} drawn lines and
     * the bands' rectangles, and it logs no console error; skipped with a message where Chromium is absent.
     */
    static void browser(Path html, Path dir, String tableId, int polylines) throws Exception {
        Path chromium = java.util.stream.Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (chromium == null) {
            System.out.println("[ReportIT] no Chromium on this machine: the browser check of the report page is skipped");
            return;
        }
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + dir.resolve("chromium-profile"), "--dump-dom", html.toUri().toString()).redirectError(dir.resolve("chromium.err").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium ends");
        String err = Files.readString(dir.resolve("chromium.err"));
        assertTrue(dom.contains("id=\"" + tableId + "\""), "the rendered DOM has the table " + tableId + ":\n" + dom);
        assertTrue(dom.split("<polyline", -1).length - 1 >= polylines, "the charts have drawn lines:\n" + dom);
        assertTrue(dom.contains("<rect"), "the timeline has drawn rectangles");
        assertFalse(err.contains("CONSOLE") || err.contains("Uncaught"), "no console message: " + err);
        System.out.println("[ReportIT] Chromium rendered " + html.getFileName() + ": " + (dom.split("<polyline", -1).length - 1) + " polylines");
    }

    @Test
    void report_oneClusterStressStale_exit1_fallbackCriterionFailsWithItsFigure() throws Exception {
        try (Jedis j = redis.client()) {
            ServiceIT.seed(j, "BTCUSDT", "ETHUSDT");
            j.hset(Keys.stress("c-ETHUSDT"), "timestamp", Long.toString(Instant.now().getEpochSecond() - 3600)); // stale
        }
        runShadow(6);
        String[] r = report("--since", "10m", "--min-span", "4s");
        assertEquals("1", r[0], r[1]);
        assertTrue(r[1].contains("FAIL  fallbacks: 50.00 % of symbol-cycles ("), "ETHUSDT falls back every cycle, BTCUSDT never: " + r[1]);
        assertTrue(r[1].contains("(rule: below 1 %)"), r[1]);
        assertTrue(r[1].contains("VERDICT: FAIL (1 of 5 criteria)"), r[1]);
    }

    @Test
    void report_noDataOrBadOptions_exit2() throws Exception {
        String[] empty = report("--since", "10m");
        assertEquals("2", empty[0], empty[1]);
        assertTrue(empty[1].contains("error: no cycle entries in the window: is the service running, and writing to this Redis?"), empty[1]);
        String[] noSince = report(); // the service document's shadow day by default, not a usage error
        assertEquals("2", noSince[0], noSince[1]);
        assertTrue(noSince[1].contains("error: no cycle entries in the window") && !noSince[1].contains("Missing required option"), noSince[1]);
        String[] bad = report("--since", "2w");
        assertEquals("2", bad[0]);
        assertTrue(bad[1].contains("error: --since: must be a whole number followed by d, h, m or s (2d, 48h, 90m, 600s), was '2w'"), bad[1]);
    }

    /**
     * {@code minutes} of cycle entries, one every 5 s ending at {@code end}, written with ids at their times (as the service
     * writes them), enforce with a reduce spell in the middle, and the two control changes that made it.
     */
    private void seedWindow(java.time.Instant end, int minutes) {
        long first = end.getEpochSecond() - minutes * 60L;
        try (Jedis j = redis.client()) {
            redis.clients.jedis.Pipeline p = j.pipelined();
            for (long t = first; t <= end.getEpochSecond(); t += 5) {
                long k = t - first;
                boolean reduce = k >= minutes * 24L && k < minutes * 36L; // the middle fifth
                com.quantumtrader.allocation.redis.wire.CycleEntry e = new com.quantumtrader.allocation.redis.wire.CycleEntry("c" + t,
                        java.time.Instant.ofEpochSecond(t), k % 600 < 300 ? "alloc-a" : "alloc-b",
                        reduce ? com.quantumtrader.allocation.core.Mode.REDUCE : com.quantumtrader.allocation.core.Mode.ENFORCE,
                        com.quantumtrader.allocation.core.Outcome.COMPUTED, "", 40, 4, 36, 0,
                        Map.of(com.quantumtrader.allocation.core.DataSource.CLUSTER, k % 120 == 0 ? 1 : 0), k % 120 == 0 ? 1 : 0, 0,
                        0.9 - 0.1 * Math.sin(k / 200.0), 0.7, 0.8, 800_000 + 50_000 * Math.sin(k / 300.0), 1_000_000, 1_000_000,
                        k < minutes * 30L ? "LOW" : "MID", k < minutes * 40L ? "TREND" : "CHOP", 12, 0);
                p.xadd(Keys.CYCLE_STREAM, new redis.clients.jedis.StreamEntryID(t * 1000, 0), e.encode());
            }
            p.xadd(Keys.CONTROL_STREAM, new redis.clients.jedis.StreamEntryID((first + minutes * 24L) * 1000, 0), Map.of("action", "set",
                    "mode", "reduce", "reason", "exchange X outage", "by", "alice", "ts", Long.toString(first + minutes * 24L), "previous", ""));
            p.xadd(Keys.CONTROL_STREAM, new redis.clients.jedis.StreamEntryID((first + minutes * 36L) * 1000, 0), Map.of("action", "set",
                    "mode", "enforce", "reason", "outage over", "by", "bob", "ts", Long.toString(first + minutes * 36L), "previous", "reduce"));
            p.sync();
        }
    }

    /**
     * A 10-minute window in a real browser: headless Chromium renders the page, and every chart in its DOM has a line of
     * more than one point and a time axis with UTC tick labels and its title; the mode band shows the reduce spell and
     * the two control changes with who and why. Skipped with a message where Chromium is absent.
     */
    @Test
    void report_tenMinuteWindow_everyChartDrawsLinesOnALabelledTimeAxis_inChromium() throws Exception {
        Files.writeString(env, Files.readString(env).replace("P29_INTERVAL_SEC=1", "P29_INTERVAL_SEC=5"));
        java.time.Instant end = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        seedWindow(end, 10);
        Path html = dir.resolve("ten-minutes.html");
        String[] r = report("--since", "10m", "--until", end.toString(), "--min-span", "5m", "--out", html.toString());
        assertEquals("0", r[0], r[1]);
        assertTrue(r[1].contains("go-live report (allocation-runner " + BuildInfo.CURRENT + "): "), r[1]);
        assertTrue(r[1].contains(" from " + end.minusSeconds(600) + " to " + end + " "), "timestamps to the second: " + r[1]);
        Path chromium = java.util.stream.Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (chromium == null) {
            System.out.println("[ReportIT] no Chromium on this machine: the browser check of the 10-minute report is skipped");
            return;
        }
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir="
                + dir.resolve("chromium-10m"), "--dump-dom", html.toUri().toString()).redirectError(dir.resolve("chromium-10m.err").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium ends");
        java.util.regex.Matcher svg = java.util.regex.Pattern.compile("<svg id=\"([a-z-]+)\" class=\"chart\"(.*?)</svg>", java.util.regex.Pattern.DOTALL)
                .matcher(dom);
        List<String> charts = new java.util.ArrayList<>();
        while (svg.find()) {
            String id = svg.group(1);
            String body = svg.group(2);
            charts.add(id);
            java.util.regex.Matcher ticks = java.util.regex.Pattern.compile("<text class=\"tick\"[^>]*>([0-9]{2}:[0-9]{2}[^<]*)</text>").matcher(body);
            int n = 0;
            while (ticks.find()) {
                n++;
            }
            assertTrue(n >= 3, id + ": a time axis with at least 3 labelled ticks, had " + n);
            assertTrue(body.contains(">time (UTC)</text>"), id + ": the axis says its zone");
            if (!id.equals("timeline")) {
                java.util.regex.Matcher line = java.util.regex.Pattern.compile("<polyline [^>]*points=\"([^\"]+)\"").matcher(body);
                int longest = 0;
                while (line.find()) {
                    longest = Math.max(longest, line.group(1).trim().split(" ").length);
                }
                assertTrue(longest > 1, id + ": a line of more than one point, longest " + longest);
            }
        }
        assertEquals(List.of("timeline", "total-target", "gross", "confidence", "fallbacks"), charts);
        assertTrue(dom.contains("<title>mode reduce</title>") && dom.contains("<title>mode enforce</title>"), "the mode band");
        assertTrue(dom.contains("set mode reduce by alice: exchange X outage") && dom.contains("set mode enforce by bob: outage over"),
                "the control changes with who and why");
        assertTrue(dom.contains("alloc-a, alloc-b"), "the instances that wrote the window");
        System.out.println("[ReportIT] Chromium rendered the 10-minute report: charts " + charts);
        String[] days = report("--since", "1d", "--until", end.toString());
        assertEquals("1", days[0], "a day's window is read (10 minutes of data: coverage fails): " + days[1]);
        assertTrue(days[1].contains("(24h): "), days[1]);
    }

    @Test
    void report_outToABadPath_exit2_notTheCodeOfAFail() throws Exception {
        java.time.Instant end = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        seedWindow(end, 10);
        String[] r = report("--since", "10m", "--until", end.toString(), "--min-span", "5m", "--out", "/nonexistent/dir/report.html");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("error: --out: cannot write /nonexistent/dir/report.html: NoSuchFileException"), r[1]);
    }
}
