package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.write.OutputWriter;

import com.quantumtrader.allocation.redis.read.ReadResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.quantumtrader.allocation.core.Allocator;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** DESIGN section 17 on a real Redis: scoped controls set, read by the cycle's reader, cleared, each change audited with it. */
class ScopedControlsIT {

    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);

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

    private static ScopedControl halt(String symbol) {
        return new ScopedControl(ScopedControl.Scope.SYMBOL, symbol, ScopedControl.Action.HALT, 1, "exchange delisting", "alice",
                Optional.of(NOW), Optional.of(NOW.plusSeconds(600)));
    }

    private static ScopedControl scale(String cluster, double f) {
        return new ScopedControl(ScopedControl.Scope.CLUSTER, cluster, ScopedControl.Action.SCALE, f, "stress desk call", "bob",
                Optional.of(NOW), Optional.empty());
    }

    @Test
    void setScoped_thenReaderSeesThem_inTheCycleRead_auditEntryEach() {
        Control control = new Control(connection);
        Seed.portfolio(jedis, "100000", "0.0", NOW);
        Seed.budget(jedis, "BTCUSDT", "30000", NOW);

        Map<String, String> before = control.setScoped(List.of(halt("BTCUSDT"), scale("majors", 0.5)));

        assertEquals(Map.of(), before);
        assertEquals(Map.of("symbol:BTCUSDT", "{\"action\":\"halt\",\"reason\":\"exchange delisting\",\"by\":\"alice\",\"since\":1767225600,"
                        + "\"until\":1767226200}",
                "cluster:majors", "{\"action\":\"scale\",\"factor\":0.5,\"reason\":\"stress desk call\",\"by\":\"bob\",\"since\":1767225600}"),
                jedis.hgetAll(Keys.SCOPED_CONTROLS));
        ReadResult read = TestRedis.reader(connection, Map.of()).read();
        assertEquals(new ScopedControls(List.of(scale("majors", 0.5), halt("BTCUSDT")), List.of()), read.scoped(), "fields in sorted order");
        List<Map<String, String>> history = control.history(10);
        assertEquals(2, history.size());
        assertEquals(Map.of("action", "set", "scope", "cluster:majors", "control", "scale 0.5", "reason", "stress desk call", "by", "bob",
                "ts", "1767225600", "until", "", "previous", ""), history.get(0));
        assertEquals("symbol:BTCUSDT", history.get(1).get("scope"));
        assertEquals("1767226200", history.get(1).get("until"));
    }

    @Test
    void setScoped_sameField_replaces_previousInTheAudit_clearRemovesOnlyNamedFields() {
        Control control = new Control(connection);
        control.setScoped(List.of(scale("majors", 0.5), halt("BTCUSDT")));
        Map<String, String> before = control.setScoped(List.of(scale("majors", 0.25)));
        assertEquals(List.of("cluster:majors"), List.copyOf(before.keySet()));
        assertEquals("scale 0.25", control.history(1).get(0).get("control"));

        Map<String, String> cleared = control.clearScoped(List.of("cluster:majors", "symbol:NOPE"), "calm again", "bob", NOW.plusSeconds(60));

        assertEquals(List.of("cluster:majors"), List.copyOf(cleared.keySet()), "only what existed is reported");
        assertEquals(List.of("symbol:BTCUSDT"), List.copyOf(jedis.hgetAll(Keys.SCOPED_CONTROLS).keySet()));
        Map<String, String> last = control.history(1).get(0);
        assertEquals("clear", last.get("action"));
        assertEquals("symbol:NOPE", last.get("scope"), "one entry per named field, newest first");
        assertEquals(2, control.history(10).stream().filter(e -> e.get("action").equals("clear")).count());
    }

    @Test
    void read_handTypedAndGarbageEntries_validOnesApply_invalidOnesNamed() {
        jedis.hset(Keys.SCOPED_CONTROLS, Map.of(
                "symbol:DOGEUSDT", "HALT",
                "cluster:memes", "reduce",
                "symbol:BAD NAME", "halt",
                "sector:defi", "halt",
                "symbol:XRPUSDT", "{\"action\":\"scale\",\"factor\":1.5}",
                "symbol:ADAUSDT", "{not json"));
        ScopedControls s = new Control(connection).readScoped();
        assertEquals(List.of("cluster:memes", "symbol:DOGEUSDT"), s.controls().stream().map(ScopedControls::field).toList());
        assertEquals(List.of(
                "sector:defi: field must be symbol:ID or cluster:ID",
                "symbol:ADAUSDT: value is not a JSON object nor halt or reduce: '{not json'",
                "symbol:BAD NAME: id must be 1-64 characters of [A-Za-z0-9._-], was 'BAD NAME'",
                "symbol:XRPUSDT: factor: scale needs a number in [0, 1], was 1.5"), s.invalid().stream().sorted().toList());
    }

    /**
     * DESIGN section 25: a key of hundreds of thousands of fields is never read whole (each ended the JVM at its first cycle):
     * the scoped hash is unreadable, the control hash is read by its four fields, the discovered clusters are rejected.
     */
    @Test
    void read_oversizedControlAndClusterHashes_refusedOrReadByField_cycleReadsOn() {
        Seed.portfolio(jedis, "100000", "0.0", NOW);
        Seed.budget(jedis, "BTCUSDT", "30000", NOW);
        for (String key : List.of(Keys.SCOPED_CONTROLS, Keys.CONTROL, Keys.DISCOVERED_CLUSTERS)) {
            redis.clients.jedis.Pipeline p = jedis.pipelined();
            for (int chunk = 0; chunk < 30; chunk++) {
                Map<String, String> fields = new java.util.HashMap<>();
                for (int i = 0; i < 10_000; i++) {
                    fields.put("symbol:S" + chunk + "_" + i, "halt");
                }
                p.hset(key, fields);
            }
            p.sync();
        }
        jedis.hset(Keys.CONTROL, "mode", "halt");
        ReadResult read = TestRedis.reader(connection, Map.of()).read();
        assertEquals(Optional.of("quantum:control:allocation:scoped: holds 300000 fields, more than 10000 (not read: delete the key,"
                + " then set the controls again)"), read.scoped().unreadable());
        assertEquals(com.quantumtrader.allocation.core.Mode.HALT,
                ((com.quantumtrader.allocation.redis.wire.Decoded.Valid<com.quantumtrader.allocation.redis.wire.ControlHash>) read.control())
                        .value().mode(), "the control hash's mode, read by field");
        assertTrue(read.rejections().stream().anyMatch(r -> r.subject().equals(Keys.DISCOVERED_CLUSTERS)
                && r.detail().startsWith("holds 300000 fields, more than 10000")), read.rejections().toString());
        assertEquals(1, read.decode().budgets().size());
    }

    @Test
    void read_scopedHashOfTheWrongType_unreadable_cycleReadsOn() {
        Seed.portfolio(jedis, "100000", "0.0", NOW);
        Seed.budget(jedis, "BTCUSDT", "30000", NOW);
        jedis.set(Keys.SCOPED_CONTROLS, "halt");
        ReadResult read = TestRedis.reader(connection, Map.of()).read();
        assertEquals(Optional.of("quantum:control:allocation:scoped: holds the wrong Redis type (must be a hash)"), read.scoped().unreadable());
        assertEquals(1, read.decode().budgets().size());
        RedisFailure e = assertThrows(RedisFailure.class, () -> new Control(connection).setScoped(List.of(halt("BTCUSDT"))));
        assertEquals("control: WRONGTYPE quantum:control:allocation:scoped is not a hash: nothing was changed (delete it, then set the"
                + " controls again)", e.getMessage());
        assertFalse(jedis.exists(Keys.CONTROL_STREAM), "no audit entry for a change that did not happen");
    }

    /**
     * A failover keeps the ramp: a new leader knows nothing, reads the targets from Redis with their {@code timestamp}, and
     * the rise allowed is counted from that write, not from the takeover.
     */
    @Test
    void ramp_afterFailover_startsFromTheTargetsAndTimestampsInRedis() {
        Seed.portfolio(jedis, "100000", "0.0", NOW);
        Seed.budget(jedis, "BTCUSDT", "10000", NOW);
        Policy ramp = Policy.DEFAULTS
                .withBookLimits(OptionalDouble.empty(), 0.10);
        OutputWriter first = new OutputWriter(connection, 300, 100_000);
        first.write(Allocator.allocate(TestRedis.reader(connection, Map.of()).read().decode(), ramp, NOW),
                Mode.ENFORCE, "c-1", CarryOver.START, redis.lead());

        // a minute later the budget doubles; a new leader (nothing carried over) takes the written targets from Redis
        Instant later = NOW.plusSeconds(60);
        Seed.portfolio(jedis, "100000", "0.0", later);
        Seed.budget(jedis, "BTCUSDT", "20000", later);
        var computed = Allocator.allocate(TestRedis.reader(connection, Map.of()).read().decode(), ramp, later);
        var known = new OutputWriter(connection, 300, 100_000).withWrittenKnown(CarryOver.START);
        var d = Allocator.constrain(computed, List.of(), known.written().orElseThrow(), ramp)
                .decisions().get(0);

        assertEquals(10_000 + 0.10 * 20_000 * 1, d.targetUsd(), 1e-6, "written 10,000 a minute ago: +10 % of the 20,000 base");
        assertEquals("ramp", d.cap().wireName());
    }
}
