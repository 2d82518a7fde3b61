package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.Heap;
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

    @CommandLine.Option(names = "--heap", paramLabel = "SIZE",
            description = "The maximum heap the service runs with (-Xmx: 320m, 2g), for its capacity. Default: the -Xmx of the"
                    + " installed unit (/etc/systemd/system/quantum-capital-allocation.service), else the shipped unit's (320m).")
    String heapOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where the installed unit is (docs/operations.md, "Install"). */
    static final java.nio.file.Path UNIT = java.nio.file.Path.of("/etc/systemd/system/quantum-capital-allocation.service");
    /** The shipped unit's -Xmx (deploy/quantum-capital-allocation.service; ConfigTest.heapOfUnit_theShippedUnit_is320m reads it there). */
    static final String SHIPPED_HEAP = "320m";

    /** The heap the service will run with, and where that figure comes from: never this command's own JVM's. */
    private record UnitHeap(Heap size, String source) {
    }

    private UnitHeap heap() {
        if (heapOption != null) {
            return new UnitHeap(Heap.parse(heapOption), "--heap " + heapOption);
        }
        return Heap.ofUnit(UNIT).map(h -> new UnitHeap(h, "-Xmx of " + UNIT))
                .orElseGet(() -> new UnitHeap(Heap.parse(SHIPPED_HEAP),
                        "the shipped unit's -Xmx " + SHIPPED_HEAP + "; no unit at " + UNIT + ", --heap to say another"));
    }

    private static void capacity(PrintWriter out, UnitHeap heap, Config config) {
        Heap h = heap.size();
        int maxSymbols = config.reads().maxSymbols();
        out.println(String.format(java.util.Locale.ROOT, "capacity: the service's heap (-Xmx %d MB, %s) holds %,d symbols ((heap - %d MB)"
                        + " / %,d bytes per symbol, docs/performance.md); P29_MAX_SYMBOLS=%,d%s", h.megabytes(), heap.source(), h.capacity(),
                Heap.RESERVE_BYTES >> 20, Heap.BYTES_PER_SYMBOL,
                maxSymbols, maxSymbols > h.capacity()
                        ? " (warning: above the heap's capacity: a universe that large may end the JVM with OutOfMemoryError)" : ""));
        if (config.reads().incremental()) {
            out.println(String.format(java.util.Locale.ROOT, "input cache: incremental reads keep the inputs of up to %,d symbols in this"
                    + " heap ((heap - %d MB) / %,d bytes per symbol); a larger universe is read in full each cycle", h.cacheCapacity(),
                    Heap.RESERVE_BYTES >> 20,
                    Heap.BYTES_PER_CACHED_SYMBOL));
        }
    }

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
        UnitHeap heap = heap();
        Config config = Config.fromEnv(vars, heap.size());
        config.staticClusterMap(); // validates P29_CLUSTER_MAP_FILE
        PrintWriter out = spec.commandLine().getOut();
        try (RedisConnection redis = Wiring.connect(config)) { // validates REDIS_TLS_CA_FILE; opens no connection unless --probe
            config.describe().forEach((k, v) -> out.println(k + "=" + v + "    (" + source(sources, k) + ")"));
            capacity(out, heap, config);
            Config.unknownVariables(vars).forEach(w -> out.println("warning: " + w));
            out.println("configuration OK; redis deployment: " + config.connection().deployment().kind() + " (" + config.connection().deployment() + ")");
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
