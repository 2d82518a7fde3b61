package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.Heap;
import com.quantumtrader.allocation.runner.config.ConfigException;
import com.quantumtrader.allocation.runner.config.Variable;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.runner.cycle.RateLimitedLog;
import com.quantumtrader.allocation.runner.metrics.Metrics;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.Lease;
import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.TlsTrust;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Config} builds: the Redis connection and the parts of a cycle. The service, {@code once}, the
 * operator commands and the bench all build them here, so the bench measures the service's own wiring and
 * {@link Config} stays a value (it parses and checks, it opens nothing).
 */
public final class Wiring {
    private Wiring() {
    }

    /** A connection to the configured Redis (TLS trust from {@code REDIS_TLS_CA_FILE} when set); it opens lazily. */
    public static RedisConnection connect(Config config) {
        try {
            return new RedisConnection(config.connection().deployment(), config.connection().tlsCaFile().map(TlsTrust::fromPemFile).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(Variable.REDIS_TLS_CA_FILE + ": " + e.getMessage());
        }
    }

    /** The writer of the configuration's targets, decisions and cycle entries. */
    public static OutputWriter writer(Config config, RedisConnection connection) {
        return new OutputWriter(connection, config.writes().targetTtlSec(), config.writes().decisionStreamMaxLen(), config.policy(), config.writes().minChangePct(),
                Duration.ofSeconds(config.writes().targetRefreshSec()), config.writes().cycleStreamMaxLen());
    }

    /** The writer's lease, under the configuration's instance id. */
    public static Lease lease(Config config, RedisConnection connection) {
        return new Lease(connection, config.service().instanceId(), Duration.ofSeconds(config.leadership().leaseSec()));
    }

    /** The reader of the inputs, with the static cluster map read now and the heap's symbol capacity. */
    public static InputReader reader(Config config, RedisConnection connection) {
        Config.Reads reads = config.reads();
        return new InputReader(connection, config.staticClusterMap(), reads.maxSymbols(), reads.incremental()
                ? java.util.Optional.of(new InputReader.Incremental(Duration.ofSeconds(reads.fullReadSec()),
                        config.connection().deployment().socketTimeout(), Heap.ofThisJvm().cacheCapacity()))
                : java.util.Optional.empty());
    }

    /** The cycle of {@code run} (and of the bench): lease, read, rules, transition, write. */
    public static CycleRunner cycleRunner(Config config, RedisConnection connection, Metrics metrics, Clock clock) {
        return new CycleRunner(lease(config, connection), config.service().instanceId(), reader(config, connection), writer(config, connection),
                config.policy(), config.service().mode(), metrics,
                new RateLimitedLog(LoggerFactory.getLogger(CycleRunner.class), Duration.ofSeconds(60).toNanos(), System::nanoTime),
                duty(config), clock);
    }

    /** What this runner owes the others: when to yield the lease, how far its clock may stray. */
    static CycleRunner.Duty duty(Config config) {
        return new CycleRunner.Duty(config.service().interval(), config.leadership().yieldAfterCycles(), config.leadership().maxClockOffsetSec(), config.logs().targets());
    }

    /**
     * The controls in force for a one-off command, as in run, failing closed as in run: a control that cannot be read
     * leaves the one the writer last held (the state hash) in force (DESIGN section 25); each one unreadable is told on
     * {@code err}.
     */
    static com.quantumtrader.allocation.core.CycleStep.Controls controlsInForce(Config config, RedisConnection redis,
            com.quantumtrader.allocation.redis.read.ReadResult read, java.io.PrintWriter err) {
        var state = new com.quantumtrader.allocation.redis.Control(redis).lastWrite();
        var applied = state.toOptional().map(com.quantumtrader.allocation.redis.wire.StateHash::held)
                .orElse(com.quantumtrader.allocation.redis.wire.HeldControls.NONE).apply(read.control(), read.scoped(), config.service().mode());
        applied.unreadable().forEach((key, what) -> err.println("control " + key + " cannot be read: " + what));
        return new com.quantumtrader.allocation.core.CycleStep.Controls(applied.mode(), applied.controls());
    }
}
