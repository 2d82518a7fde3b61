package com.quantumtrader.allocation.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.PolicyVariables;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.EnvFile;
import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.quantumtrader.allocation.runner.report.GoLiveReport;
import com.quantumtrader.allocation.runner.report.WhatIf;
import com.quantumtrader.allocation.runner.report.WhatIfPage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code whatif} (DESIGN section 24): the recorder's snapshots of a window replayed under the policy in force and under a
 * candidate (an env file of policy variables), side by side ({@link WhatIf}). Reads no Redis and writes nothing but
 * {@code --out}. Exit 0, or 2 for a usage error, a candidate variable that is unknown or invalid, an I/O error or no
 * recording in the window.
 */
@Command(name = "whatif", mixinStandardHelpOptions = true,
        description = "Replay the recorded inputs under the policy in force and a candidate policy, side by side.")
final class WhatIfCommand implements Callable<Integer> {

    @Mixin
    EnvOptions env;

    @Option(names = "--policy", required = true, paramLabel = "FILE",
            description = "The candidate: an env file of policy variables (MAX_GROSS_PCT=0.8, DD_HIGH_THRESHOLD=0.12, ...).")
    Path policyFile;

    @Option(names = "--from", paramLabel = "DIR", description = "The recordings' directory (default: P29_RECORD_DIR).")
    Path from;

    @Option(names = "--since", defaultValue = "24h", paramLabel = "DURATION",
            description = "The window's length before --until: 2d, 24h, 90m (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "The window's end: ISO-8601 or epoch seconds (default: now).")
    String until;

    @Option(names = "--out", paramLabel = "FILE.html", description = "Also write the comparison as one self-contained HTML page.")
    Path outFile;

    @Option(names = "--json", description = "Print the comparison as one JSON object.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Duration window = GoLiveReport.parse("--since", since);
        Instant end = (until == null ? Instant.now() : ReportCommand.parseTime(until)).truncatedTo(ChronoUnit.SECONDS);
        Config config = env.config();
        Logging.setRootLevel("WARN");
        Map<String, String> candidate = candidate(policyFile);
        Path dir = from != null ? from : config.recording().dir().orElseThrow(() -> new IllegalArgumentException(
                "--from: needed: P29_RECORD_DIR is not set (the directory the recorder writes into)"));
        List<Path> files;
        try {
            files = WhatIf.recordings(dir, end.minus(window), end);
        } catch (IOException e) {
            throw new IllegalArgumentException("--from: cannot list " + dir + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no recording in " + dir + " from " + end.minus(window) + " to " + end
                    + " (the recorder writes snapshot-YYYYMMDDTHHMMSSZ.json.gz every P29_RECORD_SEC; see --since, --until)");
        }
        long t0 = System.nanoTime();
        WhatIf.Result result = WhatIf.replay(files, PolicySettings.of(config.policy()), config.service().mode(), candidate,
                policy -> new CycleStep.Settings(policy, config.writes().minChangePct(), Duration.ofSeconds(config.writes().targetRefreshSec())));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        result.skipped().forEach(why -> spec.commandLine().getErr().println("skipped unreadable recording " + why));
        if (result.moments().isEmpty()) {
            throw new IllegalArgumentException("no readable recording in " + dir + " from " + end.minus(window) + " to " + end + " ("
                    + files.size() + " unreadable)");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(result));
        } else {
            text(out, result, dir, millis);
        }
        out.flush();
        if (outFile != null) {
            write(result);
            spec.commandLine().getErr().println("wrote " + outFile);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The candidate's variables: every line a policy variable. Their values are checked over each recording's policy by the
     * replay (a rule between two variables, such as DD_LOW_THRESHOLD below DD_HIGH_THRESHOLD, is the recording's and the
     * candidate's together), naming the variable.
     */
    static Map<String, String> candidate(Path file) {
        Map<String, String> vars;
        try {
            vars = EnvFile.read(file);
        } catch (com.quantumtrader.allocation.runner.config.ConfigException e) { // the parser names --env-file, its usual caller
            throw new IllegalArgumentException("--policy: " + e.getMessage().replaceFirst("^--env-file: ", ""), e);
        }
        if (vars.isEmpty()) {
            throw new IllegalArgumentException("--policy: " + file + " sets no policy variable (one per line, e.g. MAX_GROSS_PCT=0.8)");
        }
        for (String name : vars.keySet()) {
            if (!PolicyVariables.NAMES.contains(name)) {
                throw new IllegalArgumentException("--policy: " + file + ": " + name + ": not a policy variable; whatif replays "
                        + String.join(", ", PolicyVariables.NAMES));
            }
        }
        return vars;
    }

    private void text(PrintWriter out, WhatIf.Result r, Path dir, long millis) {
        List<WhatIf.Moment> m = r.moments();
        out.printf("whatif: %d recordings in %s from %s to %s, %d computed under both, replayed in %,d ms%n", m.size(), dir, m.get(0).at(),
                m.get(m.size() - 1).at(), r.compared().size(), millis);
        out.println("candidate: " + String.join(" ", r.candidate().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()
                + " (in force " + r.inForce().getOrDefault(e.getKey(), "?") + ")").toList()));
        out.println(r.summary().map(WhatIf.Summary::line).orElse("No recording was computed under both policies: nothing to compare."));
        long skipped = m.stream().filter(x -> !x.compared()).count();
        if (skipped > 0) {
            out.printf("%d recordings skipped under one policy or both (stale or missing portfolio): not compared%n", skipped);
        }
        if (!r.largest().isEmpty()) {
            out.printf("%-16s %-20s %14s %14s %14s  %s%n", "symbol", "time (UTC)", "in force USD", "candidate USD", "difference", "step");
            for (WhatIf.Difference d : r.largest()) {
                out.printf(Locale.ROOT, "%-16s %-20s %,14.0f %,14.0f %+,14.0f  %s%n", d.symbol(), d.at(), d.inForceUsd(), d.candidateUsd(),
                        d.differenceUsd(), d.step());
            }
        }
    }

    private void write(WhatIf.Result result) {
        try {
            Files.writeString(outFile, new WhatIfPage(result).render("What if: the candidate policy against the policy in force"),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out: cannot write " + outFile + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** The comparison for scripts: the policies, the summary, each moment and the largest differences. */
    static String json(WhatIf.Result r) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ObjectNode policy = root.putObject("in_force");
        r.inForce().forEach(policy::put);
        ObjectNode candidate = root.putObject("candidate");
        r.candidate().forEach(candidate::put);
        root.put("recordings", r.moments().size()).put("compared", r.compared().size()).put("policy_changed", r.changed());
        ArrayNode skipped = root.putArray("skipped");
        r.skipped().forEach(skipped::add);
        r.summary().ifPresent(s -> root.putObject("summary").put("line", s.line()).put("mean_difference_usd", s.meanDifferenceUsd())
                .put("mean_in_force_usd", s.meanInForceUsd()).put("largest_at", s.largest().at().getEpochSecond())
                .put("largest_difference_usd", s.largest().differenceUsd()).put("worst_at", s.worst().at().getEpochSecond())
                .put("worst_drawdown", s.worst().market().drawdown()).put("worst_difference_usd", s.worst().differenceUsd()));
        ArrayNode moments = root.putArray("moments");
        for (WhatIf.Moment m : r.moments()) {
            ObjectNode o = moments.addObject().put("at", m.at().getEpochSecond()).put("mode", m.market().mode().wireName())
                    .put("regime", m.market().regime().name()).put("equity_usd", m.market().equityUsd()).put("drawdown", m.market().drawdown())
                    .put("budget_usd", m.market().budgetUsd());
            side(o.putObject("in_force"), m.inForce());
            side(o.putObject("candidate"), m.candidate());
        }
        ArrayNode largest = root.putArray("largest");
        r.largest().forEach(d -> largest.addObject().put("symbol", d.symbol()).put("at", d.at().getEpochSecond())
                .put("in_force_usd", d.inForceUsd()).put("candidate_usd", d.candidateUsd()).put("difference_usd", d.differenceUsd())
                .put("step", d.step()));
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void side(ObjectNode o, WhatIf.Side s) {
        o.put("outcome", s.outcome()).put("book_usd", s.bookUsd()).put("zone", s.zone().map(Enum::name).orElse(""));
        ObjectNode caps = o.putObject("caps");
        for (CapKind k : CapKind.values()) {
            caps.put(k.wireName(), s.caps().getOrDefault(k, 0));
        }
    }
}
