package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.WireFormat;
import com.quantumtrader.allocation.redis.InputReader;
import com.quantumtrader.allocation.redis.RedisConnection;
import com.quantumtrader.allocation.redis.RedisFailure;
import com.quantumtrader.allocation.redis.WriteResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code allocation-runner} command line. Exit codes: 0 done, 1 runtime failure, 2 bad configuration or usage. */
@Command(name = "allocation-runner", mixinStandardHelpOptions = true, version = "allocation-runner 1.0.0",
        description = "Capital Allocation Brain: per-symbol exposure targets from budgets, regime, cluster stress, drawdown and performance.",
        subcommands = {Main.Run.class, Main.Once.class, Main.CheckConfig.class, Main.Retract.class, DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    static final int EXIT_CONFIG = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** {@code --env-file} before the subcommand; the subcommand's own {@code --env-file} reads the same field. */
    Path envFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--env-file", paramLabel = "PATH",
            description = "Read KEY=VALUE variables from this file with systemd's EnvironmentFile= grammar; they win over the process"
                    + " environment. Also accepted after the command.")
    void envFile(Path path) {
        envFile = checkedEnvFile(spec, envFile, path);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return EXIT_CONFIG;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("configuration error: " + e.getMessage());
                return EXIT_CONFIG;
            }
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return EXIT_CONFIG;
            }
            if (e instanceof RedisFailure) {
                commandLine.getErr().println("redis error: " + e.getMessage());
                return 1;
            }
            if (e instanceof java.io.UncheckedIOException || e instanceof IllegalStateException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    /** No subcommand: usage on stderr and exit 2 (the systemd unit names {@code run}). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("error: a command is required (the service is 'run')");
        return EXIT_CONFIG;
    }

    /**
     * The env file to read: a missing or unreadable file is a usage error (exit 2) at once,
     * wherever {@code --env-file} stands; two different ones are refused.
     */
    static Path checkedEnvFile(CommandLine.Model.CommandSpec spec, Path already, Path path) {
        if (!java.nio.file.Files.isRegularFile(path) || !java.nio.file.Files.isReadable(path)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--env-file: cannot read " + path + " (no such readable file)");
        }
        if (already != null && !already.equals(path)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--env-file: given twice, " + already + " and " + path);
        }
        return path;
    }

    /** {@code --env-file} after the command, shared by every command that reads the configuration. */
    static final class EnvOptions {
        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec mixee;

        Path envFile;

        @Option(names = "--env-file", paramLabel = "PATH",
                description = "Read KEY=VALUE variables from this file with systemd's EnvironmentFile= grammar; they win over the"
                        + " process environment. Also accepted before the command.")
        void envFile(Path path) {
            envFile = checkedEnvFile(mixee, envFile, path);
        }

        /** The env file given before or after the command, or null. */
        Path envFile() {
            CommandLine.Model.CommandSpec parent = mixee.parent();
            Path top = parent != null && parent.userObject() instanceof Main main ? main.envFile : null;
            if (top != null && envFile != null && !top.equals(envFile)) {
                throw new CommandLine.ParameterException(mixee.commandLine(), "--env-file: given twice, " + top + " and " + envFile);
            }
            return envFile != null ? envFile : top;
        }

        /** The process environment with the env file's variables over it. */
        Map<String, String> variables() {
            Path envFile = envFile();
            Map<String, String> merged = new HashMap<>(System.getenv());
            if (envFile != null) {
                merged.putAll(EnvFile.read(envFile));
            }
            return merged;
        }

        Config config() {
            Map<String, String> vars = variables();
            Config config = Config.fromEnv(vars);
            Config.unknownVariables(vars).forEach(LOG::warn);
            return config;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the service: the loop, /metrics, /healthz, /readyz. SIGTERM finishes the cycle in flight and exits 0.")
    static final class Run implements Callable<Integer> {
        @Mixin
        EnvOptions env;

        @Override
        public Integer call() {
            Config config = env.config();
            Logging.setRootLevel(config.logLevel());
            Logging.apply(config.logFormat());
            CountDownLatch stop = new CountDownLatch(1);
            Signals.onTerminate(stop::countDown);
            try (Service service = new Service(config, Clock.systemUTC(), report -> { })) {
                service.start();
                stop.await();
                LOG.info("Termination signal: finishing the cycle in flight");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    @Command(name = "once", mixinStandardHelpOptions = true, description = "Compute one cycle and print the decisions. Writes nothing unless --write in enforce mode.")
    static final class Once implements Callable<Integer> {
        @Mixin
        EnvOptions env;

        @Option(names = "--snapshot", paramLabel = "FILE", description = "Read the inputs from a snapshot file (docs/snapshot-format.md) instead of Redis.")
        Path snapshot;

        @Option(names = "--json", description = "Print the result in the golden 'expected' format.")
        boolean json;

        @Option(names = "--write", description = "In enforce mode, write the targets and decisions to Redis (never with --snapshot).")
        boolean write;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Config config = env.config();
            Logging.setRootLevel("WARN");
            PrintWriter out = spec.commandLine().getOut();
            CycleResult result;
            if (snapshot != null) {
                if (write) {
                    throw new IllegalArgumentException("--write: cannot be used with --snapshot (a snapshot is not live data)");
                }
                SnapshotFile.Snapshot s = SnapshotFile.read(snapshot);
                Map<String, String> policyEnv = new HashMap<>(config.policy().toEnv());
                policyEnv.putAll(s.policy());
                Policy policy;
                try {
                    policy = Policy.fromEnv(policyEnv);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("snapshot policy: " + e.getMessage());
                }
                result = Allocator.allocate(WireFormat.decode(s.raw()), policy, s.now());
            } else {
                try (RedisConnection redis = config.connect()) {
                    result = Allocator.allocate(new InputReader(redis, config.staticClusterMap()).read().decode(), config.policy(), Instant.now());
                    if (write && config.mode() == Mode.ENFORCE) {
                        WriteResult w = config.writer(redis).write(result, config.mode(), Long.toString(result.now().toEpochMilli()));
                        spec.commandLine().getErr().println("wrote " + w.targetsWritten() + " target hashes and " + w.decisionsStreamed() + " decisions");
                    } else if (write) {
                        spec.commandLine().getErr().println("--write ignored: P29_MODE is shadow, nothing written");
                    }
                }
            }
            if (json) {
                out.println(SnapshotFile.toExpectedJson(result));
            } else {
                out.print(new DecisionTable(false).render(result, "cycle at " + result.now()));
                result.rejections().forEach(r -> out.println("rejected " + r.source().wireName() + " " + r.subject() + ": " + r.detail()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "check-config", mixinStandardHelpOptions = true, description = "Validate the configuration and print the effective values (passwords masked).")
    static final class CheckConfig implements Callable<Integer> {
        @Mixin
        EnvOptions env;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, String> vars = env.variables();
            Config config = Config.fromEnv(vars);
            config.staticClusterMap(); // validates P29_CLUSTER_MAP_FILE
            config.connect().close(); // validates REDIS_TLS_CA_FILE; opens no connection
            PrintWriter out = spec.commandLine().getOut();
            config.describe().forEach((k, v) -> out.println(k + "=" + v));
            Config.unknownVariables(vars).forEach(w -> out.println("warning: " + w));
            out.println("configuration OK");
            out.flush();
            return 0;
        }
    }

    @Command(name = "retract", mixinStandardHelpOptions = true, description = "Delete every target hash this service wrote, now (emergency rollback). Touches no other key.")
    static final class Retract implements Callable<Integer> {
        @Mixin
        EnvOptions env;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Config config = env.config();
            try (RedisConnection redis = config.connect()) {
                int n = config.writer(redis).retract();
                spec.commandLine().getOut().println("retracted " + n + " target hashes from " + config.redis());
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }
}
