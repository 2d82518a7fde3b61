package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.write.OutputWriter;
import com.quantumtrader.allocation.redis.write.WriteResult;

import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleResult;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.core.Policy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.Jedis;

/** DESIGN section 13 on a real Redis: the control hash and its audit stream, reduce's hashes, shadow's retraction. */
class ControlIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);
    static final double TOLERANCE = 1e-9;

    private final TestRedis redis = TestRedis.shared();
    private Jedis jedis;
    private RedisConnection connection;

    @BeforeEach
    void setUp() {
        redis.flush();
        jedis = redis.client();
        connection = new RedisConnection(redis.endpoint());
    }

    @AfterEach
    void tearDown() {
        connection.close();
        jedis.close();
    }

    private ReadResult read() {
        return TestRedis.reader(connection, Map.of()).read();
    }

    private OutputWriter writer() {
        return new OutputWriter(connection, 300, 100_000);
    }

    private void seed() {
        Seed.portfolio(jedis, "100000", "0.0", NOW.minusSeconds(5));
        Seed.budget(jedis, "BTCUSDT", "30000", NOW.minusSeconds(3));
        Seed.budget(jedis, "ETHUSDT", "20000", NOW.minusSeconds(3));
    }

    @Test
    void set_thenRead_sameControl_auditEntryWithPrevious() {
        Control control = new Control(connection);
        jedis.hset(Keys.CONTROL, Map.of("mode", "shadow", "stale_field", "x"));

        Decoded<ControlHash> before = control.set(ControlHash.set(Mode.REDUCE, "exchange outage", "alice", NOW));

        assertEquals(new Decoded.Valid<>(new ControlHash(Mode.SHADOW, "", "", Optional.empty())), before);
        assertEquals(Map.of("mode", "reduce", "reason", "exchange outage", "by", "alice", "ts", "1767225600"), jedis.hgetAll(Keys.CONTROL),
                "the hash is replaced whole: no field of the hand-written one survives");
        assertEquals(new Decoded.Valid<>(ControlHash.set(Mode.REDUCE, "exchange outage", "alice", NOW)), control.read());
        assertEquals(List.of(Map.of("action", "set", "mode", "reduce", "reason", "exchange outage", "by", "alice", "ts", "1767225600",
                "previous", "shadow")), control.history(10));
    }

    @Test
    void clear_removesTheHash_auditEntryNamesWhatWasCleared() {
        Control control = new Control(connection);
        control.set(ControlHash.set(Mode.SHADOW, "bad upstream", "bob", NOW));

        control.clear("upstream fixed", "bob", NOW.plusSeconds(60));

        assertFalse(jedis.exists(Keys.CONTROL));
        assertEquals(new Decoded.Invalid<>(ControlHash.ABSENT), control.read());
        List<Map<String, String>> history = control.history(10);
        assertEquals(Map.of("action", "clear", "mode", "", "reason", "upstream fixed", "by", "bob", "ts", "1767225660", "previous", "shadow"),
                history.get(0), "newest first");
        assertEquals("set", history.get(1).get("action"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''        | reason: must be 1-500 characters, not blank, no control characters, was ''",
            "'   '     | reason: must be 1-500 characters, not blank, no control characters, was '   '",
            "'a\tb'    | reason: must be 1-500 characters, not blank, no control characters, was 'a?b'",
    })
    void set_badReason_refusedWithTheRule(String reason, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControlHash.set(Mode.REDUCE, reason, "alice", NOW));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "mode=banana      | mode: must be enforce, reduce, halt or shadow, was 'banana'",
            "mode=enforced    | mode: must be enforce, reduce, halt or shadow, was 'enforced'",
            "reason=no mode   | mode: must be enforce, reduce, halt or shadow, was 'null'",
    })
    void read_garbageControl_invalidWithTheRule_inputsReadAsUsual(String field, String reason) {
        seed();
        String[] kv = field.split("=", 2);
        jedis.hset(Keys.CONTROL, kv[0], kv[1]);
        ReadResult r = read();
        assertEquals(new Decoded.Invalid<>(reason), r.control());
        assertEquals(2, r.decode().budgets().size(), "the inputs are read as usual");
    }

    @Test
    void read_controlOfTheWrongType_invalid_otherInputsRead() {
        seed();
        jedis.set(Keys.CONTROL, "reduce");
        ReadResult r = read();
        assertEquals(new Decoded.Invalid<>("quantum:control:allocation holds the wrong Redis type (must be a hash)"), r.control());
        assertEquals(2, r.decode().budgets().size());
        assertEquals(List.of(), r.rejections(), "not an input: counted apart, not as a rejected input");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"REDUCE, REDUCE", "Reduce, REDUCE", "' SHADOW ', SHADOW", "Enforce, ENFORCE"})
    void read_handTypedModeInAnyCase_valid(String raw, Mode mode) {
        jedis.hset(Keys.CONTROL, "mode", raw);
        assertEquals(new Decoded.Valid<>(new ControlHash(mode, "", "", Optional.empty())), read().control());
    }

    @Test
    void read_bytesOutsidePrintableAscii_escapedBeforeTheyReachALog() {
        jedis.hset(Keys.CONTROL, Map.of("mode", "reduce", "reason", "halt\u001b[2J\u202eevil\n", "by", "\u00e9ve"));
        ControlHash c = ((Decoded.Valid<ControlHash>) read().control()).value();
        assertEquals("halt\\u001b[2J\\u202eevil\\u000a", c.reason());
        assertEquals("\\u00e9ve", c.by());
    }

    /** The audit stream of another type: the command fails with WRONGTYPE and changes nothing. */
    @Test
    void setAndClear_auditStreamOfAnotherType_failWithWrongTypeAndChangeNothing() {
        Control control = new Control(connection);
        control.set(ControlHash.set(Mode.REDUCE, "incident", "alice", NOW));
        jedis.del(Keys.CONTROL_STREAM);
        jedis.set(Keys.CONTROL_STREAM, "not a stream");

        RedisFailure clear = assertThrows(RedisFailure.class, () -> control.clear("all good", "bob", NOW));
        assertEquals(RedisFailure.Kind.WRONG_TYPE, clear.kind());
        assertEquals("control: WRONGTYPE quantum:stream:allocation.control holds a string, not a stream: the audit entry cannot be"
                + " appended, nothing was changed", clear.getMessage());
        assertEquals("reduce", jedis.hget(Keys.CONTROL, "mode"), "a failed clear must not lift reduce");

        RedisFailure set = assertThrows(RedisFailure.class, () -> control.set(ControlHash.set(Mode.SHADOW, "x", "bob", NOW)));
        assertEquals(RedisFailure.Kind.WRONG_TYPE, set.kind());
        assertEquals("reduce", jedis.hget(Keys.CONTROL, "mode"));
        assertEquals("not a stream", jedis.get(Keys.CONTROL_STREAM));
    }

    /** Redis at maxmemory (noeviction): DEL would pass and XADD be refused; the transaction applies neither. */
    @Test
    void clear_redisOutOfMemory_failsWithOomAndChangesNothing() {
        Control control = new Control(connection);
        control.set(ControlHash.set(Mode.REDUCE, "incident", "alice", NOW));
        long audit = jedis.xlen(Keys.CONTROL_STREAM);
        String policy = jedis.configGet("maxmemory-policy").get("maxmemory-policy");
        jedis.configSet("maxmemory-policy", "noeviction");
        jedis.configSet("maxmemory", "1");
        try {
            RedisFailure e = assertThrows(RedisFailure.class, () -> control.clear("all good", "bob", NOW));
            assertEquals(RedisFailure.Kind.OOM, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("OOM command not allowed") && !e.getMessage().contains("EXECABORT"), e.getMessage());
            RedisFailure s = assertThrows(RedisFailure.class, () -> control.set(ControlHash.set(Mode.SHADOW, "x", "bob", NOW)));
            assertEquals(RedisFailure.Kind.OOM, s.kind(), s.getMessage());
        } finally {
            jedis.configSet("maxmemory", "0");
            jedis.configSet("maxmemory-policy", policy);
        }
        assertEquals("reduce", jedis.hget(Keys.CONTROL, "mode"), "the hash is untouched");
        assertEquals(audit, jedis.xlen(Keys.CONTROL_STREAM), "no audit entry either");
    }

    /** A read-only replica: READONLY, not EXECABORT, and nothing changes. */
    @Test
    void set_readOnlyReplica_failsWithReadOnly() {
        Control control = new Control(connection);
        control.set(ControlHash.set(Mode.REDUCE, "incident", "alice", NOW));
        jedis.replicaof("127.0.0.1", TestRedis.freePort()); // a primary that does not exist: this server turns read-only
        try {
            RedisFailure e = assertThrows(RedisFailure.class, () -> control.set(ControlHash.set(Mode.SHADOW, "x", "bob", NOW)));
            assertEquals(RedisFailure.Kind.READONLY, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("READONLY You can't write against a read only replica") && !e.getMessage().contains("EXECABORT"),
                    e.getMessage());
        } finally {
            jedis.replicaofNoOne();
        }
        assertEquals("reduce", jedis.hget(Keys.CONTROL, "mode"));
    }

    @Test
    void read_handWrittenModeOnly_valid() {
        jedis.hset(Keys.CONTROL, "mode", " reduce ");
        assertEquals(new Decoded.Valid<>(new ControlHash(Mode.REDUCE, "", "", Optional.empty())), read().control());
    }

    @Test
    void write_reduce_hashModeEnforce_capReduceWhereHeld_streamSaysWhat() {
        seed();
        OutputWriter writer = writer();
        CycleResult first = Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW);
        WriteResult enforced = writer.write(first, Mode.ENFORCE, "c-1", CarryOver.START, redis.lead());
        jedis.hset(Keys.budget("BTCUSDT"), "budget_usd", "60000"); // doubled: reduce holds it
        jedis.hset(Keys.budget("ETHUSDT"), "budget_usd", "10000"); // halved: reduce lets it fall
        CycleResult second = Allocator.reduce(Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW.plusSeconds(5)),
                enforced.next().written().orElseThrow());

        WriteResult reduced = writer.write(second, Mode.REDUCE, "c-2", enforced.next(), redis.lead());

        Map<String, String> btc = jedis.hgetAll(Keys.target("BTCUSDT"));
        assertEquals(30000, Double.parseDouble(btc.get("target_usd")), TOLERANCE);
        assertEquals("reduce", btc.get("cap"));
        assertEquals("enforce", btc.get("mode"), "the Governor uses a target only when its mode is enforce");
        Map<String, String> eth = jedis.hgetAll(Keys.target("ETHUSDT"));
        assertEquals(10000, Double.parseDouble(eth.get("target_usd")), TOLERANCE);
        assertEquals("none", eth.get("cap"));
        assertEquals(Optional.of(Mode.REDUCE), reduced.next().mode());
        assertEquals("reduce", jedis.hget(Keys.STATE, "mode"), "the mode in force, for a new leader");
        assertEquals(30000, reduced.next().written().orElseThrow().get("BTCUSDT").targetUsd(), TOLERANCE);
    }

    @Test
    void withWrittenKnown_unknown_readsTheTargetsFromRedis() {
        seed();
        writer().write(Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW), Mode.ENFORCE, "c-1", CarryOver.START, redis.lead());
        CarryOver known = writer().withWrittenKnown(CarryOver.START);
        assertEquals(Map.of("BTCUSDT", 30000.0, "ETHUSDT", 20000.0),
                Map.of("BTCUSDT", known.written().orElseThrow().get("BTCUSDT").targetUsd(),
                        "ETHUSDT", known.written().orElseThrow().get("ETHUSDT").targetUsd()));
    }

    @ParameterizedTest(name = "after {0}")
    @CsvSource({"enforce", "reduce"})
    void write_shadowAfterWritingMode_everyTargetDeletedThatCycle_decisionsStillStreamed(String before) {
        seed();
        jedis.hset(Keys.target("proposed:BTCUSDT"), Map.of("target_usd", "1", "cap", "none", "base_budget_usd", "1"));
        OutputWriter writer = writer();
        WriteResult written = writer.write(Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW), Mode.ENFORCE, "c-1",
                CarryOver.START, redis.lead());
        CarryOver previous = written.next().withMode(Mode.valueOf(before.toUpperCase(java.util.Locale.ROOT)));
        long streamed = jedis.xlen(Keys.DECISION_STREAM);

        WriteResult shadow = writer.write(Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW.plusSeconds(5)), Mode.SHADOW, "c-2",
                previous, redis.lead());

        assertFalse(jedis.exists(Keys.target("BTCUSDT")));
        assertFalse(jedis.exists(Keys.target("ETHUSDT")));
        assertTrue(jedis.exists(Keys.target("proposed:BTCUSDT")), "not ours: kept");
        assertEquals(2, shadow.targetsDeleted());
        assertEquals(streamed + 2, jedis.xlen(Keys.DECISION_STREAM), "decisions still streamed");
        assertEquals(java.util.Set.of("BTCUSDT", "ETHUSDT"), shadow.next().written().orElseThrow().keySet(),
                "in shadow the carry-over holds what enforce would have written");
        assertEquals(Optional.of(Mode.SHADOW), shadow.next().mode());
        WriteResult again = writer.write(Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW.plusSeconds(10)), Mode.SHADOW, "c-3",
                shadow.next(), redis.lead());
        assertEquals(0, again.targetsDeleted());
        assertEquals(0, again.decisionsStreamed(), "nothing changed: no entry");
    }

    @Test
    void write_shadowAfterEnforce_skippedCycle_stillRetracts_unknownWrittenReadFromRedis() {
        seed();
        writer().write(Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW), Mode.ENFORCE, "c-1", CarryOver.START, redis.lead());
        jedis.del(Keys.PORTFOLIO);
        CycleResult skipped = Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW.plusSeconds(5));
        assertEquals(Outcome.SKIPPED, skipped.outcome());

        WriteResult shadow = writer().write(skipped, Mode.SHADOW, "c-2", CarryOver.START.withMode(Mode.ENFORCE), redis.lead());

        assertEquals(2, shadow.targetsDeleted());
        assertFalse(jedis.exists(Keys.target("BTCUSDT")));
        assertEquals("shadow", jedis.hget(Keys.STATE, "mode"));
    }

    @Test
    void write_shadowWithNoWritingModeBefore_touchesNoTarget() {
        seed();
        jedis.hset(Keys.target("BTCUSDT"), Map.of("target_usd", "1", "cap", "none", "base_budget_usd", "1"));
        WriteResult shadow = writer().write(Allocator.allocate(read().decode(), Policy.DEFAULTS, NOW), Mode.SHADOW, "c-1",
                CarryOver.START, redis.lead());
        assertEquals(0, shadow.targetsDeleted());
        assertTrue(jedis.exists(Keys.target("BTCUSDT")), "a process that never enforced leaves targets alone (first release)");
    }
}
