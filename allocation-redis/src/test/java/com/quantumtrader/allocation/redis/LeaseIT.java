package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.write.FencedWrite;

import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.client.Command;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.StateHash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The lease and the fence of DESIGN section 10 against a real Redis, two instances in one process. */
class LeaseIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    private final TestRedis redis = TestRedis.shared();
    private RedisConnection connection;
    private Jedis jedis;

    @BeforeEach
    void setUp() {
        redis.flush();
        connection = new RedisConnection(redis.endpoint());
        jedis = redis.client();
    }

    @AfterEach
    void tearDown() {
        jedis.close();
        connection.close();
    }

    private Lease lease(String instance, long ttlMillis) {
        return new Lease(connection, instance, Duration.ofMillis(ttlMillis));
    }

    private CycleResult cycle() {
        String ts = Long.toString(NOW.getEpochSecond());
        jedis.hset(Keys.PORTFOLIO, Map.of("equity_usd", "100000", "drawdown", "0.07", "timestamp", ts));
        jedis.hset(Keys.budget("BTCUSDT"), Map.of("budget_usd", "10000", "timestamp", ts));
        return Allocator.allocate(TestRedis.reader(connection, Map.of()).read().decode(), Policy.DEFAULTS, NOW);
    }

    @Test
    void hold_twoInstances_oneLeadsOtherStandsByNamingIt_renewKeepsTheEpoch() {
        Role a = lease("A", 10_000).hold(Role.UNKNOWN);
        Role b = lease("B", 10_000).hold(Role.UNKNOWN);
        Role.Leader leader = assertInstanceOf(Role.Leader.class, a);
        assertEquals(new Fence("A", 1), leader.fence());
        assertEquals(new Role.Standby(Optional.of("A"), 1), b);
        assertEquals(Optional.of(new Decoded.Invalid<StateHash>("absent")), leader.inherited());

        Role renewed = lease("A", 10_000).hold(a);
        assertEquals(new Role.Leader(new Fence("A", 1), Optional.empty()), renewed);
        assertEquals("1", jedis.get(Keys.EPOCH));
        long pttl = jedis.pttl(Keys.LEADER);
        assertTrue(pttl > 9_000 && pttl <= 10_000, "renewed to the full lease, was " + pttl);
    }

    /**
     * DESIGN section 25: the new leader's unit is open (its WATCH, check and MULTI and half its commands have reached
     * Redis) when the frozen ex-leader wakes and writes: the ex-leader is fenced, and the new leader's unit still lands,
     * because the ex-leader's failed check touches only its own tenure's guard. (With one guard for all, this EXEC
     * returned nil: 67 of 193 units of a real new leader were aborted that way.)
     */
    @Test
    void write_exLeaderWokenMidWriteOfTheNewLeader_fencedAndTheNewLeadersUnitLands() throws Exception {
        CycleResult r = cycle();
        OutputWriter writer = new OutputWriter(connection, 300, 1000);
        Role.Leader a = (Role.Leader) lease("A", 200).hold(Role.UNKNOWN);
        writer.write(r, Mode.ENFORCE, "a-1", a.fence());
        Thread.sleep(300); // A froze past its lease; B takes over
        Role.Leader b = (Role.Leader) lease("B", 10_000).hold(Role.UNKNOWN);
        try (RedisConnection zombieLink = new RedisConnection(redis.endpoint())) {
            OutputWriter zombie = new OutputWriter(zombieLink, 300, 1000);
            connection.call(RedisFailure.Operation.WRITE, nodes -> {
                FencedWrite unit = new FencedWrite(b.fence(), nodes);
                String value = "x".repeat(200);
                for (int i = 0; i < 500; i++) { // ~100 KB: past the client's output buffer, so WATCH ... MULTI are sent now
                    unit.add(Command.Name.HSET, "test:unit:" + i, "f", value);
                }
                sleep(200); // Redis has run B's WATCH, check and MULTI and queued the commands sent so far
                RedisFailure fenced = assertThrows(RedisFailure.class, () -> zombie.write(r, Mode.ENFORCE, "a-2", a.fence()));
                assertEquals(RedisFailure.Kind.FENCED, fenced.kind());
                for (int i = 500; i < 1000; i++) {
                    unit.add(Command.Name.HSET, "test:unit:" + i, "f", value);
                }
                unit.run(nodes); // throws when B's EXEC applied nothing
                return null;
            });
        }
        for (int i = 0; i < 1000; i += 111) {
            assertTrue(jedis.exists("test:unit:" + i), "the new leader's unit landed: test:unit:" + i);
        }
        assertFalse(jedis.exists(Keys.fenceGuard(b.fence())), "the new leader's guard was never touched");
        long ttl = jedis.pttl(Keys.fenceGuard(a.fence()));
        assertTrue(ttl > 0 && ttl <= 60_000, "the ex-leader's own guard was touched, and expires: " + ttl);
    }

    /**
     * DESIGN section 20: a flush (or a restart without persistence) takes the epoch key away; a runner that held epoch 5
     * takes 6, not 1 (the third release logged "leads at epoch 1 (no state in Redis)" and, where the old epoch was also 1,
     * did not even drop its cache).
     */
    @Test
    void hold_epochKeyGoneAfterAFlush_theNextEpochIsAboveTheHighestHeld() {
        jedis.set(Keys.EPOCH, "4");
        Lease a = lease("A", 10_000);
        Role.Leader first = (Role.Leader) a.hold(Role.UNKNOWN);
        assertEquals(5, first.fence().token());
        jedis.flushDB();
        Lease.Tenure after = a.hold(first, Optional.empty(), true, java.time.Clock.systemUTC(), first.fence().token());
        Role.Leader again = assertInstanceOf(Role.Leader.class, after.role());
        assertEquals(6, again.fence().token(), "above the epoch held before the flush");
        assertEquals("6", jedis.get(Keys.EPOCH));
        jedis.del(Keys.LEADER);
        jedis.set(Keys.EPOCH, "9"); // another runner went further meanwhile: INCR as ever
        assertEquals(10, ((Role.Leader) a.hold(again, Optional.empty(), true, java.time.Clock.systemUTC(), 6).role()).fence().token());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void write_pausedLeaderAfterTakeover_refusedWholeNothingLands_newLeaderInheritsState() throws Exception {
        CycleResult r = cycle();
        OutputWriter writer = new OutputWriter(connection, 300, 1000);
        Role.Leader a = (Role.Leader) lease("A", 200).hold(Role.UNKNOWN);
        CarryOver next = new CarryOver(Optional.of(DrawdownZone.MID), Optional.of(NOW.minusSeconds(30)), Optional.of(Mode.SHADOW),
                Optional.empty());
        writer.write(r, Mode.ENFORCE, "a-1", next, a.fence());
        assertEquals("1", jedis.xlen(Keys.DECISION_STREAM) + "");

        Thread.sleep(300); // A "pauses" past its lease; B takes over
        Role.Leader b = (Role.Leader) lease("B", 10_000).hold(Role.UNKNOWN);
        assertEquals(new Fence("B", 2), b.fence());
        StateHash inherited = b.inherited().orElseThrow().orElseThrow();
        assertEquals(new StateHash(Optional.of(DrawdownZone.MID), Optional.of(NOW.minusSeconds(30)), Optional.of(Mode.ENFORCE),
                "A", 1, NOW), inherited, "B carries on with A's zone, relax timer and the mode A wrote in");

        jedis.del(Keys.target("BTCUSDT"));
        RedisFailure e = assertThrows(RedisFailure.class, () -> writer.write(r, Mode.ENFORCE, "a-2", next, a.fence()));
        assertEquals(RedisFailure.Kind.FENCED, e.kind());
        assertEquals("write: fenced: this instance holds A@epoch 1, but the lease is held by 'B' and the epoch is '2'; nothing written",
                e.getMessage());
        assertFalse(jedis.exists(Keys.target("BTCUSDT")), "no target from the woken ex-leader");
        assertEquals(1, jedis.xlen(Keys.DECISION_STREAM), "no stream entry from the woken ex-leader");
        assertEquals("A", jedis.hget(Keys.STATE, StateHash.INSTANCE), "no state from the woken ex-leader either");

        // The same instance name with a stale epoch (a restarted twin) is refused too.
        jedis.set(Keys.LEADER, "A");
        RedisFailure twin = assertThrows(RedisFailure.class, () -> writer.write(r, Mode.ENFORCE, "a-3", next, a.fence()));
        assertEquals(RedisFailure.Kind.FENCED, twin.kind());

        jedis.set(Keys.LEADER, "B");
        writer.write(r, Mode.ENFORCE, "b-1", next, b.fence());
        assertEquals("B", jedis.hget(Keys.STATE, StateHash.INSTANCE));
        assertEquals(2, jedis.xlen(Keys.DECISION_STREAM));
    }

    @Test
    void hold_leaseDeletedOrOverwrittenByHand_renewFails_retakesWithNewEpochOrStandsBy() {
        Lease a = lease("A", 10_000);
        Role first = a.hold(Role.UNKNOWN);
        jedis.del(Keys.LEADER);
        Role.Leader again = assertInstanceOf(Role.Leader.class, a.hold(first));
        assertEquals(2, again.fence().token(), "a deleted lease is a new term: a new epoch");
        jedis.set(Keys.LEADER, "someone-else");
        assertEquals(new Role.Standby(Optional.of("someone-else"), 2), a.hold(again));
    }

    @Test
    void release_onlyOwnLease() {
        Role.Leader a = (Role.Leader) lease("A", 10_000).hold(Role.UNKNOWN);
        jedis.set(Keys.LEADER, "B");
        assertFalse(lease("A", 10_000).release(a.fence()));
        assertEquals("B", jedis.get(Keys.LEADER));
        jedis.set(Keys.LEADER, "A");
        assertTrue(lease("A", 10_000).release(a.fence()));
        assertFalse(jedis.exists(Keys.LEADER));
        assertEquals("1", jedis.get(Keys.EPOCH), "the epoch is never deleted");
    }

    @Test
    void retract_touchesNeitherLeaseEpochNorState() {
        CycleResult r = cycle();
        Role.Leader a = (Role.Leader) lease("A", 10_000).hold(Role.UNKNOWN);
        OutputWriter writer = new OutputWriter(connection, 300, 1000);
        writer.write(r, Mode.ENFORCE, "a-1", a.fence());
        assertEquals(1, writer.retract());
        assertTrue(jedis.exists(Keys.LEADER) && jedis.exists(Keys.EPOCH) && jedis.exists(Keys.STATE));
    }
}
