package com.quantumtrader.allocation.runner;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check-config", mixinStandardHelpOptions = true, description = "Validate the configuration and print the effective values (passwords masked).")
final class CheckConfigCommand implements Callable<Integer> {
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
