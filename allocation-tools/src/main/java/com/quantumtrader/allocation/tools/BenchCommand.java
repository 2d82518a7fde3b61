package com.quantumtrader.allocation.tools;

import com.quantumtrader.allocation.runner.metrics.Metrics;

import com.quantumtrader.allocation.runner.cli.Logging;

import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.cli.Wiring;

import com.quantumtrader.allocation.runner.config.Config;

import com.quantumtrader.allocation.redis.client.HostPort;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.AbstractPipeline;
import static com.quantumtrader.allocation.tools.BenchMeasures.*;
import static com.quantumtrader.allocation.tools.BenchSeed.*;

/**
 * DESIGN section 8: seeds N symbols of realistic inputs into a real Redis and runs C real cycles
 * through the same {@link CycleRunner} as {@code run}, then prints per phase the median and p99
 * milliseconds, round trips per cycle, Redis CPU per cycle and the process RSS.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure whole cycles (discover, read, compute, write) against a real Redis with N seeded symbols.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--symbols", paramLabel = "N", defaultValue = "10000", description = "Symbols to seed (default: ${DEFAULT-VALUE}).")
    int symbols;

    @Option(names = "--clusters", paramLabel = "K", defaultValue = "0", description = "Clusters (default: N/20).")
    int clusters;

    @Option(names = "--cycles", paramLabel = "C", defaultValue = "20", description = "Measured cycles (default: ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "5",
            description = "Unmeasured cycles first, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--mode", defaultValue = "enforce", description = "shadow or enforce (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--attribution-pct", defaultValue = "10",
            description = "Percent of symbols with an attribution hash (default: ${DEFAULT-VALUE}).")
    int attributionPct;

    @Option(names = "--redis-url", paramLabel = "URL",
            description = "Use this Redis instead of an embedded one. It must hold no quantum:* key unless --force.")
    String redisUrl;

    @Option(names = "--redis-cluster", paramLabel = "HOST:PORT,...",
            description = "Use this Redis Cluster (any of its nodes) instead; it must hold no quantum:* key unless --force.")
    String redisCluster;

    @Option(names = "--force", description = "Seed even if the Redis already holds quantum:* keys (they are overwritten, not deleted).")
    boolean force;

    @Option(names = "--churn", paramLabel = "FRACTION", defaultValue = "0.1",
            description = "Share of budgets that move +-10 %% before each cycle, equity drifting too (default: ${DEFAULT-VALUE}).")
    double churn;

    @Option(names = "--no-probe", description = "Run no probe client (its GETs count in Redis CPU; leave it out to measure stalls).")
    boolean noProbe;

    @Option(names = "--interval-sec", paramLabel = "S", defaultValue = "5",
            description = "Simulated time between cycles, for the target refresh (default: ${DEFAULT-VALUE}; cycles run back to back).")
    int intervalSec;

    @Option(names = "--book-limits", description = "Turn DESIGN section 17 on: the shipped MAX_GROSS_PCT=1.0 and P29_MAX_RAISE_PCT=0.10, and"
            + " 20 scoped controls (10 symbol halts, 5 cluster scales 0.5, 5 cluster reduces).")
    boolean bookLimits;

    @Option(names = "--reads", defaultValue = "alternate",
            description = "full (every input each cycle), incremental (only what changed, DESIGN section 19) or alternate: blocks of"
                    + " each in the same run, --cycles of each (default: ${DEFAULT-VALUE}).")
    String readsOption;

    @Option(names = "--block", paramLabel = "B", defaultValue = "12",
            description = "Measured cycles per block when alternating, after one unmeasured cycle per switch (default: ${DEFAULT-VALUE}:"
                    + " P29_FULL_READ_SEC / the interval, so the incremental blocks hold their audits at the service's rate).")
    int block;

    @Option(names = "--reaction", paramLabel = "T", defaultValue = "0",
            description = "Then T trials of reaction in a real service loop (P29_INTERVAL_SEC=5, incremental): a portfolio write moving"
                    + " the drawdown into HIGH, until the cycle stream shows every target rewritten (default: ${DEFAULT-VALUE}: none).")
    int reaction;

    @Option(names = "--reaction-gap-ms", paramLabel = "MS", defaultValue = "200",
            description = "P29_MIN_CYCLE_GAP_MS of the reaction trials' service (default: ${DEFAULT-VALUE}, the variable's default).")
    int reactionGapMs;

    Reads reads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The bench's own connections (seed, churn, INFO CPU): long socket timeouts for big pipelines, RESP2 as the service speaks. */
    static final DefaultJedisClientConfig ADMIN = DefaultJedisClientConfig.builder().serverDefaultProtocol().socketTimeoutMillis(30_000).build();

    private static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + ": must be >= " + min + ", was " + value);
        }
    }

    @Override
    public Integer call() throws Exception {
        Mode m = validated();
        int k = clusters > 0 ? clusters : Math.max(1, symbols / 20);
        Logging.setRootLevel("WARN");
        Logging.setLevel(CycleRunner.class.getName(), "ERROR");
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedRedis embedded = redisUrl == null && redisCluster == null ? EmbeddedRedis.start() : null;
        Target target = new Target(new ArrayList<>(), new LinkedHashSet<>());
        try {
            HostAndPort probeNode = connect(target, embedded);
            Instant now = Instant.now();
            seedAll(out, target, embedded, k, now);
            Map<String, String> env = env(m, embedded);
            List<Reads> order = reads == Reads.ALTERNATE ? List.of(Reads.FULL, Reads.INCREMENTAL) : List.of(reads);
            try (RedisConnection redis = Wiring.connect(Config.fromEnv(env))) {
                long heapBase = heapAfterGc();
                Map<Reads, CycleRunner> runners = runners(order, env, redis);
                if (bookLimits) {
                    scopedControls(out, redis, k);
                }
                measure(out, m, order, runners, target, probeNode, now, heapBase);
                runners.values().forEach(CycleRunner::release);
                if (reaction > 0) {
                    Map<String, String> reactionEnv = new java.util.HashMap<>(env);
                    reactionEnv.put("P29_MIN_CYCLE_GAP_MS", Integer.toString(reactionGapMs));
                    ReactionTrials.run(out, reactionEnv, target.admin().get(0), symbols, reaction);
                }
            }
        } finally {
            target.admin().forEach(Jedis::close);
            if (embedded != null) {
                embedded.close();
            }
        }
        return 0;
    }

    /**
     * The Redis the bench seeds and watches.
     *
     * @param admin        one plain connection per node: the key check, INFO CPU, the churn
     * @param clusterNodes a Cluster's nodes (empty: one server)
     */
    private record Target(List<Jedis> admin, Set<HostAndPort> clusterNodes) {
    }

    /** The options checked; the mode they ask for. */
    private Mode validated() {
        atLeast("--symbols", symbols, 1);
        atLeast("--cycles", cycles, 1);
        atLeast("--warmup", warmup, 0);
        atLeast("--clusters", clusters, 0);
        atLeast("--interval-sec", intervalSec, 1);
        atLeast("--block", block, 1);
        atLeast("--reaction", reaction, 0);
        atLeast("--reaction-gap-ms", reactionGapMs, 10);
        reads = Arrays.stream(Reads.values()).filter(r -> r.wire.equals(readsOption.strip().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--reads: must be full, incremental or alternate, was '" + readsOption + "'"));
        if (reaction > 0 && redisCluster != null) {
            throw new IllegalArgumentException("--reaction: needs one Redis (a Cluster reads everything each cycle), not --redis-cluster");
        }
        if (!(churn >= 0 && churn <= 1)) {
            throw new IllegalArgumentException("--churn: must be in [0, 1], was " + churn);
        }
        if (attributionPct < 0 || attributionPct > 100) {
            throw new IllegalArgumentException("--attribution-pct: must be in [0, 100], was " + attributionPct);
        }
        if (redisUrl != null && redisCluster != null) {
            throw new IllegalArgumentException("--redis-url, --redis-cluster: give one Redis, not both");
        }
        return switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "shadow" -> Mode.SHADOW;
            case "enforce" -> Mode.ENFORCE;
            default -> throw new IllegalArgumentException("--mode: must be shadow or enforce, was '" + mode + "'");
        };
    }

    /** Opens the admin connections (every node of a Cluster); returns the node the probe client asks. */
    private HostAndPort connect(Target target, EmbeddedRedis embedded) {
        if (redisCluster != null) {
            List<HostPort> seeds = HostPort.parseList(redisCluster);
            try (RedisClusterClient cluster = RedisClusterClient.builder().nodes(Set.of(new HostAndPort(seeds.get(0).socketHost(),
                    seeds.get(0).port()))).clientConfig(ADMIN).build()) {
                for (String node : new java.util.TreeSet<>(cluster.getClusterNodes().keySet())) {
                    target.clusterNodes().add(HostAndPort.from(node));
                    target.admin().add(new Jedis(HostAndPort.from(node), ADMIN));
                }
            }
            return target.clusterNodes().iterator().next();
        }
        RedisEndpoint endpoint = RedisEndpoint.fromUrl(redisUrl != null ? redisUrl : embedded.url(), Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        Jedis jedis = new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), ADMIN);
        target.admin().add(jedis);
        endpoint.password().ifPresent(pw -> jedis.auth(endpoint.user().orElse("default"), pw));
        jedis.select(endpoint.database());
        return new HostAndPort(endpoint.host(), endpoint.port());
    }

    /** Seeds the universe, after checking the Redis holds none of the service's keys (unless --force). */
    private void seedAll(PrintWriter out, Target target, EmbeddedRedis embedded, int k, Instant now) {
        String deployment = redisCluster != null ? "Redis Cluster " + redisCluster
                : embedded != null ? "embedded redis-server " + embedded.url() : redisUrl;
        for (Jedis jedis : target.admin()) {
            if (!force && holdsQuantumKeys(jedis)) {
                throw new IllegalArgumentException((redisCluster != null ? "--redis-cluster: " : "--redis-url: ") + deployment
                        + " already holds quantum:* keys; refusing to seed (use --force)");
            }
        }
        long seedStart = System.nanoTime();
        try (AbstractPipeline p = pipeline(target.admin(), target.clusterNodes())) {
            seed(p, symbols, k, attributionPct, now);
        }
        out.printf(Locale.ROOT, "seeded %,d symbols in %,d clusters (%d%% with attribution) into %s in %.1f s%n",
                symbols, k, attributionPct, deployment, (System.nanoTime() - seedStart) / 1e9);
        out.flush();
    }

    /**
     * The service's own configuration, as `run` reads it. Inputs keep their seed timestamps while simulated time advances
     * by the interval: STALE_DATA_SEC is a day so nothing goes stale.
     */
    private Map<String, String> env(Mode m, EmbeddedRedis embedded) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("P29_MODE", m.wireName(), "STALE_DATA_SEC", "86400",
                "P29_INSTANCE_ID", "bench", "P29_INTERVAL_SEC", Integer.toString(intervalSec),
                "P29_DECISION_STREAM_MAXLEN", Integer.toString(Math.max(100_000, symbols)), "P29_MAX_SYMBOLS", Integer.toString(symbols)));
        if (redisCluster != null) {
            env.put("REDIS_CLUSTER_NODES", redisCluster);
        } else {
            env.put("REDIS_URL", redisUrl != null ? redisUrl : embedded.url());
        }
        if (bookLimits) {
            env.put("MAX_GROSS_PCT", "1.0");
            env.put("P29_MAX_RAISE_PCT", "0.10");
        }
        return env;
    }

    /** One runner per way of reading, as `run` builds it, each an instance of its own. */
    private static Map<Reads, CycleRunner> runners(List<Reads> order, Map<String, String> env, RedisConnection redis) {
        Map<Reads, CycleRunner> runners = new EnumMap<>(Reads.class);
        for (Reads r : order) {
            Map<String, String> e = new java.util.HashMap<>(env);
            e.put("P29_INCREMENTAL", Boolean.toString(r == Reads.INCREMENTAL));
            e.put("P29_INSTANCE_ID", "bench-" + r.wire);
            runners.put(r, Wiring.cycleRunner(Config.fromEnv(e), redis, new Metrics(new PrometheusRegistry()), java.time.Clock.systemUTC()));
        }
        return runners;
    }

    /** --book-limits: 20 scoped controls (halts on symbols, scales and reduces on clusters). */
    private void scopedControls(PrintWriter out, RedisConnection redis, int k) {
        List<ScopedControl> controls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ScopedControl.Action action = i < 10 ? ScopedControl.Action.HALT : i < 15 ? ScopedControl.Action.SCALE : ScopedControl.Action.REDUCE;
            boolean onSymbol = i < 10;
            controls.add(new ScopedControl(onSymbol ? ScopedControl.Scope.SYMBOL : ScopedControl.Scope.CLUSTER,
                    onSymbol ? "SYM" + (i * 997 % symbols) + "USDT" : "C" + (i * 31 % k), action,
                    action == ScopedControl.Action.SCALE ? 0.5 : 1, "bench", "bench", Optional.empty(), Optional.empty()));
        }
        new Control(redis).setScoped(controls);
        out.println("book limits on: MAX_GROSS_PCT=1.0, P29_MAX_RAISE_PCT=0.10, 20 scoped controls");
    }

    /** Incremental against full reads, measured in the same run. */
    private void compare(PrintWriter out, BenchCycles full, BenchCycles inc) {
        out.printf(Locale.ROOT, "incremental / full, same run (%d-cycle blocks alternating): cycle median %.3f; redis CPU per"
                + " cycle: median %.3f, mean %.3f (audits included); input reads per cycle: median %.3f, mean %.3f%n",
                block, inc.median(4) / full.median(4), inc.median(9) / full.median(9), inc.mean(9) / full.mean(9),
                inc.median(10) / full.median(10), inc.mean(10) / full.mean(10));
        out.printf(Locale.ROOT, "incremental input reads / keys changed: median %.3f (a cycle between audits), mean %.3f%n",
                inc.median(10) / inc.median(8), inc.mean(10) / inc.mean(8));
    }

    /** What one runner keeps between cycles, per symbol, after a full collection (one runner alive only). */
    private void retainedHeap(PrintWriter out, List<Reads> order, long heapBase) {
        if (order.size() == 1) {
            long retained = heapAfterGc() - heapBase;
            out.printf(Locale.ROOT, "retained heap per symbol: %,d bytes (%.1f MB after a full GC for %,d symbols: carry-over, discovery,"
                    + " the input cache when incremental, the runner's state between cycles); this JVM's capacity (P29_MAX_SYMBOLS"
                    + " default): %,d symbols%n", retained / symbols, retained / 1e6, symbols,
                    com.quantumtrader.allocation.runner.config.Heap.ofThisJvm().capacity());
        } else {
            out.println("retained heap per symbol: run with --reads full or --reads incremental (two runners are alive here)");
        }
    }

    /** One measured cycle: the churn before it, then its phases, CPU, allocation and Redis's CPU and command time. */
    private void measureOne(BenchCycles into, Blocks blocks, Reads r, BenchChurn moves, Target target,
                            java.lang.management.ThreadMXBean threads) {
        List<Jedis> admin = target.admin();
        int changed = moves.apply(this::pipeline, admin, target.clusterNodes());
        Map<String, Double> stats0 = commandUsec(admin);
        double redis0 = redisCpu(admin);
        long cpu0 = threads.getCurrentThreadCpuTime();
        long allocated0 = allocatedBytes(threads);
        CycleRunner.Report rep = check(blocks.cycle(r));
        into.add(rep, threads.getCurrentThreadCpuTime() - cpu0, allocatedBytes(threads) - allocated0, changed, redisCpu(admin) - redis0);
        into.commands(stats0, commandUsec(admin));
    }

    /** Warms each runner up, measures the cycles in alternating blocks, and prints what they cost. */
    private void measure(PrintWriter out, Mode m, List<Reads> order, Map<Reads, CycleRunner> runners, Target target, HostAndPort probeNode,
                         Instant now, long heapBase) throws Exception {
        List<Jedis> admin = target.admin();
        Set<HostAndPort> clusterNodes = target.clusterNodes();
        BenchChurn moves = new BenchChurn(symbols, churn, now);
        Blocks blocks = new Blocks(runners, now, intervalSec);
        for (Reads r : order) {
            blocks.switchTo(r, moves, admin, clusterNodes);
            for (int i = 0; i < warmup; i++) {
                moves.apply(this::pipeline, admin, clusterNodes);
                check(blocks.cycle(r));
            }
        }
        Map<Reads, BenchCycles> measured = new EnumMap<>(Reads.class);
        order.forEach(r -> measured.put(r, new BenchCycles(cycles)));
        ProbeClient probe = noProbe ? null : ProbeClient.start(probeNode);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long processCpuBefore = processCpuNanos();
        long[] gcBefore = gc();
        int perBlock = order.size() > 1 ? block : cycles;
        while (measured.values().stream().anyMatch(c -> c.n < cycles)) {
            for (Reads r : order) {
                BenchCycles into = measured.get(r);
                if (into.n < cycles && order.size() > 1) {
                    blocks.switchTo(r, moves, admin, clusterNodes); // its first cycle (a new tenure: a full read) not measured
                }
                for (int b = 0; b < perBlock && into.n < cycles; b++) {
                    measureOne(into, blocks, r, moves, target, threads);
                }
            }
        }
        long processCpu = processCpuNanos() - processCpuBefore;
        long[] gcAfter = gc();
        ProbeClient.Result latency = probe == null ? null : probe.stop();
        for (Reads r : order) {
            measured.get(r).print(out, m, r, symbols, churn);
        }
        if (order.size() > 1) {
            compare(out, measured.get(Reads.FULL), measured.get(Reads.INCREMENTAL));
            out.printf(Locale.ROOT, "takeovers (a new leader's first cycle after the lease was handed over: full read, the targets read"
                    + " back from Redis, the write), seconds: %s%n", blocks.takeovers.stream().map(t -> String.format(Locale.ROOT, "%.2f", t)).toList());
        }
        out.printf(Locale.ROOT, "process CPU per cycle: %.1f ms (all threads: the cycle threads, plus GC, JIT and the bench churn)%n",
                processCpu / 1e6 / (cycles * order.size()));
        out.printf(Locale.ROOT, "GC per cycle: %.2f ms; young collections %d, full collections %d over %d cycles (%s)%n",
                (gcAfter[0] - gcBefore[0]) / (double) (cycles * order.size()), gcAfter[1] - gcBefore[1], gcAfter[2] - gcBefore[2],
                cycles * order.size(), gcNames());
        if (latency != null) {
            out.printf(Locale.ROOT, "probe client (GET loop on its own connection in its own JVM, %,d calls): max %.2f ms, p99.9 %.2f ms,"
                    + " p99 %.2f ms (its GETs are in the Redis CPU above)%n", latency.calls(), latency.maxMillis(), latency.p999Millis(),
                    latency.p99Millis());
        }
        retainedHeap(out, order, heapBase);
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "process RSS: %s; heap used %.1f MB of max %.1f MB%n", rss(), (rt.totalMemory() - rt.freeMemory()) / 1e6,
                rt.maxMemory() / 1e6);
        out.flush();
    }

    private CycleRunner.Report check(CycleRunner.Report r) {
        if (!r.computed() || r.result().get().decisions().size() != symbols) {
            throw new IllegalStateException("bench cycle did not allocate all " + symbols + " symbols: "
                    + r.failure().orElse(r.result().map(x -> x.decisions().size() + " decisions, " + x.outcome()).orElse("?")));
        }
        return r;
    }

    /**
     * The measured runners and the simulated clock they share: one holds the lease at a time; a switch releases it, and the
     * next runner's first cycle (a new tenure, so a full read) runs unmeasured.
     */
    final class Blocks {
        private final Map<Reads, CycleRunner> runners;
        private final Instant start;
        private final int intervalSec;
        private long tick;
        private Reads current;
        /** Each switch's first cycle, in seconds: a new leader's first write (a full read, the targets read back, the write). */
        final List<Double> takeovers = new java.util.ArrayList<>();

        Blocks(Map<Reads, CycleRunner> runners, Instant start, int intervalSec) {
            this.runners = runners;
            this.start = start;
            this.intervalSec = intervalSec;
        }

        void switchTo(Reads r, BenchChurn moves, List<Jedis> admin, Set<HostAndPort> nodes) {
            if (r == current) {
                return;
            }
            if (current != null) {
                runners.get(current).release();
            }
            boolean takeover = current != null;
            current = r;
            moves.apply(BenchCommand.this::pipeline, admin, nodes);
            CycleRunner.Report first = check(cycle(r));
            if (takeover) {
                takeovers.add(first.seconds());
            }
        }

        CycleRunner.Report cycle(Reads r) {
            return runners.get(r).run(start.plusSeconds((long) intervalSec * tick++));
        }
    }

    private AbstractPipeline pipeline(List<Jedis> admin, Set<HostAndPort> nodes) {
        return nodes.isEmpty() ? admin.get(0).pipelined()
                : new ClusterPipeline(nodes, ADMIN);
    }

}
