package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.write.WriteResult;

import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/**
 * A reader polling during 1,000-symbol enforce writes never sees two cycles at once within one
 * allocation cluster (DESIGN section 12: one fenced unit per cluster, all units in one pipeline).
 */
class TransactionIT {

    static final int SYMBOLS = 1000;
    static final int CYCLES = 30;
    static final int CLUSTERS = 10;

    private final TestRedis redis = TestRedis.shared();

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    @Test
    void write_enforce1000Symbols_concurrentReaderNeverSeesAMixedCycle() throws Exception {
        Instant start = Instant.ofEpochSecond(1_767_225_600L);
        try (Jedis seed = redis.client()) {
            Seed.portfolio(seed, "100000000", "0", start);
            for (int i = 0; i < SYMBOLS; i++) {
                Seed.budget(seed, "S" + i, "1000", start);
                seed.hset(Keys.CLUSTER_MAP, "S" + i, "k" + (i % CLUSTERS));
            }
        }
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "polling-reader"));
        AtomicBoolean writing = new AtomicBoolean(true);
        try (RedisConnection connection = new RedisConnection(redis.endpoint())) {
            CycleInputs inputs = TestRedis.reader(connection, Map.of()).read().decode();
            OutputWriter writer = new OutputWriter(connection, 300, 100_000);
            writer.write(Allocator.allocate(inputs, Policy.DEFAULTS, start), Mode.ENFORCE, "c0", fence()); // all keys exist from here on

            Future<int[]> reader = pool.submit(() -> poll(writing));
            CarryOver held = CarryOver.START;
            try (Jedis seed = redis.client()) {
                for (int c = 1; c <= CYCLES; c++) {
                    redis.clients.jedis.Pipeline budgets = seed.pipelined(); // one round trip for the 1,000 seeds, not 1,000
                    for (int i = 0; i < SYMBOLS; i++) { // every budget moves 1 %: every target changes, every cluster is a unit
                        budgets.hset(Keys.budget("S" + i), InputHashes.budget(Integer.toString(1000 + 10 * c), Long.toString(start.getEpochSecond())));
                    }
                    budgets.sync();
                    CycleResult r = Allocator.allocate(TestRedis.reader(connection, Map.of()).read().decode(), Policy.DEFAULTS, start.plusSeconds(c));
                    WriteResult w = writer.write(r, Mode.ENFORCE, "c" + c, held, fence());
                    assertEquals(SYMBOLS, w.targetsWritten());
                    held = w.next();
                }
            }
            writing.set(false);
            int[] seen = reader.get(60, TimeUnit.SECONDS);
            assertEquals(0, seen[1], "snapshots in which one cluster mixed two cycles");
            assertTrue(seen[0] > 0, "the reader took snapshots while the writer ran");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads every target's {@code ts} atomically (one MULTI/EXEC); returns {snapshots, mixed snapshots}. */
    private int[] poll(AtomicBoolean writing) {
        int snapshots = 0;
        int mixed = 0;
        try (Jedis jedis = redis.client()) {
            while (writing.get() || snapshots == 0) {
                Transaction tx = jedis.multi();
                List<Response<String>> ts = new java.util.ArrayList<>(SYMBOLS);
                for (int i = 0; i < SYMBOLS; i++) {
                    ts.add(tx.hget(Keys.target("S" + i), "ts"));
                }
                tx.exec();
                snapshots++;
                for (int k = 0; k < CLUSTERS; k++) {
                    Set<String> distinct = new HashSet<>();
                    for (int i = k; i < SYMBOLS; i += CLUSTERS) {
                        distinct.add(ts.get(i).get());
                    }
                    if (distinct.size() != 1) {
                        mixed++;
                        break;
                    }
                }
            }
        }
        return new int[] {snapshots, mixed};
    }

    private Fence fence() {
        return redis.lead();
    }
}
