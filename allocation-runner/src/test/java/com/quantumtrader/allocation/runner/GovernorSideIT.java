package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.GovernorGate;
import com.quantumtrader.allocation.redis.GovernorGate.Source;
import com.quantumtrader.allocation.redis.GovernorGate.Verdict;
import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The Governor's side of the service (DESIGN section 23): the cached gate beside a runner that writes, reduces, halts
 * and retracts its targets, mode by mode. After each cycle the gate's answer for every symbol must become what Redis
 * holds (an uncached gate's answer, one round trip each) and must be what that mode promises the Governor.
 */
class GovernorSideIT {

    static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");
    static final Duration TTL = Duration.ofSeconds(300);

    private final TestRedis redis = TestRedis.shared();

    @BeforeEach
    void setUp() {
        redis.flush();
    }

    /** Fresh inputs at Redis's now: equity 100,000, drawdown 0, each symbol's budget {@code usd}. */
    private static void seed(Jedis j, String usd) {
        String ts = j.time().get(0);
        j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", "0.0", ts));
        for (String s : SYMBOLS) {
            j.hset(Keys.budget(s), InputHashes.budget(usd, ts));
        }
    }

    private static void control(Jedis j, Mode mode) {
        j.hset(Keys.CONTROL, Map.of("mode", mode.wireName(), "reason", "GovernorSideIT", "by", "it", "ts", j.time().get(0)));
    }

    /** One cycle at Redis's now; then every symbol's cached answer becomes the uncached one and passes {@code expected}. */
    private static List<Verdict> cycle(Harness h, Jedis j, GovernorGate cached, GovernorGate truth, Predicate<Verdict> expected)
            throws Exception {
        assertTrue(h.runner.run(Instant.ofEpochSecond(Long.parseLong(j.time().get(0)))).computed());
        for (String s : SYMBOLS) {
            Verdict held = truth.decide(s);
            assertTrue(expected.test(held), "what Redis holds: " + held);
            ServiceIT.await("the cached gate answering " + held, Duration.ofSeconds(2), () -> same(cached.decide(s), held));
            long hits = cached.hits();
            assertTrue(same(cached.decide(s), held));
            assertEquals(hits + 1, cached.hits(), "asked again with nothing changed: answered from the cache");
        }
        return truth.decideAll(SYMBOLS);
    }

    /** The same answer, up to the target's age (the two decisions may fall in different seconds). */
    private static boolean same(Verdict a, Verdict b) {
        return a.source() == b.source() && a.usd().equals(b.usd()) && a.cap().equals(b.cap()) && a.clusterId().equals(b.clusterId())
                && a.confidence().equals(b.confidence());
    }

    @Test
    void gate_runnerThroughEnforceReduceHaltShadowEnforce_followsWhatRedisHolds() throws Exception {
        try (Jedis j = redis.client();
             Harness h = new Harness(new RedisConnection(redis.endpoint()), Mode.ENFORCE);
             RedisConnection plain = new RedisConnection(redis.endpoint());
             GovernorGate cached = GovernorGate.open(redis.url(), TTL)) {
            GovernorGate truth = new GovernorGate(plain, TTL);
            seed(j, "10000");
            List<Verdict> enforce = cycle(h, j, cached, truth, v -> v.source() == Source.ALLOCATION_TARGET);
            assertEquals(10000, enforce.get(0).usd().getAsDouble(), 1e-9, "each target is its budget here");
            assertTrue(cached.caching());

            seed(j, "20000"); // budgets rise; reduce holds every target at most at its written value
            control(j, Mode.REDUCE);
            cycle(h, j, cached, truth, v -> v.source() == Source.ALLOCATION_TARGET && v.usd().getAsDouble() <= 10000);

            control(j, Mode.HALT);
            cycle(h, j, cached, truth, v -> v.source() == Source.ALLOCATION_TARGET && v.usd().getAsDouble() == 0
                    && v.cap().equals(java.util.Optional.of(CapKind.HALT)));

            control(j, Mode.SHADOW); // leaving a writing mode for shadow retracts every target: the budget engine's again
            cycle(h, j, cached, truth, v -> v.source() == Source.BUDGET_ENGINE && v.reason().equals("no target")
                    && v.usd().getAsDouble() == 20000);

            j.del(Keys.CONTROL); // P29_MODE enforce again
            cycle(h, j, cached, truth, v -> v.source() == Source.ALLOCATION_TARGET && Math.abs(v.usd().getAsDouble() - 20000) < 0.01);
        }
    }
}
