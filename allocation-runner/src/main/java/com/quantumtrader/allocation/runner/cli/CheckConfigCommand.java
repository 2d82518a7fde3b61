package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "check-config", mixinStandardHelpOptions = true, description = {
        "Validate the configuration and print the effective values (passwords masked) and the Redis deployment it will use.",
        "Exit 0 valid (and, with --probe, reachable), 1 --probe could not reach a primary, 2 invalid."})
final class CheckConfigCommand implements Callable<Integer> {
    @Mixin
    EnvOptions env;

    @CommandLine.Option(names = "--probe",
            description = "Also connect: ask each primary (the Sentinel's current one, every Cluster primary) for its ROLE.")
    boolean probe;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where a described value comes from; the deployment's line ({@code redis}) from the variables that set it. */
    private static String source(EnvOptions.Sources sources, String described) {
        if (Config.KNOWN.contains(described)) {
            return sources.of(described);
        }
        java.util.Set<String> from = new java.util.TreeSet<>();
        for (String name : Config.KNOWN) {
            if (name.startsWith("REDIS_") && sources.values().containsKey(name)) {
                from.add(name + ": " + sources.of(name));
            }
        }
        return from.isEmpty() ? "default" : String.join("; ", from);
    }

    @Override
    public Integer call() {
        EnvOptions.Sources sources = env.sources();
        Map<String, String> vars = sources.values();
        Config config = Config.fromEnv(vars);
        config.staticClusterMap(); // validates P29_CLUSTER_MAP_FILE
        PrintWriter out = spec.commandLine().getOut();
        try (RedisConnection redis = Wiring.connect(config)) { // validates REDIS_TLS_CA_FILE; opens no connection unless --probe
            config.describe().forEach((k, v) -> out.println(k + "=" + v + "    (" + source(sources, k) + ")"));
            long heap = Runtime.getRuntime().maxMemory();
            out.println(String.format(java.util.Locale.ROOT, "capacity: this JVM's heap (-Xmx %d MB) holds %,d symbols ((heap - %d MB) / %,d bytes"
                    + " per symbol, docs/performance.md); P29_MAX_SYMBOLS=%,d%s", heap >> 20, Config.capacity(heap), Config.HEAP_RESERVE_BYTES >> 20,
                    Config.HEAP_BYTES_PER_SYMBOL, config.maxSymbols(), config.maxSymbols() > Config.capacity(heap)
                            ? " (warning: above the heap's capacity: a universe that large may end the JVM with OutOfMemoryError)" : ""));
            if (config.incremental()) {
                out.println(String.format(java.util.Locale.ROOT, "input cache: incremental reads keep the inputs of up to %,d symbols in this"
                        + " heap ((heap - %d MB) / %,d bytes per symbol); a larger universe is read in full each cycle", Config.cacheCapacity(heap),
                        Config.HEAP_RESERVE_BYTES >> 20, Config.HEAP_BYTES_PER_CACHED_SYMBOL));
            }
            Config.unknownVariables(vars).forEach(w -> out.println("warning: " + w));
            out.println("configuration OK; redis deployment: " + config.redis().kind() + " (" + config.redis() + ")");
            if (probe) {
                try {
                    redis.probe().forEach(line -> out.println("probe: " + line));
                } catch (RedisFailure e) {
                    out.println("probe: FAILED (" + e.kind().wireName() + "): " + e.getMessage());
                    out.flush();
                    return ExitCodes.FAILURE;
                }
                out.println("probe: OK");
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
