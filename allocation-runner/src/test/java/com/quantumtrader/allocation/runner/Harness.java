package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.cycle.RateLimitedLog;
import com.quantumtrader.allocation.runner.metrics.Metrics;
import com.quantumtrader.allocation.redis.read.InputReader;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.Lease;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/** A CycleRunner wired like the service's, with a settable clock for the rate limiter and captured log lines. */
final class Harness implements AutoCloseable {
    final RedisConnection redis;
    final Metrics metrics = new Metrics(new PrometheusRegistry());
    final AtomicLong nanos = new AtomicLong();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final CycleRunner runner;
    private final Logger logger = (Logger) LoggerFactory.getLogger(CycleRunner.class);

    Harness(RedisConnection redis, Mode mode) {
        this(redis, mode, Policy.DEFAULTS);
    }

    Harness(RedisConnection redis, Mode mode, Policy policy) {
        this(redis, mode, policy, Duration.ofSeconds(30));
    }

    /** @param refresh {@code P29_TARGET_REFRESH_SEC} of the writer ({@code P29_MIN_CHANGE_PCT} 0.001) */
    Harness(RedisConnection redis, Mode mode, Policy policy, Duration refresh) {
        this.redis = redis;
        logs.start();
        logger.addAppender(logs);
        runner = new CycleRunner(new Lease(redis, "harness", Duration.ofSeconds(60)), "harness", reader(redis),
                new OutputWriter(redis, 300, 100_000, policy, 0.001, refresh, 50_000), policy, mode, metrics,
                new RateLimitedLog(logger, 60_000_000_000L, nanos::get));
    }

    /**
     * A reader of the service's kind: incremental reads on (the default), or off when the test run's environment says
     * {@code P29_INCREMENTAL=false}: the suite runs both ways.
     */
    static InputReader reader(RedisConnection redis) {
        return new InputReader(redis, Map.of(), Integer.MAX_VALUE, "false".equalsIgnoreCase(System.getenv("P29_INCREMENTAL"))
                ? java.util.Optional.empty() : java.util.Optional.of(new InputReader.Incremental(Duration.ofSeconds(60), Duration.ofSeconds(2))));
    }

    long warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN).count();
    }

    double sample(String name, String[] labels, String[] values) {
        Double v = MetricsScrape.sample(metrics.registry, name, labels, values);
        return v == null ? 0 : v;
    }

    @Override
    public void close() {
        logger.detachAppender(logs);
        redis.close();
    }
}
