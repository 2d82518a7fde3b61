package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.ConfigException;
import com.quantumtrader.allocation.runner.config.EnvFile;
import com.quantumtrader.allocation.runner.config.Variable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --env-file} after the command, shared by every command that reads the configuration. */
final class EnvOptions {
    private static final Logger LOG = LoggerFactory.getLogger(EnvOptions.class);

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    Path envFile;

    @Option(names = "--env-file", paramLabel = "PATH",
            description = "Read KEY=VALUE variables from this file with systemd's EnvironmentFile= grammar; a variable also set in"
                    + " the process environment takes the environment's value (the dotenv convention). Also accepted before the command.")
    void envFile(Path path) {
        envFile = checkedEnvFile(mixee, envFile, path);
    }

    /** The env file given before or after the command, or null. */
    Path envFile() {
        CommandLine.Model.CommandSpec parent = mixee.parent();
        Path top = parent != null && parent.userObject() instanceof TopLevel main ? main.envFile() : null;
        if (top != null && envFile != null && !top.equals(envFile)) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--env-file: given twice, " + top + " and " + envFile);
        }
        return envFile != null ? envFile : top;
    }

    /**
     * The env file's variables with the process environment over them: a variable set in both takes the process
     * environment's value, as dotenv loaders and {@code docker run -e} do. A name in the env file that the service does
     * not know stops the command (a misspelt cap is otherwise silently its default).
     */
    Map<String, String> variables() {
        return sources().values();
    }

    /** The variables and where each came from. */
    Sources sources() {
        Path envFile = envFile();
        EnvFile.Contents contents = envFile == null ? new EnvFile.Contents(Map.of(), java.util.List.of()) : EnvFile.contents(envFile);
        contents.warnings().forEach(LOG::warn);
        Map<String, String> file = contents.variables();
        for (String name : new java.util.TreeSet<>(file.keySet())) {
            if (!Config.KNOWN.contains(name)) {
                throw new ConfigException(name + ": unknown variable in " + envFile + Config.didYouMean(name));
            }
        }
        Map<String, String> process = System.getenv();
        Map<String, String> merged = new HashMap<>(file);
        merged.putAll(process);
        return new Sources(merged, file, process, envFile);
    }

    /** The merged variables, and which of them came from the env file or the process environment. */
    record Sources(Map<String, String> values, Map<String, String> file, Map<String, String> process, Path envFile) {
        /** Where {@code name}'s value comes from: the process environment (and whether it overrides the file), the file, or the default. */
        String of(String name) {
            if (process.containsKey(name)) {
                // the file's value only for what holds no secret: a password (REDIS_URL may carry one) never reaches the output
                boolean secret = name.contains("PASSWORD") || name.equals(Variable.REDIS_URL.name());
                return !file.containsKey(name) ? "process environment" : "process environment, over " + envFile + "'s "
                        + (secret ? "value" : file.get(name));
            }
            return file.containsKey(name) ? String.valueOf(envFile) : "default";
        }
    }

    /** The command above the subcommands, which takes {@code --env-file} before the subcommand's name. */
    interface TopLevel {
        /** The env file given before the subcommand, or null. */
        Path envFile();
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

    Config config() {
        Map<String, String> vars = variables();
        Config config = Config.fromEnv(vars);
        Config.unknownVariables(vars).forEach(LOG::warn);
        return config;
    }
}
