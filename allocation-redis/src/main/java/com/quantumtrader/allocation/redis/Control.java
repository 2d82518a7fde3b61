package com.quantumtrader.allocation.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The operator's side of DESIGN section 13: sets, clears and reads the control hash
 * {@code quantum:control:allocation}, and appends each change to the audit stream
 * {@code quantum:stream:allocation.control}. The runners read the hash with their inputs
 * ({@link InputReader}); this class is for the {@code control} command.
 */
public final class Control {

    /** Audit entries kept ({@code MAXLEN ~}): years of incidents. */
    static final long AUDIT_MAXLEN = 10_000;
    public static final String ACTION = "action";
    public static final String PREVIOUS = "previous";

    private final RedisConnection connection;

    public Control(RedisConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /**
     * Replaces the control hash with {@code control} (DEL and HSET in one transaction, so no field of an
     * earlier hand-written hash survives), then appends the change to the audit stream.
     *
     * @return the control that was in the hash before (absent or invalid included)
     */
    public Decoded<ControlHash> set(ControlHash control) {
        Objects.requireNonNull(control, "control");
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            Decoded<ControlHash> before = read(nodes);
            Jedis jedis = nodes.node(Keys.CONTROL);
            Transaction tx = jedis.multi();
            tx.del(Keys.CONTROL);
            tx.hset(Keys.CONTROL, control.encode());
            tx.exec();
            Map<String, String> audit = new LinkedHashMap<>();
            audit.put(ACTION, "set");
            audit.putAll(control.encode());
            audit.put(PREVIOUS, describe(before));
            append(nodes, audit);
            return before;
        });
    }

    /**
     * Removes the control hash, so {@code P29_MODE} applies again at the next cycle, and appends the
     * change to the audit stream.
     *
     * @return the control that was in the hash before
     */
    public Decoded<ControlHash> clear(String reason, String by, Instant now) {
        String why = ControlHash.text(ControlHash.REASON, reason);
        String who = ControlHash.text(ControlHash.BY, by);
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            Decoded<ControlHash> before = read(nodes);
            nodes.node(Keys.CONTROL).del(Keys.CONTROL);
            Map<String, String> audit = new LinkedHashMap<>();
            audit.put(ACTION, "clear");
            audit.put(ControlHash.MODE, "");
            audit.put(ControlHash.REASON, why);
            audit.put(ControlHash.BY, who);
            audit.put(ControlHash.TS, Long.toString(now.getEpochSecond()));
            audit.put(PREVIOUS, describe(before));
            append(nodes, audit);
            return before;
        });
    }

    /** The control hash as the runners decode it. */
    public Decoded<ControlHash> read() {
        return connection.call(RedisFailure.Operation.CONTROL, Control::read);
    }

    /** The last {@code count} audit entries, newest first, as written. */
    public List<Map<String, String>> history(int count) {
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            List<Map<String, String>> out = new ArrayList<>();
            try {
                for (StreamEntry e : nodes.node(Keys.CONTROL_STREAM).xrevrange(Keys.CONTROL_STREAM, "+", "-", count)) {
                    out.add(e.getFields());
                }
            } catch (JedisDataException e) {
                if (!InputReader.isWrongType(e)) {
                    throw e;
                }
            }
            return out;
        });
    }

    /** The state hash the writer left: which mode it wrote its last cycle in, and when. */
    public Decoded<StateHash> lastWrite() {
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            try {
                return StateHash.decode(nodes.node(Keys.STATE).hgetAll(Keys.STATE));
            } catch (JedisDataException e) {
                if (!InputReader.isWrongType(e)) {
                    throw e;
                }
                return new Decoded.Invalid<>(Keys.STATE + " holds the wrong Redis type");
            }
        });
    }

    private static Decoded<ControlHash> read(Nodes nodes) {
        try {
            return ControlHash.decode(nodes.node(Keys.CONTROL).hgetAll(Keys.CONTROL));
        } catch (JedisDataException e) {
            if (!InputReader.isWrongType(e)) {
                throw e;
            }
            return new Decoded.Invalid<>(InputReader.CONTROL_WRONG_TYPE);
        }
    }

    private static void append(Nodes nodes, Map<String, String> audit) {
        nodes.node(Keys.CONTROL_STREAM).xadd(Keys.CONTROL_STREAM, XAddParams.xAddParams().maxLen(AUDIT_MAXLEN).approximateTrimming(), audit);
    }

    private static String describe(Decoded<ControlHash> control) {
        if (control instanceof Decoded.Valid<ControlHash> v) {
            return v.value().mode().wireName();
        }
        String reason = ((Decoded.Invalid<ControlHash>) control).reason();
        return ControlHash.ABSENT.equals(reason) ? "" : "invalid";
    }

    /** For messages: {@code mode} of a valid control, else its reason. */
    public static String summary(Decoded<ControlHash> control) {
        return control instanceof Decoded.Valid<ControlHash> v ? v.value().mode().wireName() : ((Decoded.Invalid<ControlHash>) control).reason();
    }
}
