package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.wire.Values;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
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
        description = "Set, clear or show the run-time mode (enforce | reduce | shadow) every runner applies from its next cycle, no restart.",
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

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the mode in force: enforce, reduce (no target rises above the one written; unwritten -> 0) or shadow"
                    + " (every target retracted at the next cycle). Overrides P29_MODE until 'control clear'.")
    static final class Set implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EnvOptions env;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "MODE", description = "enforce | reduce | shadow")
        String mode;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (logged by the runners, kept in the audit stream).")
        String reason;
        @Option(names = "--by", paramLabel = "NAME", description = "Who (default: $SUDO_USER, else the OS user).")
        String by;

        @Override
        public Integer call() {
            Mode m = parseMode(mode);
            ControlHash control = ControlHash.set(m, reason, by == null ? defaultBy() : by, Instant.now());
            Config config = env.config();
            PrintWriter out = spec.commandLine().getOut();
            try (RedisConnection redis = Wiring.connect(config)) {
                Decoded<ControlHash> before = new Control(redis).set(control);
                Mode was = ControlHash.inForce(before, config.mode());
                out.println("control set: mode " + m.wireName() + " (was " + was.wireName() + ", " + source(before, config) + ") by "
                        + control.by() + ": " + control.reason());
                out.println("every runner applies it at its next cycle (within P29_INTERVAL_SEC=" + config.interval().toSeconds() + "s)");
                if (m == Mode.REDUCE && was == Mode.SHADOW) {
                    out.println("warning: the mode in force was shadow, so no target is written: reduce writes 0 for every symbol");
                }
                if (m == Mode.SHADOW && was.writesTargets()) {
                    out.println("every target hash is deleted at that cycle; decisions are still streamed");
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove the control hash: P29_MODE applies again from the next cycle.")
    static final class Clear implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EnvOptions env;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "control cleared", description = "Why (default: ${DEFAULT-VALUE}).")
        String reason;
        @Option(names = "--by", paramLabel = "NAME", description = "Who (default: $SUDO_USER, else the OS user).")
        String by;

        @Override
        public Integer call() {
            Config config = env.config();
            PrintWriter out = spec.commandLine().getOut();
            try (RedisConnection redis = Wiring.connect(config)) {
                Decoded<ControlHash> before = new Control(redis).clear(reason, by == null ? defaultBy() : by, Instant.now());
                out.println("control cleared (was " + Control.summary(before) + "): P29_MODE=" + config.mode().wireName()
                        + " applies from every runner's next cycle");
            }
            out.flush();
            return 0;
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
                out.println("mode in force: " + ControlHash.inForce(now, config.mode()).wireName() + " (" + source(now, config) + ")");
                if (now instanceof Decoded.Valid<ControlHash> v) {
                    ControlHash c = v.value();
                    out.println("  set by " + (c.by().isEmpty() ? "unknown" : c.by()) + c.timestamp().map(t -> " at " + t).orElse("")
                            + ": " + (c.reason().isEmpty() ? "no reason given" : c.reason()));
                }
                out.println("P29_MODE: " + config.mode().wireName() + " (applies when no valid control hash exists)");
                Decoded<StateHash> last = control.lastWrite();
                if (last instanceof Decoded.Valid<StateHash> v) {
                    StateHash s = v.value();
                    out.println("last write: mode " + s.mode().map(Mode::wireName).orElse("unknown") + " by " + s.instance() + " at epoch "
                            + s.epoch() + ", " + s.timestamp());
                } else {
                    out.println("last write: none (" + ((Decoded.Invalid<StateHash>) last).reason() + ")");
                }
                out.println("recent changes (" + Keys.CONTROL_STREAM + ", newest first):");
                for (Map<String, String> e : control.history(history)) {
                    String ts = e.getOrDefault(ControlHash.TS, "");
                    String when = ts.matches("[0-9]{1,12}") ? Instant.ofEpochSecond(Long.parseLong(ts)).toString() : ts;
                    String previous = e.getOrDefault(Control.PREVIOUS, "");
                    out.println("  " + when + " " + e.getOrDefault(Control.ACTION, "?") + " " + e.getOrDefault(ControlHash.MODE, "")
                            + " by " + e.getOrDefault(ControlHash.BY, "?") + ": " + e.getOrDefault(ControlHash.REASON, "")
                            + (previous.isEmpty() ? "" : " (was " + previous + ")"));
                }
            }
            out.flush();
            return 0;
        }
    }

    /** Where the mode in force comes from: the control hash, or {@code P29_MODE} (and why). */
    private static String source(Decoded<ControlHash> control, Config config) {
        if (control instanceof Decoded.Valid<ControlHash>) {
            return "control hash " + Keys.CONTROL;
        }
        String reason = ((Decoded.Invalid<ControlHash>) control).reason();
        return Variable.P29_MODE.name() + (ControlHash.ABSENT.equals(reason) ? ", no control hash" : "; control hash ignored: " + reason);
    }
}
