package com.quantumtrader.allocation.runner;

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
            description = "Read KEY=VALUE variables from this file with systemd's EnvironmentFile= grammar; they win over the"
                    + " process environment. Also accepted before the command.")
    void envFile(Path path) {
        envFile = Main.checkedEnvFile(mixee, envFile, path);
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
