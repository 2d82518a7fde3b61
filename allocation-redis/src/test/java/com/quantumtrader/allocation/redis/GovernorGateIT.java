package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.Keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class GovernorGateIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);

    private final TestRedis redis = TestRedis.shared();
    private Jedis jedis;
    private RedisConnection connection;
    private GovernorGate gate;

    @BeforeEach
    void setUp() {
        redis.flush();
        jedis = redis.client();
        connection = new RedisConnection(redis.endpoint());
        gate = new GovernorGate(connection, Duration.ofSeconds(300));
        Seed.budget(jedis, "BTCUSDT", "30000", NOW);
    }

    @AfterEach
    void tearDown() {
        connection.close();
        jedis.close();
    }

    private void target(String usd, String mode, String timestamp) {
        jedis.hset(Keys.target("BTCUSDT"), Map.of("target_usd", usd, "mode", mode, "timestamp", timestamp));
    }

    @Test
    void decide_freshEnforceTarget_usesTarget() {
        target("12548.78", "enforce", "1767225595");
        assertEquals(new GovernorGate.Verdict("BTCUSDT", GovernorGate.Source.ALLOCATION_TARGET, OptionalDouble.of(12548.78), "used"),
                gate.decide("BTCUSDT", NOW));
    }

    @Test
    void decide_targetExactlyTtlOld_stillUsed_oneSecondMore_budget() {
        target("1", "enforce", "1767225300");
        assertEquals(GovernorGate.Source.ALLOCATION_TARGET, gate.decide("BTCUSDT", NOW).source());
        target("1", "enforce", "1767225299");
        assertEquals(new GovernorGate.Verdict("BTCUSDT", GovernorGate.Source.BUDGET_ENGINE, OptionalDouble.of(30000),
                "target is 301 s old, over 300 s"), gate.decide("BTCUSDT", NOW));
    }

    @Test
    void decide_shadowTarget_fallsBackToBudget() {
        target("1", "shadow", "1767225595");
        assertEquals(new GovernorGate.Verdict("BTCUSDT", GovernorGate.Source.BUDGET_ENGINE, OptionalDouble.of(30000),
                "target mode is shadow, not enforce"), gate.decide("BTCUSDT", NOW));
    }

    @Test
    void decide_noTarget_fallsBackToBudget() {
        assertEquals(new GovernorGate.Verdict("BTCUSDT", GovernorGate.Source.BUDGET_ENGINE, OptionalDouble.of(30000), "no target"),
                gate.decide("BTCUSDT", NOW));
    }

    @Test
    void decide_garbageTarget_fallsBackWithReason() {
        target("nan", "enforce", "1767225595");
        assertEquals("target_usd 'nan' is not a finite number >= 0", gate.decide("BTCUSDT", NOW).reason());
        target("5", "enforce", "1767225595.5");
        assertEquals("target timestamp '1767225595.5' is not integer epoch seconds", gate.decide("BTCUSDT", NOW).reason());
        jedis.del(Keys.target("BTCUSDT"));
        jedis.set(Keys.target("BTCUSDT"), "x");
        assertEquals(GovernorGate.Source.BUDGET_ENGINE, gate.decide("BTCUSDT", NOW).source());
    }

    @Test
    void decide_neitherUsable_none() {
        jedis.del(Keys.budget("BTCUSDT"));
        assertEquals(new GovernorGate.Verdict("BTCUSDT", GovernorGate.Source.NONE, OptionalDouble.empty(),
                "no target; no usable budget_usd either"), gate.decide("BTCUSDT", NOW));
    }
}
