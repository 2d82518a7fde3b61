package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.report.Recorder;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.cycle.AllocationLoop;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.metrics.HttpEndpoints;
import com.quantumtrader.allocation.runner.metrics.Metrics;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service: Redis pool, the loop, and the HTTP endpoints, started and stopped together. */
public final class Service implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Service.class);

    private final Config config;
    private final RedisConnection redis;
    private final Metrics metrics;
    private final CycleRunner runner;
    private final java.util.Optional<Recorder> recorder;
    private final AllocationLoop loop;
    private final HttpEndpoints http;

    public Service(Config config, Clock clock, Consumer<CycleRunner.Report> listener) {
        this.config = config;
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        this.metrics = new Metrics(registry);
        metrics.targetRefresh(config.writes().targetRefreshSec());
        this.redis = Wiring.connect(config);
        this.runner = Wiring.cycleRunner(config, redis, metrics, clock);
        this.recorder = config.recording().dir().map(dir -> new Recorder(dir, Duration.ofSeconds(config.recording().everySec()),
                Duration.ofDays(config.recording().keepDays()), config.policy(), metrics::recordFailed));
        recorder.ifPresent(runner::recordingInto);
        this.loop = new AllocationLoop(runner, config.service().interval(), Duration.ofMillis(config.reads().minCycleGapMs()), metrics, listener);
        try {
            this.http = new HttpEndpoints(config.http().bind(), config.http().port(), metrics.exposition, loop::ready);
        } catch (IOException e) {
            redis.close();
            throw new UncheckedIOException("cannot listen on " + config.http().bind() + ":" + config.http().port() + ": " + e.getMessage(), e);
        }
    }

    public void start() {
        LOG.info("quantum-capital-allocation {} starting: instance={} mode={} interval={}s lease={}s redis={} metrics=http://{}:{}/metrics",
                BuildInfo.CURRENT, config.service().instanceId(), config.service().mode().wireName(), config.service().intervalSec(), config.leadership().leaseSec(), config.connection().deployment(),
                config.http().bind(), http.port());
        warnIfRedisEvicts();
        loop.start();
    }

    /**
     * Targets are the only keys of the service with a TTL, so under a {@code volatile-*} policy
     * they are the first keys Redis evicts when it is full, and under {@code allkeys-*} any input
     * may go: the Governor then silently falls back to the budget engine. Only
     * {@code noeviction} is safe (docs/operations.md).
     */
    private void warnIfRedisEvicts() {
        Map<String, String> memory;
        try {
            memory = redis.memoryPolicy();
        } catch (RedisFailure e) {
            if (!e.kind().unreachable()) {
                LOG.info("Could not read Redis maxmemory-policy (CONFIG GET: {}): it must be noeviction, see docs/operations.md",
                        e.getMessage());
            } else {
                // Not CONFIG's fault: Redis cannot be reached or refuses the login. Said once here; each cycle says it again, once a minute.
                LOG.atError().addKeyValue("redis_cause", e.kind().wireName()).log("Redis is not usable at start ({}, cause: {}): no"
                        + " cycle can compute or write until it is; the Governor loses its limits as the targets expire", e.getMessage(),
                        e.kind().wireName());
            }
            return;
        }
        if (memory.isEmpty()) {
            LOG.info("Could not read Redis maxmemory-policy (CONFIG GET answered without it: renamed or filtered): it must be"
                    + " noeviction, see docs/operations.md");
            return;
        }
        String policy = memory.get("maxmemory-policy");
        if (!"noeviction".equals(policy)) {
            LOG.warn("Redis maxmemory-policy is {} (maxmemory {}): when Redis is full it evicts keys, target hashes first under"
                    + " volatile-*, and the Governor silently loses its limits; set maxmemory-policy noeviction (docs/operations.md)",
                    policy, memory.getOrDefault("maxmemory", "?"));
        }
    }

    public int metricsPort() {
        return http.port();
    }

    public Metrics metrics() {
        return metrics;
    }

    public boolean ready() {
        return loop.ready();
    }

    /** Stops the loop after the cycle in flight, gives up the writer's lease, then closes HTTP and the Redis pool. */
    @Override
    public void close() {
        try {
            if (!loop.stop(Duration.ofSeconds(30))) {
                LOG.warn("Allocation loop did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.release();
        runner.reader().close();
        recorder.ifPresent(Recorder::close);
        http.close();
        redis.close();
        LOG.info("quantum-capital-allocation stopped");
    }
}
