package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.Jedis;

/**
 * Gate 0's cost per decision, the cached gate beside the uncached one (the previous release's path) in one run, against
 * the Redis server of {@code -Dgate.redis} (default {@code redis://127.0.0.1:6399}), which must be running: {@code symbols}
 * targets and budgets are written there first (keys {@code quantum:*:BENCH*}). Sample-time mode gives p50 and p99;
 * {@code -t 1|4|16} the threads. Commands in docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GateBenchmark {

    @Param({"1000"})
    int symbols;

    String[] names;
    GovernorGate cached;
    GovernorGate uncached;
    RedisConnection plain;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        String url = System.getProperty("gate.redis", "redis://127.0.0.1:6399");
        names = seed(url, symbols);
        cached = GovernorGate.open(url, Duration.ofSeconds(300));
        plain = new RedisConnection(RedisEndpoint.fromUrl(url, Duration.ofMillis(500), Duration.ofMillis(250)));
        uncached = new GovernorGate(plain, Duration.ofSeconds(300));
        cached.decideAll(java.util.List.of(names)); // warm: every symbol read once
    }

    /** Writes {@code symbols} fresh enforce targets and budgets; returns their names. */
    static String[] seed(String url, int symbols) {
        RedisEndpoint e = RedisEndpoint.fromUrl(url, Duration.ofSeconds(1), Duration.ofSeconds(5));
        String[] names = new String[symbols];
        try (Jedis j = new Jedis(e.host(), e.port())) {
            j.select(e.database());
            String ts = j.time().get(0);
            var p = j.pipelined();
            for (int i = 0; i < symbols; i++) {
                names[i] = "BENCH" + i + "USDT";
                p.hset("quantum:allocation:target:" + names[i], java.util.Map.of("target_usd", Integer.toString(1000 + i),
                        "mode", "enforce", "timestamp", ts, "cap", "none", "cluster_id", "C" + (i % 50), "confidence", "0.9"));
                p.expire("quantum:allocation:target:" + names[i], 300);
                p.hset("quantum:portfolio:budget:" + names[i], java.util.Map.of("budget_usd", "5000", "timestamp", ts));
            }
            p.sync();
        }
        return names;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cached.close();
        plain.close();
    }

    @Benchmark
    public GovernorGate.Verdict cachedDecide() {
        return cached.decide(names[ThreadLocalRandom.current().nextInt(names.length)]);
    }

    @Benchmark
    public GovernorGate.Verdict uncachedDecide() {
        return uncached.decide(names[ThreadLocalRandom.current().nextInt(names.length)]);
    }
}
