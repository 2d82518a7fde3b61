package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * DESIGN section 20: a dataset swapped under the service ({@code SWAPDB}, which sends no invalidation) is noticed in the
 * first cycle after it, by the service's own witness (the state hash holds the leader's last write, or the dataset
 * changed): the third release served the old universe from its cache for 53-56 s and wrote targets for symbols that had no
 * budget in the swapped-in database.
 */
class DatasetWitnessIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    private final TestRedis redis = TestRedis.shared();

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    @AfterEach
    void tearDown() {
        try (Jedis j = redis.client()) {
            j.flushAll(); // database 1 too
        }
    }

    private static void seed(Jedis j, String prefix, Instant at) {
        String ts = Long.toString(at.getEpochSecond());
        j.hset(Keys.PORTFOLIO, InputHashes.portfolio("1000000", "0.0", ts));
        for (int i = 0; i < 5; i++) {
            j.hset(Keys.budget(prefix + i), InputHashes.budget("10000", ts, "c" + prefix));
        }
    }

    @Test
    void run_swapdbUnderTheLeader_theFirstCycleAfterAllocatesTheSwappedInUniverse() {
        try (Jedis j = redis.client(); Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE)) {
            seed(j, "AAA", NOW);
            j.select(1);
            seed(j, "BBB", NOW);
            j.select(0);
            assertTrue(h.runner.run(NOW).computed());
            assertTrue(h.runner.run(NOW.plusSeconds(5)).computed()); // warm: incremental, the discovery reused
            j.swapDB(0, 1);
            CycleRunner.Report after = h.runner.run(NOW.plusSeconds(6));
            Set<String> allocated = after.result().orElseThrow().decisions().stream().map(Decision::symbol)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of("BBB0", "BBB1", "BBB2", "BBB3", "BBB4"), allocated, "the swapped-in universe, in the first cycle after");
            Set<String> targets = new TreeSet<>(j.keys(Keys.TARGET_PREFIX + "*"));
            assertEquals(5, targets.size(), targets.toString());
            assertTrue(targets.stream().allMatch(k -> k.contains("BBB")), "no target for a symbol without a budget here: " + targets);
            assertTrue(h.logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("Redis does not hold this runner's last write")));
        }
    }
}
