package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.cli.Service;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.TestRedis;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/** The service's loop against a real Redis, observed through its cycle reports, metrics and HTTP endpoints. */
class ServiceIT {

    private final TestRedis redis = TestRedis.shared();
    private final List<CycleRunner.Report> reports = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    static Map<String, String> env(String url, String mode) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", url);
        env.put("P29_MODE", mode);
        if (System.getenv("P29_INCREMENTAL") != null) {
            env.put("P29_INCREMENTAL", System.getenv("P29_INCREMENTAL")); // the suite runs with incremental reads on and off
        }
        env.put("P29_INTERVAL_SEC", "1");
        env.put("P29_METRICS_PORT", "0");
        env.put("P29_METRICS_BIND", "127.0.0.1");
        env.put("TARGET_TTL_SEC", "30");
        env.put("REDIS_TIMEOUT_MS", "300");
        return env;
    }

    static void seed(Jedis j, String... symbols) {
        String ts = Long.toString(Instant.now().getEpochSecond());
        j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", "0.07", ts));
        for (String s : symbols) {
            j.hset(Keys.budget(s), InputHashes.budget("10000", ts));
            j.hset(Keys.CLUSTER_MAP, s, "c-" + s);
            j.hset(Keys.stress("c-" + s), InputHashes.stress("0.2", "0.5", ts));
        }
        j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", "TREND", "confidence", "0.8", "timestamp", ts));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    static Double sample(PrometheusRegistry r, String name, String label, String value) {
        return MetricsScrape.sample(r, name, new String[] {label}, new String[] {value});
    }

    private long computed() {
        return reports.stream().filter(CycleRunner.Report::computed).count();
    }

    @Test
    void run_enforce_writesTargetsCountsMetricsAndDropsSeriesOfVanishedSymbols() throws Exception {
        try (Jedis j = redis.client()) {
            seed(j, "BTCUSDT", "ETHUSDT");
            try (Service service = new Service(Config.fromEnv(env(redis.url(), "enforce")), Clock.systemUTC(), reports::add)) {
                service.start();
                await("a computed cycle", Duration.ofSeconds(10), () -> computed() >= 1);
                PrometheusRegistry reg = service.metrics().registry;

                assertEquals(10_000 * 1.2 * 0.8 * 0.7 * 0.6224593312018546, Double.parseDouble(j.hget(Keys.target("BTCUSDT"), "target_usd")), 1e-6);
                assertTrue(j.ttl(Keys.target("BTCUSDT")) > 0);
                assertTrue(sample(reg, "p29_targets_computed_total", "symbol", "BTCUSDT") >= 1);
                assertTrue(sample(reg, "p29_enforce_overrides_total", "symbol", "ETHUSDT") >= 1);
                assertEquals(0.95, sample(reg, "p29_allocation_confidence", "symbol", "BTCUSDT"), 1e-9);
                assertEquals(1.2, MetricsScrape.sample(reg, "p29_regime_factor"), 0.0);
                assertEquals(0.7, MetricsScrape.sample(reg, "p29_drawdown_factor"), 0.0);
                assertEquals(0.8, sample(reg, "p29_cluster_factor", "cluster", "c-BTCUSDT"), 1e-12);
                assertEquals(2.0, MetricsScrape.sample(reg, "p29_symbols"), 0.0);
                assertTrue(service.ready());
                assertEquals(200, MetricsScrape.get(service.metricsPort(), "/readyz").statusCode());
                assertTrue(MetricsScrape.get(service.metricsPort(), "/metrics").body().contains("jvm_memory_used_bytes"));

                j.del(Keys.budget("ETHUSDT"));
                long before = computed();
                await("two more cycles", Duration.ofSeconds(10), () -> computed() >= before + 2);
                assertNull(sample(reg, "p29_targets_computed_total", "symbol", "ETHUSDT"), "series of a vanished symbol removed");
                assertNull(sample(reg, "p29_target_usd", "symbol", "ETHUSDT"));
                assertNull(sample(reg, "p29_cluster_factor", "cluster", "c-ETHUSDT"));
                assertEquals(1.0, MetricsScrape.sample(reg, "p29_symbols"), 0.0);
            }
        }
    }

    /**
     * Every metric the Grafana dashboard and the alert rules name is one the service registers (on the 1.x client the JVM's
     * are {@code jvm_memory_used_bytes} and the like: a name left from simpleclient would be a panel with no data).
     */
    @Test
    void dashboardAndAlerts_everyMetricTheyName_isRegisteredByTheService() throws Exception {
        java.util.Set<String> named = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(?:p29|jvm|process)_[a-z_]+")
                .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("..", "deploy", "grafana", "capital-allocation.json"))
                        + java.nio.file.Files.readString(java.nio.file.Path.of("..", "deploy", "prometheus", "alerts.yml")));
        while (m.find()) {
            named.add(m.group());
        }
        try (Jedis j = redis.client()) {
            seed(j, "BTCUSDT");
            try (Service service = new Service(Config.fromEnv(env(redis.url(), "enforce")), Clock.systemUTC(), reports::add)) {
                java.util.Set<String> registered = new java.util.TreeSet<>();
                for (var snapshot : service.metrics().registry.scrape()) {
                    String name = snapshot.getMetadata().getPrometheusName();
                    for (String suffix : new String[] {"", "_total", "_bucket", "_count", "_sum", "_info"}) {
                        registered.add(name + suffix);
                    }
                }
                java.util.Set<String> missing = new java.util.TreeSet<>(named);
                missing.removeAll(registered);
                assertEquals(java.util.Set.of(), missing, "named by the dashboard or the alerts, not registered");
                assertTrue(named.size() >= 30, "the dashboard and the alerts name " + named);
            }
        }
    }

    @Test
    void run_shadow_streamsDecisionsWritesNoTarget() throws Exception {
        try (Jedis j = redis.client()) {
            seed(j, "BTCUSDT");
            try (Service service = new Service(Config.fromEnv(env(redis.url(), "shadow")), Clock.systemUTC(), reports::add)) {
                service.start();
                await("a computed cycle", Duration.ofSeconds(10), () -> computed() >= 1);
                assertTrue(MetricsScrape.sample(service.metrics().registry, "p29_shadow_pass_total") >= 1);
            }
            assertFalse(j.exists(Keys.target("BTCUSDT")));
            assertTrue(j.xlen(Keys.DECISION_STREAM) >= 1);
            assertEquals("shadow", j.xrevrange(Keys.DECISION_STREAM, "+", "-", 1).get(0).getFields().get("mode"));
        }
    }

    @Test
    void run_redisKilledAndRestarted_countsFailuresTurnsNotReadyThenRecoversWithoutRestart() throws Exception {
        TestRedis.Embedded own = TestRedis.Embedded.start(TestRedis.freePort());
        try {
            String url = "redis://127.0.0.1:" + own.port() + "/0";
            try (Jedis j = new Jedis("127.0.0.1", own.port(), 2000)) {
                seed(j, "BTCUSDT");
            }
            try (Service service = new Service(Config.fromEnv(env(url, "enforce")), Clock.systemUTC(), reports::add)) {
                service.start();
                PrometheusRegistry reg = service.metrics().registry;
                await("a computed cycle", Duration.ofSeconds(10), () -> computed() >= 1);

                own.stop();
                await("three failed cycles", Duration.ofSeconds(15),
                        () -> reports.stream().filter(r -> r.failure().isPresent()).count() >= 3);
                await("readyz 503", Duration.ofSeconds(10), () -> !service.ready());
                assertEquals(503, MetricsScrape.get(service.metricsPort(), "/readyz").statusCode());
                assertTrue(MetricsScrape.sum(reg, "p29_redis_errors_total") >= 3);
                assertTrue(sample(reg, "p29_cycles_total", "outcome", "failed") >= 3);
                assertTrue(reports.stream().filter(r -> r.failure().isPresent()).allMatch(r -> r.seconds() < 1.0),
                        "each failed cycle fails fast, under the 1 s interval");

                own.restart();
                try (Jedis j = new Jedis("127.0.0.1", own.port(), 2000)) {
                    seed(j, "BTCUSDT");
                }
                int failedSoFar = reports.size();
                await("readyz 200 again", Duration.ofSeconds(10), service::ready);
                assertTrue(reports.subList(failedSoFar, reports.size()).stream().anyMatch(CycleRunner.Report::computed));
                assertEquals(200, MetricsScrape.get(service.metricsPort(), "/readyz").statusCode());
            }
        } finally {
            own.stop();
        }
    }

    /** The WARN lines of {@link Service} while {@code body} runs. */
    private static List<String> serviceWarnings(Runnable body) {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Service.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            body.run();
        } finally {
            logger.detachAppender(logs);
        }
        return logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void start_redisEvictsUnderVolatileLru_warnsOnce_noevictionIsQuiet() throws Exception {
        TestRedis.Embedded evicting = TestRedis.Embedded.start(TestRedis.freePort(), "maxmemory 64mb", "maxmemory-policy volatile-lru");
        try {
            List<String> warned = serviceWarnings(() -> {
                try (Service service = new Service(Config.fromEnv(env("redis://127.0.0.1:" + evicting.port() + "/0", "shadow")),
                        Clock.systemUTC(), r -> { })) {
                    service.start();
                }
            });
            assertEquals(List.of("Redis maxmemory-policy is volatile-lru (maxmemory 67108864): when Redis is full it evicts keys, target"
                    + " hashes first under volatile-*, and the Governor silently loses its limits; set maxmemory-policy noeviction"
                    + " (docs/operations.md)"), warned);
            try (Jedis j = new Jedis("127.0.0.1", evicting.port(), 2000)) {
                j.configSet("maxmemory-policy", "noeviction");
            }
            List<String> quiet = serviceWarnings(() -> {
                try (Service service = new Service(Config.fromEnv(env("redis://127.0.0.1:" + evicting.port() + "/0", "shadow")),
                        Clock.systemUTC(), r -> { })) {
                    service.start();
                }
            });
            assertEquals(List.of(), quiet);
        } finally {
            evicting.stop();
        }
    }
}
