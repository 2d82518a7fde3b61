package com.quantumtrader.allocation.tools;


import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.runner.metrics.Metrics;

import com.quantumtrader.allocation.runner.cli.Logging;

import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.cli.Wiring;

import com.quantumtrader.allocation.runner.config.Config;


import com.quantumtrader.allocation.redis.client.HostPort;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import io.prometheus.client.CollectorRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;

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

    /** How the measured runners read their inputs. */
    enum Reads {
        FULL("full"), INCREMENTAL("incremental"), ALTERNATE("alternate");

        final String wire;

        Reads(String wire) {
            this.wire = wire;
        }
    }

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
        int k = clusters > 0 ? clusters : Math.max(1, symbols / 20);
        Mode m = switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "shadow" -> Mode.SHADOW;
            case "enforce" -> Mode.ENFORCE;
            default -> throw new IllegalArgumentException("--mode: must be shadow or enforce, was '" + mode + "'");
        };
        Logging.setRootLevel("WARN");
        Logging.setLevel(CycleRunner.class.getName(), "ERROR");
        PrintWriter out = spec.commandLine().getOut();
        if (redisUrl != null && redisCluster != null) {
            throw new IllegalArgumentException("--redis-url, --redis-cluster: give one Redis, not both");
        }
        EmbeddedRedis embedded = redisUrl == null && redisCluster == null ? EmbeddedRedis.start() : null;
        List<Jedis> admin = new ArrayList<>(); // one plain connection per node: key check, INFO CPU
        Set<HostAndPort> clusterNodes = new LinkedHashSet<>();
        HostAndPort probeNode; // the node the probe client asks: the one server, or the Cluster's first node
        try {
            String deployment; // as the runner's start line names it
            if (redisCluster != null) {
                List<HostPort> seeds = HostPort.parseList(redisCluster);
                deployment = "Redis Cluster " + redisCluster;
                try (JedisCluster cluster = new JedisCluster(Set.of(new HostAndPort(seeds.get(0).socketHost(), seeds.get(0).port())),
                        ADMIN)) {
                    for (String node : new java.util.TreeSet<>(cluster.getClusterNodes().keySet())) {
                        clusterNodes.add(HostAndPort.from(node));
                        admin.add(new Jedis(HostAndPort.from(node), ADMIN));
                    }
                }
                probeNode = clusterNodes.iterator().next();
            } else {
                RedisEndpoint endpoint = RedisEndpoint.fromUrl(redisUrl != null ? redisUrl : embedded.url(), Duration.ofSeconds(2),
                        Duration.ofSeconds(30));
                deployment = endpoint.toString();
                probeNode = new HostAndPort(endpoint.host(), endpoint.port());
                Jedis jedis = new Jedis(new HostAndPort(endpoint.host(), endpoint.port()),
                        ADMIN);
                admin.add(jedis);
                endpoint.password().ifPresent(pw -> jedis.auth(endpoint.user().orElse("default"), pw));
                jedis.select(endpoint.database());
            }
            Instant now = Instant.now();
            for (Jedis jedis : admin) {
                if (!force && holdsQuantumKeys(jedis)) {
                    throw new IllegalArgumentException((redisCluster != null ? "--redis-cluster: " : "--redis-url: ") + deployment
                            + " already holds quantum:* keys; refusing to seed (use --force)");
                }
            }
            long seedStart = System.nanoTime();
            if (redisCluster != null) {
                try (ClusterPipeline p = new ClusterPipeline(clusterNodes, ADMIN)) {
                    seed(p, symbols, k, attributionPct, now);
                }
            } else {
                try (Pipeline p = admin.get(0).pipelined()) {
                    seed(p, symbols, k, attributionPct, now);
                }
            }
            out.printf(Locale.ROOT, "seeded %,d symbols in %,d clusters (%d%% with attribution) into %s in %.1f s%n",
                    symbols, k, attributionPct, embedded != null ? "embedded redis-server " + embedded.url() : deployment,
                    (System.nanoTime() - seedStart) / 1e9);
            out.flush();

            // The service's own wiring from a configuration, as `run` builds it. Inputs keep their seed timestamps while
            // simulated time advances by the interval: STALE_DATA_SEC is a day so nothing goes stale.
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
            List<Reads> order = reads == Reads.ALTERNATE ? List.of(Reads.FULL, Reads.INCREMENTAL) : List.of(reads);
            try (RedisConnection redis = Wiring.connect(Config.fromEnv(env))) {
                long heapBase = heapAfterGc();
                Map<Reads, CycleRunner> runners = new EnumMap<>(Reads.class);
                for (Reads r : order) { // one runner per way of reading, as `run` builds it, each an instance of its own
                    Map<String, String> e = new java.util.HashMap<>(env);
                    e.put("P29_INCREMENTAL", Boolean.toString(r == Reads.INCREMENTAL));
                    e.put("P29_INSTANCE_ID", "bench-" + r.wire);
                    runners.put(r, Wiring.cycleRunner(Config.fromEnv(e), redis, new Metrics(new CollectorRegistry(true)),
                            java.time.Clock.systemUTC()));
                }
                if (bookLimits) {
                    List<ScopedControl> controls = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        ScopedControl.Action action = i < 10 ? ScopedControl.Action.HALT : i < 15 ? ScopedControl.Action.SCALE
                                : ScopedControl.Action.REDUCE;
                        boolean onSymbol = i < 10;
                        controls.add(new ScopedControl(onSymbol ? ScopedControl.Scope.SYMBOL : ScopedControl.Scope.CLUSTER,
                                onSymbol ? "SYM" + (i * 997 % symbols) + "USDT" : "C" + (i * 31 % k), action,
                                action == ScopedControl.Action.SCALE ? 0.5 : 1, "bench", "bench", Optional.empty(), Optional.empty()));
                    }
                    new Control(redis).setScoped(controls);
                    out.println("book limits on: MAX_GROSS_PCT=1.0, P29_MAX_RAISE_PCT=0.10, 20 scoped controls");
                }
                Churn moves = new Churn(symbols, churn, now);
                Blocks blocks = new Blocks(runners, now, intervalSec);
                for (Reads r : order) {
                    blocks.switchTo(r, moves, admin, clusterNodes);
                    for (int i = 0; i < warmup; i++) {
                        moves.apply(this::pipeline, admin, clusterNodes);
                        check(blocks.cycle(r));
                    }
                }
                Map<Reads, Cycles> measured = new EnumMap<>(Reads.class);
                order.forEach(r -> measured.put(r, new Cycles(cycles)));
                Probe probe = noProbe ? null : Probe.start(probeNode);
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                long processCpuBefore = processCpuNanos();
                long[] gcBefore = gc();
                int perBlock = order.size() > 1 ? block : cycles;
                while (measured.values().stream().anyMatch(c -> c.n < cycles)) {
                    for (Reads r : order) {
                        Cycles into = measured.get(r);
                        if (into.n < cycles && order.size() > 1) {
                            blocks.switchTo(r, moves, admin, clusterNodes); // its first cycle (a new tenure: a full read) not measured
                        }
                        for (int b = 0; b < perBlock && into.n < cycles; b++) {
                            int changed = moves.apply(this::pipeline, admin, clusterNodes);
                            Map<String, Double> stats0 = commandUsec(admin);
                            double redis0 = redisCpu(admin);
                            long cpu0 = threads.getCurrentThreadCpuTime();
                            long allocated0 = allocatedBytes(threads);
                            CycleRunner.Report rep = check(blocks.cycle(r));
                            into.add(rep, threads.getCurrentThreadCpuTime() - cpu0, allocatedBytes(threads) - allocated0, changed,
                                    redisCpu(admin) - redis0);
                            into.commands(stats0, commandUsec(admin));
                        }
                    }
                }
                long processCpu = processCpuNanos() - processCpuBefore;
                long[] gcAfter = gc();
                Probe.Result latency = probe == null ? null : probe.stop();
                for (Reads r : order) {
                    measured.get(r).print(out, m, r, symbols, churn);
                }
                if (order.size() > 1) {
                    Cycles full = measured.get(Reads.FULL);
                    Cycles inc = measured.get(Reads.INCREMENTAL);
                    out.printf(Locale.ROOT, "incremental / full, same run (%d-cycle blocks alternating): cycle median %.3f; redis CPU per"
                            + " cycle: median %.3f, mean %.3f (audits included); input reads per cycle: median %.3f, mean %.3f%n",
                            block, inc.median(4) / full.median(4), inc.median(9) / full.median(9), inc.mean(9) / full.mean(9),
                            inc.median(10) / full.median(10), inc.mean(10) / full.mean(10));
                    out.printf(Locale.ROOT, "incremental input reads / keys changed: median %.3f (a cycle between audits), mean %.3f%n",
                            inc.median(10) / inc.median(8), inc.mean(10) / inc.mean(8));
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
                if (order.size() == 1) {
                    long retained = heapAfterGc() - heapBase;
                    out.printf(Locale.ROOT, "retained heap per symbol: %,d bytes (%.1f MB after a full GC for %,d symbols: carry-over, discovery,"
                            + " the input cache when incremental, the runner's state between cycles); this JVM's capacity (P29_MAX_SYMBOLS"
                            + " default): %,d symbols%n", retained / symbols, retained / 1e6, symbols,
                            com.quantumtrader.allocation.runner.config.Heap.ofThisJvm().capacity());
                } else {
                    out.println("retained heap per symbol: run with --reads full or --reads incremental (two runners are alive here)");
                }
                Runtime rt = Runtime.getRuntime();
                out.printf(Locale.ROOT, "process RSS: %s; heap used %.1f MB of max %.1f MB%n", rss(), (rt.totalMemory() - rt.freeMemory()) / 1e6,
                        rt.maxMemory() / 1e6);
                out.flush();
                runners.values().forEach(CycleRunner::release);
                if (reaction > 0) {
                    Map<String, String> reactionEnv = new java.util.HashMap<>(env);
                    reactionEnv.put("P29_MIN_CYCLE_GAP_MS", Integer.toString(reactionGapMs));
                    ReactionTrials.run(out, reactionEnv, admin.get(0), symbols, reaction);
                }
            }
        } finally {
            admin.forEach(Jedis::close);
            if (embedded != null) {
                embedded.close();
            }
        }
        return 0;
    }

    /** Heap in use after a full collection (System.gc() under the serial and parallel collectors is one). */
    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private CycleRunner.Report check(CycleRunner.Report r) {
        if (!r.computed() || r.result().get().decisions().size() != symbols) {
            throw new IllegalStateException("bench cycle did not allocate all " + symbols + " symbols: "
                    + r.failure().orElse(r.result().map(x -> x.decisions().size() + " decisions, " + x.outcome()).orElse("?")));
        }
        return r;
    }

    /** What the bench keeps of each measured cycle: numbers only, never the cycle's result (at 10,000 symbols a result is megabytes). */
    static final class Cycles {
        // discover, read, compute, write, cycle, round trips, cycle-thread CPU, cycle-thread bytes allocated, keys changed before it,
        // Redis CPU (ns, INFO around the cycle), input reads
        private final long[][] phases;
        private final Map<ReadResult.Cache.Kind, Integer> kinds = new EnumMap<>(ReadResult.Cache.Kind.class);
        private final Map<String, Double> commandUsec = new java.util.TreeMap<>();
        private int n;

        Cycles(int capacity) {
            phases = new long[11][capacity];
        }

        void add(CycleRunner.Report r, long cpuNanos, long allocatedBytes, int changed, double redisCpuSeconds) {
            CycleRunner.Phases p = r.phases();
            long[] v = {p.discover(), p.read(), p.compute(), p.write(), (long) (r.seconds() * 1e9), p.roundTrips(), cpuNanos, allocatedBytes,
                    changed, (long) (redisCpuSeconds * 1e9), p.inputReads()};
            for (int i = 0; i < v.length; i++) {
                phases[i][n] = v[i];
            }
            kinds.merge(p.reads(), 1, Integer::sum);
            n++;
        }

        /** Adds the Redis command time (INFO commandstats usec) between two snapshots around a cycle. */
        void commands(Map<String, Double> before, Map<String, Double> after) {
            after.forEach((cmd, usec) -> commandUsec.merge(cmd, usec - before.getOrDefault(cmd, 0.0), Double::sum));
        }

        /** The mean of column {@code i}. */
        double mean(int i) {
            return Arrays.stream(phases[i], 0, n).average().orElse(0);
        }

        /** The median of column {@code i}. */
        double median(int i) {
            long[] s = Arrays.copyOf(phases[i], n);
            Arrays.sort(s);
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
        }

        void print(PrintWriter out, Mode m, Reads reads, int symbols, double churn) {
            out.printf(Locale.ROOT, "%d cycles, %s reads, %s mode, %,d symbols, churn %.0f %%; JVM %s, %d cores%n", n, reads.wire, m.wireName(),
                    symbols, churn * 100, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "%-9s %10s %10s%n", "phase", "median ms", "p99 ms");
            String[] names = {"discover", "read", "compute", "write", "cycle"};
            for (int i = 0; i < names.length; i++) {
                row(out, names[i], Arrays.copyOf(phases[i], n));
            }
            row(out, "cycle CPU", Arrays.copyOf(phases[6], n));
            row(out, "redis CPU", Arrays.copyOf(phases[9], n));
            long[] trips = Arrays.copyOf(phases[5], n);
            Arrays.sort(trips);
            out.printf(Locale.ROOT, "round trips per cycle: %d (min %d, max %d)%n", trips[n / 2], trips[0], trips[n - 1]);
            out.printf(Locale.ROOT, "input reads per cycle: median %.0f for %.0f keys changed before it (budgets and the portfolio); reads %s%n",
                    median(10), median(8), kinds);
            List<String> top = new ArrayList<>();
            commandUsec.entrySet().stream().filter(e -> e.getValue() > 0).sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(8)
                    .forEach(e -> top.add(String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / n / 1000)));
            out.printf(Locale.ROOT, "redis command time per cycle, ms (INFO commandstats, mean; the bench's INFO included): %s%n",
                    String.join(", ", top));
            long[] bytes = Arrays.copyOf(phases[7], n);
            Arrays.sort(bytes);
            out.printf(Locale.ROOT, "allocated per cycle (cycle thread): median %.1f MB, max %.1f MB%n", bytes[n / 2] / 1e6, bytes[n - 1] / 1e6);
        }
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

        Blocks(Map<Reads, CycleRunner> runners, Instant start, int intervalSec) {
            this.runners = runners;
            this.start = start;
            this.intervalSec = intervalSec;
        }

        void switchTo(Reads r, Churn moves, List<Jedis> admin, Set<HostAndPort> nodes) {
            if (r == current) {
                return;
            }
            if (current != null) {
                runners.get(current).release();
            }
            current = r;
            moves.apply(BenchCommand.this::pipeline, admin, nodes);
            check(cycle(r));
        }

        CycleRunner.Report cycle(Reads r) {
            return runners.get(r).run(start.plusSeconds((long) intervalSec * tick++));
        }
    }

    /** Budgets that move: before each cycle {@code fraction} of the symbols' budgets move +-10 % of their seed value, and equity drifts. */
    static final class Churn {
        private final Random rnd = new Random(7);
        private final int symbols;
        private final double fraction;
        private final String ts;
        private double equity = 250_000_000;

        Churn(int symbols, double fraction, Instant now) {
            this.symbols = symbols;
            this.fraction = fraction;
            this.ts = Long.toString(now.getEpochSecond());
        }

        /** Moves the budgets and the equity; returns the number of distinct keys written. */
        int apply(java.util.function.BiFunction<List<Jedis>, Set<HostAndPort>, AbstractPipeline> pipelines, List<Jedis> admin,
                   Set<HostAndPort> nodes) {
            int moves = (int) Math.round(symbols * fraction);
            if (moves == 0) {
                return 0;
            }
            Set<Integer> moved = new java.util.HashSet<>();
            AbstractPipeline p = pipelines.apply(admin, nodes);
            try {
                equity *= 1 + (rnd.nextDouble() - 0.5) * 0.002;
                p.hset(Keys.PORTFOLIO, InputHashes.portfolio(fmt(equity), "0.06", ts));
                for (int i = 0; i < moves; i++) {
                    int s = rnd.nextInt(symbols);
                    moved.add(s);
                    double base = seedBudget(s);
                    p.hset(Keys.budget("SYM" + s + "USDT"), InputHashes.budget(fmt(base * (0.9 + 0.2 * rnd.nextDouble())), ts));
                }
                p.sync();
            } finally {
                p.close();
            }
            return moved.size() + 1;
        }
    }

    private AbstractPipeline pipeline(List<Jedis> admin, Set<HostAndPort> nodes) {
        return nodes.isEmpty() ? admin.get(0).pipelined()
                : new ClusterPipeline(nodes, ADMIN);
    }

    /**
     * Another client of the same Redis, as the Governor is: a tight GET loop on its own connection, in a
     * JVM process of its own ({@link BenchProbe}, {@code -Xmx32m}), so its latencies show how long the
     * service's commands stall others, not the bench's own GC pauses.
     */
    static final class Probe {
        record Result(long calls, double maxMillis, double p999Millis, double p99Millis) {
        }

        private final Process process;
        private final BufferedReader out;

        private Probe(HostAndPort node) throws IOException {
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), BenchProbe.class.getName(), node.getHost(), Integer.toString(node.getPort()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new java.io.InputStreamReader(process.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
            String ready = out.readLine();
            if (!"ready".equals(ready)) {
                process.destroyForcibly();
                throw new IllegalStateException("bench probe process did not start: " + ready);
            }
        }

        static Probe start(HostAndPort node) throws IOException {
            return new Probe(node);
        }

        Result stop() throws IOException, InterruptedException {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
            String line = out.readLine();
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("bench probe process ended without a result");
            }
            String[] f = line.trim().split(" ");
            return new Result(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]));
        }
    }

    /** Bytes this thread has allocated so far (HotSpot's per-thread counter), 0 where the JVM has none. */
    private static long allocatedBytes(java.lang.management.ThreadMXBean threads) {
        return threads instanceof com.sun.management.ThreadMXBean sun ? sun.getCurrentThreadAllocatedBytes() : 0;
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** {GC milliseconds, young collections, full collections} so far (full: a collector that is not the young one). */
    private static long[] gc() {
        long[] out = new long[3];
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            out[0] += Math.max(0, b.getCollectionTime());
            if (young(b.getName())) {
                out[1] += Math.max(0, b.getCollectionCount());
            } else {
                out[2] += Math.max(0, b.getCollectionCount());
            }
        }
        return out;
    }

    private static boolean young(String collector) {
        return collector.equals("Copy") || collector.contains("Young") || collector.equals("PS Scavenge") || collector.equals("ParNew");
    }

    private static String gcNames() {
        List<String> names = new ArrayList<>();
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(b.getName() + (young(b.getName()) ? " young" : " full"));
        }
        return String.join(", ", names);
    }

    private static void row(PrintWriter out, String phase, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        long p99 = s[Math.min(s.length - 1, (int) Math.ceil(0.99 * s.length) - 1)];
        out.printf(Locale.ROOT, "%-9s %10.2f %10.2f%n", phase, median / 1e6, p99 / 1e6);
    }

    /** The seeded budget of symbol {@code s}: 1k-500k USD, the same for the seed and for the churn's +-10 %. */
    static double seedBudget(int s) {
        return 1000 + new Random(42L * 1_000_003 + s).nextDouble() * 499_000;
    }

    static String rss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> String.format(Locale.ROOT, "%.1f MB", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0)).findFirst().orElse("?");
        } catch (IOException | RuntimeException e) {
            return "unknown (no /proc)";
        }
    }

    private static boolean holdsQuantumKeys(Jedis jedis) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match("quantum:*").count(1000);
        do {
            var page = jedis.scan(cursor, params);
            if (!page.getResult().isEmpty()) {
                return true;
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return false;
    }

    /** Seconds of CPU the servers have used (INFO CPU user + sys), summed over the nodes. */
    private static double redisCpu(List<Jedis> nodes) {
        double total = 0;
        for (Jedis jedis : nodes) {
            for (String line : jedis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
                    total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        return total;
    }

    /** Microseconds each command has used so far (INFO commandstats), summed over the nodes. */
    private static Map<String, Double> commandUsec(List<Jedis> nodes) {
        Map<String, Double> out = new java.util.HashMap<>();
        for (Jedis jedis : nodes) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                int usec = line.indexOf("usec=");
                if (line.startsWith("cmdstat_") && usec > 0) {
                    String cmd = line.substring("cmdstat_".length(), line.indexOf(':'));
                    double v = Double.parseDouble(line.substring(usec + 5, line.indexOf(',', usec)));
                    out.merge(cmd, v, Double::sum);
                }
            }
        }
        return out;
    }

    /** Realistic inputs: budgets of 1k-500k USD, ~20 symbols per cluster, a tenth with attributions. */
    static void seed(AbstractPipeline p, int n, int k, int attributionPct, Instant now) {
        Random rnd = new Random(42);
        String ts = Long.toString(now.getEpochSecond());
        p.hset(Keys.PORTFOLIO, InputHashes.portfolio("250000000", "0.06", ts));
        p.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, InputHashes.regime("TREND", "0.8", ts));
        for (int c = 0; c < k; c++) {
            p.hset(Keys.stress("C" + c), InputHashes.stress(fmt(rnd.nextDouble() * 0.8), fmt(rnd.nextGaussian()), ts));
        }
        for (int i = 0; i < n; i++) {
            String symbol = "SYM" + i + "USDT";
            p.hset(Keys.budget(symbol), InputHashes.budget(fmt(seedBudget(i)), ts));
            p.hset(Keys.CLUSTER_MAP, symbol, "C" + (i % k));
            if (rnd.nextInt(100) < attributionPct) {
                p.hset(Keys.attribution(symbol), InputHashes.attribution(fmt(0.5 + rnd.nextDouble()), ts));
            }
            if (i % 10_000 == 9_999) {
                p.sync();
            }
        }
        p.sync();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
