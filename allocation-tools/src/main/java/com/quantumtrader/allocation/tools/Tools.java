package com.quantumtrader.allocation.tools;

import com.quantumtrader.allocation.runner.cli.ExitCodes;
import com.quantumtrader.allocation.runner.cli.Main;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code allocation-tools} command line: the developer's demo and bench, in a jar of their own so the
 * service's jar ({@code allocation-runner.jar}) carries neither them nor the embedded redis-server binaries.
 * Exit codes as the service's: 0 done, 1 runtime failure, 2 bad usage.
 */
@Command(name = "allocation-tools", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "The Capital Allocation Brain's developer tools: a demo against an embedded Redis, and the bench.",
        subcommands = {DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Tools implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return Main.withErrorHandlers(new CommandLine(new Tools()));
    }

    /** No subcommand: usage on stderr, exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println("error: a command is required (demo or bench)");
        return ExitCodes.CONFIG;
    }
}
