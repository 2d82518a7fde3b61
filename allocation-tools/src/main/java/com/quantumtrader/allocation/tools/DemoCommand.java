package com.quantumtrader.allocation.tools;

import com.quantumtrader.allocation.runner.cli.Signals;

import com.quantumtrader.allocation.runner.cli.Service;

import com.quantumtrader.allocation.runner.cli.Logging;

import com.quantumtrader.allocation.runner.cli.DecisionTable;

import com.quantumtrader.allocation.runner.cycle.CycleRunner;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.Variable;
import com.quantumtrader.allocation.runner.cli.Wiring;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.redis.Control;
import com.quantumtrader.allocation.redis.client.RedisConnection;

import com.quantumtrader.allocation.redis.client.RedisEndpoint;

import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * DESIGN section 6: a real redis-server from the embedded-redis jar, a simulated upstream, and the
 * real loop in enforce mode against it, with /metrics up. One compact table per cycle.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the real loop in enforce mode against an embedded Redis fed by a simulated upstream; print a table per cycle.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--cycles", paramLabel = "N", description = "Stop after N cycles, N >= 1 (default: run until Ctrl-C).")
    Integer cycles;

    @Option(names = "--interval-sec", paramLabel = "S", defaultValue = "2", description = "Loop interval in seconds (default: ${DEFAULT-VALUE}).")
    int intervalSec;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "8059",
            description = "Port of /metrics (default: ${DEFAULT-VALUE}; a free one if it is taken).")
    int metricsPort;

    @Option(names = "--redis-url", paramLabel = "URL",
            description = "Use this Redis instead of starting an embedded one (its quantum:* keys get overwritten).")
    String redisUrl;

    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
            description = "Run N loops (1-3) against the same Redis, as N hosts would: one holds the writer's lease and writes, "
                    + "the others stand by (default: ${DEFAULT-VALUE}).")
    int replicas;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final String[][] UNIVERSE = {
            {"BTCUSDT", "majors", "700000"}, {"ETHUSDT", "majors", "420000"}, {"BNBUSDT", "majors", "90000"},
            {"SOLUSDT", "l1", "180000"}, {"AVAXUSDT", "l1", "120000"}, {"DOTUSDT", "l1", "80000"}, {"ADAUSDT", "l1", "70000"},
            {"DOGEUSDT", "memes", "60000"}, {"SHIBUSDT", "memes", "40000"}, {"PEPEUSDT", "memes", "30000"},
            {"WIFUSDT", "memes", "25000"}, {"LINKUSDT", "oracles", "50000"}};
    static final String[] REGIMES = {"TREND", "MEAN_REVERSION", "CHOP"};

    @Override
    public Integer call() throws Exception {
        validate();
        Logging.setRootLevel("WARN");
        Logging.setLevel(CycleRunner.class.getName(), "ERROR");
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedRedis embedded = redisUrl == null ? EmbeddedRedis.start() : null;
        String url = redisUrl != null ? redisUrl : embedded.url();
        int port = portOrFree(metricsPort);
        List<Config> configs = configs(url, port);
        Config config = configs.get(0);
        RedisEndpoint endpoint = RedisEndpoint.fromUrl(url, config.connection().deployment().socketTimeout(),
                config.connection().deployment().socketTimeout());
        Instant start = Instant.now();
        Upstream upstream = new Upstream(endpoint.host(), endpoint.port(), start);
        upstream.publish(0, start);
        RedisConnection operator = Wiring.connect(config); // the operator's control command, as a process would run it
        CountDownLatch done = new CountDownLatch(1);
        banner(out, url, port);
        Signals.onTerminate(done::countDown);
        List<Service> services = new ArrayList<>();
        try {
            Printer printer = new Printer(out, new DecisionTable(System.console() != null && System.getenv("NO_COLOR") == null, config.policy()),
                    done, upstream, operator);
            for (Config c : configs) {
                services.add(new Service(c, Clock.systemUTC(), report -> printer.cycle(c.service().instanceId(), report)));
            }
            services.forEach(Service::start);
            done.await();
        } finally {
            services.forEach(Service::close);
            operator.close();
            upstream.close();
            if (embedded != null) {
                embedded.close();
            }
        }
        out.println("demo stopped");
        out.flush();
        return 0;
    }

    private void validate() {
        if (cycles != null && cycles < 1) {
            throw new IllegalArgumentException("--cycles: must be >= 1 (leave it out to run until Ctrl-C), was " + cycles);
        }
        if (intervalSec < 1 || intervalSec > 60) {
            throw new IllegalArgumentException("--interval-sec: must be in [1, 60], was " + intervalSec);
        }
        if (replicas < 1 || replicas > 3) {
            throw new IllegalArgumentException("--replicas: must be in [1, 3], was " + replicas);
        }
    }

    /** Each replica's configuration, as its env file would say it. */
    private List<Config> configs(String url, int port) {
        List<Config> configs = new ArrayList<>();
        for (int r = 1; r <= replicas; r++) {
            Map<String, String> env = new HashMap<>();
            env.put(Variable.P29_MODE.name(), "enforce");
            env.put(Variable.P29_INTERVAL_SEC.name(), Integer.toString(intervalSec));
            env.put(Variable.P29_METRICS_PORT.name(), Integer.toString(r == 1 ? port : EmbeddedRedis.freePort()));
            env.put(Variable.P29_METRICS_BIND.name(), "127.0.0.1");
            env.put(Variable.REDIS_URL.name(), url);
            env.put(Variable.P29_INSTANCE_ID.name(), "demo-" + r);
            // The shipped band; a relax dwell of 4 cycles instead of 300 s, so the demo shows the zone both held and relaxing.
            env.put("DD_HYSTERESIS", "0.005");
            env.put("DD_RELAX_SEC", Integer.toString(4 * intervalSec));
            // The shipped gross cap (the table's book is ~110 % of equity before it); the ramp at 2 base budgets a minute
            // instead of the shipped 0.10, compressed as the relax dwell is, so a rise after the HIGH spell takes a few cycles.
            env.put(Variable.MAX_GROSS_PCT.name(), "1.0");
            env.put(Variable.P29_MAX_RAISE_PCT.name(), "2");
            configs.add(Config.fromEnv(env));
        }
        return configs;
    }

    private void banner(PrintWriter out, String url, int port) {
        out.printf(Locale.ROOT, "Capital Allocation Brain demo: embedded Redis at %s, enforce mode, a cycle every %d s%s%n", url, intervalSec,
                replicas > 1 ? ", " + replicas + " replicas (one writes, the others stand by)" : "");
        out.println("upstream simulated as the live stack writes it: clusters from quantum:portfolio:clusters and their cluster_state"
                + " (no operator map, no quantum:cluster:stress hash), performance from quantum:alpha:attribution:*");
        out.println("legend: base $ = the budget engine's budget; regime, clust (cluster: clamp(1 - stress)), dd (drawdown zone), perf"
                + " (performance) = the multipliers; target $ = base x the four, then the symbol, cluster and gross caps, scoped controls"
                + " and ramp; cap = the step that lowered it last; conf = input confidence in [0, 1]; total = the book and its % of equity");
        out.printf(Locale.ROOT, "metrics: http://127.0.0.1:%d/metrics   Ctrl-C to stop%s%n%n", port,
                cycles != null ? ", or after " + cycles + " cycles" : "");
        out.flush();
    }

    /** Prints each cycle a replica reports (the leader's table, a standby's one line), then moves the simulated upstream on. */
    private final class Printer {
        private final PrintWriter out;
        private final DecisionTable table;
        private final CountDownLatch done;
        private final Upstream upstream;
        private final RedisConnection operator;
        private final AtomicInteger n = new AtomicInteger();

        Printer(PrintWriter out, DecisionTable table, CountDownLatch done, Upstream upstream, RedisConnection operator) {
            this.out = out;
            this.table = table;
            this.done = done;
            this.upstream = upstream;
            this.operator = operator;
        }

        void cycle(String instance, CycleRunner.Report report) {
            synchronized (out) {
                if (done.getCount() == 0) {
                    return; // stopping: a standby that takes the released lease meanwhile prints nothing more
                }
                if (!report.leading() && report.result().isPresent()) {
                    if (replicas > 1) {
                        out.printf(Locale.ROOT, "%s standby: computed %d targets, wrote nothing%n", instance, report.result().get().decisions().size());
                        out.flush();
                    }
                    return;
                }
                int k = n.incrementAndGet();
                String title = String.format(Locale.ROOT, "cycle %d  %.0f ms%s", k, report.seconds() * 1000,
                        replicas > 1 ? "  written by " + instance + " (leader)" : "");
                if (report.result().isPresent()) {
                    out.print(table.render(report.result().get(), title));
                    out.printf(Locale.ROOT, "wrote %d target hashes, %d decisions%n%n", report.written().get().targetsWritten(),
                            report.written().get().decisionsStreamed());
                } else {
                    out.printf(Locale.ROOT, "%s  FAILED: %s%n%n", title, report.failure().orElse("?"));
                }
                out.flush();
                next(k);
            }
        }

        private void next(int k) {
            if (cycles != null && k >= cycles) {
                done.countDown();
                return;
            }
            upstream.publish(k, Instant.now());
            if (k == HALT_AT) {
                out.println(haltPepe(operator, intervalSec));
                out.println();
            }
        }
    }

    /** The cycle after which the demo's operator halts PEPEUSDT, for {@link #HALT_CYCLES} intervals. */
    static final int HALT_AT = 3;
    static final int HALT_CYCLES = 8;

    /** {@code control set halt --symbol PEPEUSDT --for ...}, as the operator would type it, through the same Control. */
    private static String haltPepe(RedisConnection redis, int intervalSec) {
        Control control = new Control(redis);
        Instant now = control.serverNow();
        Instant since = Instant.ofEpochSecond(now.getEpochSecond());
        control.setScoped(List.of(new ScopedControl(ScopedControl.Scope.SYMBOL, "PEPEUSDT", ScopedControl.Action.HALT, 1,
                "demo: exchange delisting rumour", "demo-operator", Optional.of(since),
                Optional.of(since.plusSeconds((long) HALT_CYCLES * intervalSec)))));
        return String.format(Locale.ROOT, "operator: control set halt --symbol PEPEUSDT --for %ds --reason \"demo: exchange delisting"
                + " rumour\"  (its target is 0 until then, then it ramps back)", HALT_CYCLES * intervalSec);
    }

    @SuppressWarnings("try") // the socket is opened only to see whether the port is free
    private static int portOrFree(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return port;
        } catch (java.io.IOException e) {
            return EmbeddedRedis.freePort();
        }
    }

    /**
     * The simulated upstream, shaped like the live stack (DESIGN section 15): no operator cluster map and no
     * {@code quantum:cluster:stress} hash; the portfolio-clusters service's {@code quantum:portfolio:clusters}
     * (JSON arrays, as Python's {@code json.dumps} writes them) and {@code cluster_state} hashes give the clusters
     * and their stress, and an attribution per symbol gives the performance factor. A drawdown path
     * ({@link #DRAWDOWN}) that hovers around 5 % and crosses the zones, so the table shows the zone in force held by
     * the hysteresis; stress and performance that drift, a regime that rotates every 8 cycles, the memes cluster's
     * state stuck for cycles 10-17 (its members fall through to UNKNOWN), DOGE's budget stale for cycles 20-25,
     * and a lingering {@code cluster_3} whose state stopped long ago (LINK keeps its budget's {@code oracles}).
     */
    static final class Upstream implements AutoCloseable {
        private final Jedis jedis;
        private final Random random = new Random(7);
        /** Discovered cluster -> its stress; members from {@link #UNIVERSE}'s names. */
        private final Map<String, double[]> clusters = new java.util.LinkedHashMap<>();
        private final Map<String, String> idOf = Map.of("majors", "cluster_0", "l1", "cluster_1", "memes", "cluster_2");
        private final Map<String, Double> performance = new HashMap<>();
        /**
         * The drawdown per cycle: up to 5 %, then 4.9 % / 5.1 % alternating for 12 cycles (MID from the first
         * crossing, held: 4.9 % is not below 5 % - 0.5 %), into HIGH and back out (HIGH held until 14.5 % has
         * stood for the dwell), down to 4 % (MID held for the dwell, then LOW).
         */
        static final double[] DRAWDOWN = {
                0.020, 0.030, 0.040, 0.046,
                0.051, 0.049, 0.051, 0.049, 0.051, 0.049, 0.051, 0.049, 0.051, 0.049, 0.051, 0.049,
                0.080, 0.120, 0.155, 0.170, 0.149, 0.130, 0.110, 0.090, 0.070, 0.060,
                0.040, 0.040, 0.040, 0.040, 0.040, 0.040, 0.030, 0.020};

        Upstream(String host, int port, Instant now) {
            this.jedis = new Jedis(new redis.clients.jedis.HostAndPort(host, port),
                    redis.clients.jedis.DefaultJedisClientConfig.builder().serverDefaultProtocol().socketTimeoutMillis(2000).build());
            clusters.put("cluster_0", new double[] {0.15});
            clusters.put("cluster_1", new double[] {0.35});
            clusters.put("cluster_2", new double[] {0.6});
            Map<String, String> discovered = new HashMap<>();
            for (String id : clusters.keySet()) {
                List<String> members = new ArrayList<>();
                for (String[] s : UNIVERSE) {
                    if (id.equals(idOf.get(s[1]))) {
                        members.add('"' + s[0] + '"');
                    }
                }
                discovered.put(id, "[" + String.join(", ", members) + "]");
            }
            discovered.put("cluster_3", "[\"LINKUSDT\"]"); // a cluster of an earlier clustering: never deleted
            jedis.hset(Keys.DISCOVERED_CLUSTERS, discovered);
            jedis.hset(Keys.clusterState("cluster_3"), InputHashes.clusterState("0.9000", Long.toString(now.getEpochSecond() - 86_400)));
            for (String[] s : UNIVERSE) {
                performance.put(s[0], 1.0);
            }
        }

        void publish(int cycle, Instant now) {
            long ts = now.getEpochSecond();
            String t = Long.toString(ts);
            double drawdown = DRAWDOWN[cycle % DRAWDOWN.length];
            jedis.hset(Keys.PORTFOLIO, InputHashes.portfolio(fmt(1_000_000 + 20_000 * Math.sin(cycle / 5.0)), fmt(drawdown), t));
            for (String[] s : UNIVERSE) {
                boolean stale = s[0].equals("DOGEUSDT") && cycle >= 20 && cycle < 26;
                long budgetTs = stale ? ts - 120 : ts;
                jedis.hset(Keys.budget(s[0]), s[1].equals("oracles") ? InputHashes.budget(s[2], Long.toString(budgetTs), "oracles")
                        : InputHashes.budget(s[2], Long.toString(budgetTs)));
                double perf = clamp(performance.get(s[0]) + random.nextGaussian() * 0.03, 0.6, 1.1);
                performance.put(s[0], perf);
                jedis.hset(Keys.attribution(s[0]), InputHashes.attribution(fmt(perf), t));
            }
            clusters.forEach((id, stress) -> {
                stress[0] = clamp(stress[0] + random.nextGaussian() * 0.05, 0, 1);
                boolean stuck = id.equals("cluster_2") && cycle >= 10 && cycle < 18;
                jedis.hset(Keys.clusterState(id), InputHashes.clusterState(fmt(stress[0]), Long.toString(stuck ? ts - 90 : ts)));
            });
            jedis.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, InputHashes.regime(REGIMES[(cycle / 8) % 3],
                    fmt(0.55 + 0.4 * random.nextDouble()), t));
            jedis.xtrim(Keys.REGIME_STREAM, 100, true);
        }

        private static double clamp(double v, double lo, double hi) {
            return Math.max(lo, Math.min(hi, v));
        }

        private static String fmt(double v) {
            return String.format(Locale.ROOT, "%.4f", v);
        }

        @Override
        public void close() {
            jedis.close();
        }
    }
}
