package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.redis.read.InputReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.cycle.RateLimitedLog;
import com.quantumtrader.allocation.runner.metrics.Metrics;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.Lease;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import com.quantumtrader.allocation.redis.TestRedis;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Each distinct Redis failure cause reaches the log the first time it appears, even inside the
 * suppression window of another cause: real servers refusing, read-only (a replica), out of
 * memory, asking for a password, and paused past the socket timeout.
 */
class RedisFailureLogIT {

    private final Logger logger = (Logger) LoggerFactory.getLogger("RedisFailureLogIT");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    /** The clock never moves: every cycle falls in one 60 s suppression window. */
    private final RateLimitedLog warnings = new RateLimitedLog(logger, 60_000_000_000L, () -> 0L);
    private final Metrics metrics = new Metrics(new PrometheusRegistry());

    private static RedisEndpoint endpoint(int port, Duration socketTimeout) {
        return new RedisEndpoint("127.0.0.1", port, 0, Optional.empty(), Optional.empty(), false, Duration.ofSeconds(1), socketTimeout);
    }

    /** Two enforce cycles against {@code endpoint}; both must fail. */
    private void twoFailedCycles(RedisEndpoint endpoint) {
        try (RedisConnection redis = new RedisConnection(endpoint)) {
            CycleRunner runner = new CycleRunner(new Lease(redis, "failure-log", Duration.ofSeconds(60)), "failure-log", Harness.reader(redis), new OutputWriter(redis, 300, 1000), Policy.DEFAULTS,
                    Mode.ENFORCE, metrics, warnings);
            for (int i = 0; i < 2; i++) {
                CycleRunner.Report r = runner.run(Instant.now());
                assertTrue(r.failure().isPresent(), "cycle against " + endpoint + " fails");
            }
        }
    }

    private List<String> causes() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            if (e.getFormattedMessage().startsWith("Allocation cycle failed")) {
                String cause = e.getKeyValuePairs().stream().filter(kv -> kv.key.equals("redis_cause")).map(kv -> kv.value.toString())
                        .findFirst().orElse("(none)");
                assertTrue(e.getFormattedMessage().endsWith("(cause: " + cause + ")"), e.getFormattedMessage());
                // Redis unreachable or refusing the login: ERROR; one command refused (readonly, oom): WARN
                Level expected = List.of("connection_refused", "timeout", "connection_closed", "auth").contains(cause) ? Level.ERROR : Level.WARN;
                assertEquals(expected, e.getLevel(), e.getFormattedMessage());
                out.add(cause);
            }
        }
        return out;
    }

    @Test
    void warn_eachDistinctCause_loggedOnceWhenFirstSeenInsideOneWindow() throws Exception {
        logs.start();
        logger.addAppender(logs);
        TestRedis.Embedded primary = TestRedis.Embedded.start(TestRedis.freePort());
        TestRedis.Embedded replica = null;
        try {
            try (Jedis j = new Jedis("127.0.0.1", primary.port(), 2000)) {
                ServiceIT.seed(j, "BTCUSDT");
            }
            twoFailedCycles(endpoint(TestRedis.freePort(), Duration.ofSeconds(1)));

            replica = TestRedis.Embedded.start(TestRedis.freePort(), "replicaof 127.0.0.1 " + primary.port());
            int replicaPort = replica.port();
            ServiceIT.await("the replica in sync", Duration.ofSeconds(20), () -> {
                try (Jedis j = new Jedis("127.0.0.1", replicaPort, 2000)) {
                    return j.exists("quantum:state:portfolio");
                }
            });
            twoFailedCycles(endpoint(replicaPort, Duration.ofSeconds(1)));

            try (Jedis j = new Jedis("127.0.0.1", primary.port(), 2000)) {
                j.configSet("maxmemory-policy", "noeviction");
                j.configSet("maxmemory", "1");
            }
            twoFailedCycles(endpoint(primary.port(), Duration.ofSeconds(1)));

            try (Jedis j = new Jedis("127.0.0.1", primary.port(), 2000)) {
                j.configSet("maxmemory", "0");
                j.configSet("requirepass", "s3cret-for-this-test");
            }
            twoFailedCycles(endpoint(primary.port(), Duration.ofSeconds(1)));

            try (Jedis j = new Jedis("127.0.0.1", primary.port(), 2000)) {
                j.auth("s3cret-for-this-test");
                j.configSet("requirepass", "");
                j.clientPause(2000);
            }
            twoFailedCycles(endpoint(primary.port(), Duration.ofMillis(300)));
        } finally {
            logger.detachAppender(logs);
            if (replica != null) {
                replica.stop();
            }
            primary.stop();
        }
        assertEquals(List.of("connection_refused", "readonly", "oom", "auth", "timeout"), causes(),
                "one line per cause, the second cycle of each suppressed");
        assertEquals(10.0, MetricsScrape.sum(metrics.registry, "p29_redis_errors_total"));
        assertEquals(2.0, MetricsScrape.sample(metrics.registry, "p29_redis_errors_total", new String[] {"cause"}, new String[] {"oom"}),
                "the cause on the counter: a Redis at maxmemory under noeviction is told apart");
        assertEquals(0.0, MetricsScrape.sample(metrics.registry, "p29_redis_up"), "the last cycles timed out: Redis is down for the service");
    }
}
