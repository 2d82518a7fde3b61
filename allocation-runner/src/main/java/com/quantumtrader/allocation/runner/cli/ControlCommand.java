package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.Variable;
import com.quantumtrader.allocation.redis.wire.Values;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.HeldControls;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code control set|clear|show} (DESIGN section 13): the operator's run-time mode in the control hash
 * {@code quantum:control:allocation}, effective at every runner's next cycle, each change also in the
 * audit stream {@code quantum:stream:allocation.control}.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = "Set, clear or show the run-time mode (enforce | reduce | halt | shadow) and the scoped controls (halt | reduce |"
                + " scale on symbols or clusters) every runner applies from its next cycle, no restart.",
        subcommands = {ControlCommand.Set.class, ControlCommand.Clear.class, ControlCommand.Show.class})
final class ControlCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: set, clear or show");
    }

    /** Who runs the command: {@code SUDO_USER} (an operator behind sudo), else the OS user. */
    static String defaultBy() {
        String sudo = System.getenv("SUDO_USER");
        return sudo != null && !sudo.isBlank() ? sudo : System.getProperty("user.name", "unknown");
    }

    static Mode parseMode(String value) {
        String lower = value == null ? null : value.strip().toLowerCase(java.util.Locale.ROOT);
        return Values.mode(lower).orElseThrow(() -> new IllegalArgumentException("MODE: must be enforce, reduce, halt or shadow, was '"
                + value + "'"));
    }

    /** The longest {@code --for}: a control meant to outlast a month is a configuration change. */
    static final Duration MAX_FOR = Duration.ofDays(30);

    /** {@code --for}: a whole number and a unit, {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}, in (0, 30d]. */
    static Duration parseFor(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,7})([smhd])").matcher(value == null ? "" : value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--for: must be a whole number and a unit (s, m, h or d), e.g. 10s or 15m, was '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(MAX_FOR) > 0) {
            throw new IllegalArgumentException("--for: must be in (0s, 30d], was '" + value + "'");
        }
        return d;
    }

    /** The scope options of set and clear: symbols and clusters, each given once or comma-separated. */
    static final class Scope {
        @Option(names = "--symbol", arity = "1..*", split = ",", paramLabel = "SYM", description = "Symbols the control applies to.")
        List<String> symbols = new ArrayList<>();
        @Option(names = "--cluster", arity = "1..*", split = ",", paramLabel = "ID", description = "Clusters the control applies to.")
        List<String> clusters = new ArrayList<>();

        boolean isEmpty() {
            return symbols.isEmpty() && clusters.isEmpty();
        }

        /** The scopes and ids named, checked: a bad name is one line naming it. */
        List<Map.Entry<ScopedControl.Scope, String>> named() {
            List<Map.Entry<ScopedControl.Scope, String>> out = new ArrayList<>();
            for (String s : symbols) {
                out.add(Map.entry(ScopedControl.Scope.SYMBOL, name("--symbol", s)));
            }
            for (String c : clusters) {
                out.add(Map.entry(ScopedControl.Scope.CLUSTER, name("--cluster", c)));
            }
            return out;
        }

        /** The hash fields named. */
        List<String> fields() {
            return named().stream().map(e -> ScopedControls.field(e.getKey(), e.getValue())).toList();
        }

        private static String name(String option, String value) {
            if (!com.quantumtrader.allocation.core.Scalars.isValidName(value)) {
                throw new IllegalArgumentException(option + ": must be 1-64 characters of [A-Za-z0-9._-], was '" + value + "'");
            }
            return value;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set the mode in force: enforce, reduce (no target rises above the one written; unwritten -> 0), halt (every"
                    + " target 0: the Governor blocks every position) or shadow (every target retracted at the next cycle). Overrides"
                    + " P29_MODE until 'control clear'.",
                    "With --symbol or --cluster, a scoped control instead: halt (target 0), reduce (no rise above the written"
                    + " target) or scale --factor F (the target x F), optionally --for a while (e.g. 10s, 15m, 2h); the most"
                    + " conservative of the controls on a symbol and its cluster wins."})
    static final class Set implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EnvOptions env;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "MODE", description = "enforce | reduce | halt | shadow; with a scope: halt | reduce | scale")
        String mode;
        @CommandLine.ArgGroup(exclusive = false)
        Scope scope = new Scope();
        @Option(names = "--factor", paramLabel = "F", description = "scale's factor, in [0, 1].")
        Double factor;
        @Option(names = "--for", paramLabel = "DURATION", description = "A scoped control ends by itself after this long (s, m, h, d).")
        String duration;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (logged by the runners, kept in the audit stream).")
        String reason;
        @Option(names = "--by", paramLabel = "NAME", description = "Who (default: $SUDO_USER, else the OS user).")
        String by;

        @Override
        public Integer call() {
            if (scope == null || scope.isEmpty()) {
                return setMode();
            }
            ScopedControl.Action action = switch (mode == null ? "" : mode.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "halt" -> ScopedControl.Action.HALT;
                case "reduce" -> ScopedControl.Action.REDUCE;
                case "scale" -> ScopedControl.Action.SCALE;
                default -> throw new IllegalArgumentException("MODE: with --symbol or --cluster must be halt, reduce or scale, was '" + mode + "'");
            };
            if (action == ScopedControl.Action.SCALE && factor == null) {
                throw new IllegalArgumentException("--factor: scale needs a factor in [0, 1]");
            }
            if (action != ScopedControl.Action.SCALE && factor != null) {
                throw new IllegalArgumentException("--factor: only scale takes a factor, was " + factor + " for " + action.wireName());
            }
            if (factor != null && !(factor >= 0 && factor <= 1)) {
                throw new IllegalArgumentException("--factor: must be in [0, 1], was " + factor);
            }
            Optional<Duration> lasting = duration == null ? Optional.empty() : Optional.of(parseFor(duration));
            String why = ControlHash.text(ControlHash.REASON, reason);
            String who = ControlHash.text(ControlHash.BY, by == null ? defaultBy() : by);
            List<Map.Entry<ScopedControl.Scope, String>> named = scope.named();
            Config config = env.config();
            PrintWriter out = spec.commandLine().getOut();
            try (RedisConnection redis = Wiring.connect(config)) {
                Control control = new Control(redis);
                Instant now = control.serverNow();
                Instant since = Instant.ofEpochSecond(now.getEpochSecond());
                Optional<Instant> until = lasting.map(since::plus);
                List<ScopedControl> controls = new ArrayList<>();
                for (Map.Entry<ScopedControl.Scope, String> n : named) {
                    controls.add(new ScopedControl(n.getKey(), n.getValue(), action, factor == null ? 1 : factor, why, who, Optional.of(since),
                            until));
                }
                Map<String, String> before = control.setScoped(controls);
                for (ScopedControl c : controls) {
                    String field = ScopedControls.field(c);
                    out.println("control set: " + field + " " + Control.describe(c) + until.map(u -> " until " + u).orElse(" until cleared")
                            + " by " + who + ": " + why + (before.containsKey(field) ? " (replaces " + before.get(field) + ")" : ""));
                }
                out.println("every runner applies it at its next cycle (within P29_INTERVAL_SEC=" + config.service().interval().toSeconds() + "s);"
                        + " the target hashes say cap=" + action.wireName() + " where it binds");
                if (action == ScopedControl.Action.HALT) {
                    out.println("a halted symbol's target is 0: the Governor blocks any position on it (in enforce; P29_MODE="
                            + config.service().mode().wireName() + ")");
                }
            }
            out.flush();
            return ExitCodes.OK;
        }

        private Integer setMode() {
            if (duration != null) {
                throw new IllegalArgumentException("--for: needs --symbol or --cluster (a mode lasts until 'control clear')");
            }
            if (factor != null || "scale".equalsIgnoreCase(mode == null ? "" : mode.strip())) {
                throw new IllegalArgumentException("scale: needs --symbol or --cluster (and --factor)");
            }
            Mode m = parseMode(mode);
            ControlHash control = ControlHash.set(m, reason, by == null ? defaultBy() : by, Instant.now());
            Config config = env.config();
            PrintWriter out = spec.commandLine().getOut();
            try (RedisConnection redis = Wiring.connect(config)) {
                Decoded<ControlHash> before = new Control(redis).set(control);
                Mode was = ControlHash.inForce(before, config.service().mode());
                out.println("control set: mode " + m.wireName() + " (was " + was.wireName() + ", " + source(before, config, HeldControls.NONE.apply(before, ScopedControls.NONE, config.service().mode())) + ") by "
                        + control.by() + ": " + control.reason());
                out.println("every runner applies it at its next cycle (within P29_INTERVAL_SEC=" + config.service().interval().toSeconds() + "s)");
                if (m == Mode.REDUCE && was == Mode.SHADOW) {
                    out.println("warning: the mode in force was shadow, so no target is written: reduce writes 0 for every symbol");
                }
                if (m == Mode.HALT) {
                    out.println("every target is written as 0 (cap halt): the Governor blocks every position until the mode changes");
                }
                if (m == Mode.SHADOW && was.writesTargets()) {
                    out.println("every target hash is deleted at that cycle; decisions are still streamed");
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Remove the control hash: P29_MODE applies again from the next cycle. With --symbol or --cluster, remove those"
                    + " scoped controls only.")
    static final class Clear implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EnvOptions env;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.ArgGroup(exclusive = false)
        Scope scope = new Scope();
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "control cleared", description = "Why (default: ${DEFAULT-VALUE}).")
        String reason;
        @Option(names = "--by", paramLabel = "NAME", description = "Who (default: $SUDO_USER, else the OS user).")
        String by;
        @Option(names = "--yes", description = "Clear even when P29_MODE=shadow then applies and every target is deleted.")
        boolean yes;

        @Override
        public Integer call() {
            Config config = env.config();
            PrintWriter out = spec.commandLine().getOut();
            try (RedisConnection redis = Wiring.connect(config)) {
                Control control = new Control(redis);
                if (scope != null && !scope.isEmpty()) {
                    List<String> fields = scope.fields();
                    Map<String, String> before = control.clearScoped(fields, reason, by == null ? defaultBy() : by, control.serverNow());
                    for (String field : fields) {
                        out.println("control cleared: " + field + (before.containsKey(field) ? " (was " + before.get(field) + ")"
                                : " (there was no control on it)"));
                    }
                    out.println("every runner lifts it at its next cycle; a target it held rises at most as P29_MAX_RAISE_PCT allows");
                } else {
                    Mode inForce = ControlHash.inForce(control.read(), config.service().mode());
                    boolean deletes = inForce.writesTargets() && !config.service().mode().writesTargets();
                    if (deletes && !yes) {
                        spec.commandLine().getErr().println("control clear: refused: P29_MODE=" + config.service().mode().wireName() + " would apply"
                                + " instead of " + inForce.wireName() + ": every target will be deleted at the next cycle; add --yes to clear");
                        spec.commandLine().getErr().flush();
                        return ExitCodes.CONFIG;
                    }
                    Decoded<ControlHash> before = control.clear(reason, by == null ? defaultBy() : by, Instant.now());
                    out.println("control cleared (was " + Control.summary(before) + "): P29_MODE=" + config.service().mode().wireName()
                            + " applies from every runner's next cycle" + (deletes ? ": every target will be deleted next cycle" : ""));
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show the mode in force, where it comes from, who set it, when and why; the last write; the recent changes.")
    static final class Show implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EnvOptions env;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--history", paramLabel = "N", defaultValue = "5", description = "Audit entries to show (default: ${DEFAULT-VALUE}).")
        int history;

        @Override
        public Integer call() {
            Config config = env.config();
            PrintWriter out = spec.commandLine().getOut();
            try (RedisConnection redis = Wiring.connect(config)) {
                Control control = new Control(redis);
                Decoded<ControlHash> now = control.read();
                Decoded<StateHash> last = control.lastWrite();
                ScopedControls scoped = control.readScoped();
                // What the leader holds (DESIGN section 25): a control that cannot be read leaves the one last read in force.
                HeldControls.Applied applied = (last.toOptional().map(StateHash::held).orElse(HeldControls.NONE))
                        .apply(now, scoped, config.service().mode());
                out.println("mode in force: " + applied.mode().wireName() + " (" + source(now, config, applied) + ")");
                if (now instanceof Decoded.Valid<ControlHash> v) {
                    ControlHash c = v.value();
                    out.println("  set by " + (c.by().isEmpty() ? "unknown" : c.by()) + c.timestamp().map(t -> " at " + t).orElse("")
                            + ": " + (c.reason().isEmpty() ? "no reason given" : c.reason()));
                }
                out.println("P29_MODE: " + config.service().mode().wireName() + " (applies when no valid control hash exists)");
                Instant serverNow = control.serverNow();
                out.println("scoped controls (" + Keys.SCOPED_CONTROLS + "): " + (applied.controls().isEmpty() ? "none" : applied.controls().size()));
                applied.unreadable().forEach((key, what) -> out.println("  cannot be read: " + what));
                for (ScopedControl c : applied.controls()) {
                    out.println("  " + ScopedControls.field(c) + " " + Control.describe(c) + " by " + (c.by().isEmpty() ? "unknown" : c.by())
                            + " since " + c.since().map(Instant::toString).orElse("unknown")
                            + " until " + c.until().map(u -> u + (c.inForce(serverNow) ? "" : " (expired: ignored)")).orElse("cleared")
                            + ": " + (c.reason().isEmpty() ? "no reason given" : c.reason()));
                }
                for (String invalid : scoped.invalid()) {
                    out.println("  ignored (cannot be read): " + invalid);
                }
                if (last instanceof Decoded.Valid<StateHash> v) {
                    StateHash s = v.value();
                    out.println("last write: mode " + s.mode().map(Mode::wireName).orElse("unknown") + " by " + s.instance() + " at epoch "
                            + s.epoch() + ", " + s.timestamp());
                } else {
                    out.println("last write: none (" + last.invalidReason().orElseThrow() + ")");
                }
                out.println("recent changes (" + Keys.CONTROL_STREAM + ", newest first):");
                for (Map<String, String> e : control.history(history)) {
                    String ts = e.getOrDefault(ControlHash.TS, "");
                    String when = ts.matches("[0-9]{1,12}") ? Instant.ofEpochSecond(Long.parseLong(ts)).toString() : ts;
                    String previous = e.getOrDefault(Control.PREVIOUS, "");
                    String what = e.containsKey(Control.SCOPE) ? e.get(Control.SCOPE) + " " + e.getOrDefault(Control.CONTROL, "")
                            : e.getOrDefault(ControlHash.MODE, "");
                    out.println("  " + when + " " + e.getOrDefault(Control.ACTION, "?") + " " + what.strip()
                            + " by " + e.getOrDefault(ControlHash.BY, "?") + ": " + e.getOrDefault(ControlHash.REASON, "")
                            + (previous.isEmpty() ? "" : " (was " + previous + ")"));
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** Where the mode in force comes from: the control hash, the one held while it cannot be read, or {@code P29_MODE} (and why). */
    private static String source(Decoded<ControlHash> control, Config config, HeldControls.Applied applied) {
        if (control instanceof Decoded.Valid<ControlHash>) {
            return "control hash " + Keys.CONTROL;
        }
        String reason = control.invalidReason().orElseThrow();
        if (!ControlHash.ABSENT.equals(reason) && applied.held().control().isPresent()) {
            return "held: the control hash cannot be read (" + reason + "); the control last read valid stays in force";
        }
        return Variable.P29_MODE.name() + (ControlHash.ABSENT.equals(reason) ? ", no control hash" : "; control hash ignored: " + reason);
    }
}
