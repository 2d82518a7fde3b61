package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import com.quantumtrader.allocation.runner.config.ConfigException;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code allocation-runner} command line; its exit codes are {@link ExitCodes}. */
@Command(name = "allocation-runner", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Capital Allocation Brain: per-symbol exposure targets from budgets, regime, cluster stress, drawdown and performance.",
        subcommands = {RunCommand.class, OnceCommand.class, ExplainCommand.class, WhatIfCommand.class, CheckConfigCommand.class, ControlCommand.class, ReportCommand.class,
                RetractCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer>, EnvOptions.TopLevel {

    /** {@code --env-file} before the subcommand; {@link EnvOptions} (after it) reads it too. */
    Path envFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Path envFile() {
        return envFile;
    }

    @Option(names = "--env-file", paramLabel = "PATH",
            description = "Read KEY=VALUE variables from this file with systemd's EnvironmentFile= grammar; they win over the process"
                    + " environment. Also accepted after the command.")
    void envFile(Path path) {
        envFile = EnvOptions.checkedEnvFile(spec, envFile, path);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return withErrorHandlers(new CommandLine(new Main()));
    }

    /** This command line's handling of errors (one line, exit 2 for usage and configuration, 1 for Redis), on {@code cl}. */
    public static CommandLine withErrorHandlers(CommandLine cl) {
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return ExitCodes.CONFIG;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("configuration error: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
            if (e instanceof RedisFailure) {
                commandLine.getErr().println("redis error: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            if (e instanceof java.io.UncheckedIOException || e instanceof IllegalStateException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            throw e;
        });
        return cl;
    }

    /** {@code --version}: as the jar's manifest says (the build's version), else the one this source was released as. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"allocation-runner " + BuildInfo.CURRENT};
        }
    }

    /** No subcommand: usage on stderr and exit 2 (the systemd unit names {@code run}). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("error: a command is required (the service is 'run')");
        return ExitCodes.CONFIG;
    }
}
