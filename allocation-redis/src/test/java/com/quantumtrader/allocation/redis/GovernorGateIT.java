package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.wire.Keys;

import com.quantumtrader.allocation.core.CapKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
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
        assertEquals(aged(GovernorGate.Source.ALLOCATION_TARGET, OptionalDouble.of(12548.78), "used", 5), gate.decide("BTCUSDT", NOW));
    }

    @Test
    void decide_targetExactlyTtlOld_stillUsed_oneSecondMore_budget() {
        target("1", "enforce", "1767225300");
        assertEquals(GovernorGate.Source.ALLOCATION_TARGET, gate.decide("BTCUSDT", NOW).source());
        target("1", "enforce", "1767225299");
        assertEquals(aged(GovernorGate.Source.BUDGET_ENGINE, OptionalDouble.of(30000), "target is 301 s old, over 300 s", 301),
                gate.decide("BTCUSDT", NOW));
    }

    @Test
    void decide_shadowTarget_fallsBackToBudget() {
        target("1", "shadow", "1767225595");
        assertEquals(aged(GovernorGate.Source.BUDGET_ENGINE, OptionalDouble.of(30000), "target mode is shadow, not enforce", 5),
                gate.decide("BTCUSDT", NOW));
    }

    /** A verdict whose target hash holds only target_usd, mode and timestamp ({@code age} s old). */
    private static GovernorGate.Verdict aged(GovernorGate.Source source, OptionalDouble usd, String reason, long age) {
        return new GovernorGate.Verdict("BTCUSDT", source, usd, reason, Optional.empty(), Optional.empty(), OptionalDouble.empty(),
                OptionalLong.of(age));
    }

    @Test
    void decide_wholeTargetHash_carriesCapClusterConfidenceAndAge() {
        jedis.hset(Keys.target("BTCUSDT"), Map.of("target_usd", "9600", "mode", "enforce", "timestamp", "1767225590",
                "cap", "cluster", "cluster_id", "majors", "confidence", "0.85"));
        assertEquals(new GovernorGate.Verdict("BTCUSDT", GovernorGate.Source.ALLOCATION_TARGET, OptionalDouble.of(9600), "used",
                Optional.of(CapKind.CLUSTER), Optional.of("majors"), OptionalDouble.of(0.85), OptionalLong.of(10)), gate.decide("BTCUSDT", NOW));
        jedis.hset(Keys.target("BTCUSDT"), Map.of("cap", "sideways", "cluster_id", "bad name", "confidence", "1.5", "mode", "halt"));
        assertEquals(aged(GovernorGate.Source.BUDGET_ENGINE, OptionalDouble.of(30000), "target mode is halt, not enforce", 10),
                gate.decide("BTCUSDT", NOW)); // invalid fields are absent, not passed on
    }

    @Test
    void decide_withoutNow_judgesAgeOnRedisClock() {
        long redisNow = Long.parseLong(jedis.time().get(0));
        target("100", "enforce", Long.toString(redisNow - 299));
        GovernorGate.Verdict v = gate.decide("BTCUSDT");
        assertEquals(GovernorGate.Source.ALLOCATION_TARGET, v.source());
        assertTrue(v.ageSeconds().getAsLong() >= 299 && v.ageSeconds().getAsLong() <= 300, v.toString());
        target("100", "enforce", Long.toString(redisNow - 302));
        assertEquals(GovernorGate.Source.BUDGET_ENGINE, gate.decide("BTCUSDT").source());
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
