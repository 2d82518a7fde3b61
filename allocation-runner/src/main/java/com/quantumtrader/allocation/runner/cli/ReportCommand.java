package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.report.GoLiveReport;
import com.quantumtrader.allocation.runner.report.ReportPage;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import com.quantumtrader.allocation.redis.CycleStream;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code report} (DESIGN section 14): the service document's shadow-to-enforce checklist judged from
 * the cycle stream of a window, as a text summary with PASS / FAIL per criterion. Exit 0 when every
 * criterion passes, 1 when one fails, 2 on a usage error, an I/O error ({@code --out}) or when the window holds no cycle.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Judge the go-live criteria (targets every cycle, fallbacks < 1 %%, confidence > 0.5, no failed cycle, "
                + "coverage) over a window of the cycle stream.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    EnvOptions env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--since", defaultValue = "24h", paramLabel = "DURATION",
            description = "The window's length before --until: 2d, 48h, 90m, 600s (default: ${DEFAULT-VALUE}, the service document's shadow day).")
    String since;

    @Option(names = "--until", paramLabel = "TIME",
            description = "The window's end: ISO-8601 (2026-11-24T12:00:00Z) or epoch seconds (default: now).")
    String until;

    @Option(names = "--out", paramLabel = "FILE.html", description = "Also write the report as one self-contained HTML page with charts.")
    java.nio.file.Path outFile;

    @Option(names = "--min-span", paramLabel = "DURATION", defaultValue = "24h",
            description = "Coverage: the data must span at least this (default: ${DEFAULT-VALUE}).")
    String minSpan;

    @Override
    public Integer call() {
        Duration window = GoLiveReport.parse("--since", since);
        Duration span = GoLiveReport.parse("--min-span", minSpan);
        Instant end = (until == null ? Instant.now() : parseTime(until)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant start = end.minus(window);
        Config config = env.config();
        Logging.setRootLevel("WARN");
        PrintWriter out = spec.commandLine().getOut();
        GoLiveReport report = new GoLiveReport();
        ReportPage page = new ReportPage(start, end, config.service().interval(), config.describe(), BuildInfo.CURRENT);
        long[] unreadable = {0};
        String[] firstReason = {null};
        String inForce;
        try (RedisConnection redis = Wiring.connect(config)) {
            inForce = modeInForce(new Control(redis).read(), config.service().mode());
            page.modeInForce(inForce);
            new CycleStream(redis).read(start, end, decoded -> {
                if (decoded instanceof Decoded.Valid<CycleEntry> v) {
                    report.add(v.value());
                    page.add(v.value());
                } else {
                    unreadable[0]++;
                    if (firstReason[0] == null) {
                        firstReason[0] = decoded.invalidReason().orElseThrow();
                    }
                }
            });
            if (outFile != null) {
                new CycleStream(redis).readControls(start, end, page::control);
                long[] decisions = new CycleStream(redis).readDecisions(start, end, page::change);
                if (decisions[1] > 0) {
                    out.printf("decision stream: %d entries in the window, %d unreadable (skipped)%n", decisions[0], decisions[1]);
                }
            }
        }
        out.printf("go-live report (allocation-runner %s): %s from %s to %s (%s): %d cycles%s%n", BuildInfo.CURRENT, Keys.CYCLE_STREAM, start,
                end, GoLiveReport.human(window),
                report.cycles(), unreadable[0] == 0 ? "" : ", " + unreadable[0] + " entries unreadable (first: " + firstReason[0] + ")");
        if (!inForce.isEmpty()) {
            out.println("mode: P29_MODE=" + config.service().mode().wireName() + "; " + inForce);
        }
        Optional<List<GoLiveReport.Verdict>> verdicts = report.judge(end, span);
        if (verdicts.isEmpty()) {
            spec.commandLine().getErr().println("error: no cycle entries in the window: is the service running, and writing to this Redis?");
            out.flush();
            return ExitCodes.CONFIG;
        }
        int failed = 0;
        for (GoLiveReport.Verdict v : verdicts.get()) {
            out.printf("%s  %s: %s (rule: %s)%n", v.pass() ? "PASS" : "FAIL", v.criterion(), v.figure(), v.rule());
            if (!v.pass()) {
                failed++;
            }
        }
        out.println(failed == 0 ? "VERDICT: PASS (every criterion)" : "VERDICT: FAIL (" + failed + " of " + verdicts.get().size() + " criteria)");
        if (outFile != null && !writePage(out, page, verdicts.get(), window, end)) {
            return ExitCodes.CONFIG;
        }
        out.flush();
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** Writes the page to {@code --out}; an I/O error is exit 2 (as a bad argument), never 1, which means FAIL. */
    private boolean writePage(PrintWriter out, ReportPage page, List<GoLiveReport.Verdict> verdicts, Duration window, Instant end) {
        try {
            java.nio.file.Files.writeString(outFile, page.render(verdicts, "Capital allocation go-live report, " + GoLiveReport.human(window)
                    + " to " + end), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("error: --out: cannot write " + outFile + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
            out.flush();
            return false;
        }
        out.println("wrote " + outFile);
        return true;
    }

    /**
     * The mode in force beside {@code P29_MODE} when the control hash overrides it: "in force now: shadow (control hash
     * ..., set by alice at T: why)"; when it cannot be read, what the runners do then; empty when {@code P29_MODE} is in force.
     */
    static String modeInForce(Decoded<ControlHash> control, Mode configured) {
        if (control instanceof Decoded.Valid<ControlHash> v) {
            ControlHash c = v.value();
            return c.mode() == configured ? "" : "in force now: " + c.mode().wireName() + " (control hash " + Keys.CONTROL + ", set by "
                    + (c.by().isEmpty() ? "unknown" : c.by()) + c.timestamp().map(t -> " at " + t).orElse("")
                    + (c.reason().isEmpty() ? "" : ": " + c.reason()) + ")";
        }
        String reason = control.invalidReason().orElseThrow();
        return ControlHash.ABSENT.equals(reason) ? "" : "the control hash " + Keys.CONTROL + " cannot be read (" + reason
                + "): the runners keep the mode they last held";
    }

    static Instant parseTime(String value) {
        if (value.matches("[0-9]{1,12}")) {
            return Instant.ofEpochSecond(Long.parseLong(value));
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--until: must be ISO-8601 (2026-11-24T12:00:00Z) or epoch seconds, was '" + value + "'");
        }
    }
}
