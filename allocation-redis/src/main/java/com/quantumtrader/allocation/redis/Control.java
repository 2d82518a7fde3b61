package com.quantumtrader.allocation.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
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
     * Replaces the control hash with {@code control} (no field of an earlier hand-written hash survives)
     * and appends the change to the audit stream, together or not at all (see {@link #apply}).
     *
     * @return the control that was in the hash before (absent or invalid included)
     * @throws RedisFailure naming Redis's own cause ({@code OOM}, {@code READONLY}, {@code WRONGTYPE}, ...) when nothing was changed
     */
    public Decoded<ControlHash> set(ControlHash control) {
        Objects.requireNonNull(control, "control");
        Map<String, String> fields = control.encode();
        return apply(fields, before -> {
            Map<String, String> audit = new LinkedHashMap<>();
            audit.put(ACTION, "set");
            audit.putAll(fields);
            audit.put(PREVIOUS, describe(before));
            return audit;
        });
    }

    /**
     * Removes the control hash, so {@code P29_MODE} applies again at the next cycle, and appends the
     * change to the audit stream, together or not at all.
     *
     * @return the control that was in the hash before
     */
    public Decoded<ControlHash> clear(String reason, String by, Instant now) {
        String why = ControlHash.text(ControlHash.REASON, reason);
        String who = ControlHash.text(ControlHash.BY, by);
        return apply(null, before -> {
            Map<String, String> audit = new LinkedHashMap<>();
            audit.put(ACTION, "clear");
            audit.put(ControlHash.MODE, "");
            audit.put(ControlHash.REASON, why);
            audit.put(ControlHash.BY, who);
            audit.put(ControlHash.TS, Long.toString(now.getEpochSecond()));
            audit.put(PREVIOUS, describe(before));
            return audit;
        });
    }

    /**
     * The change ({@code hash} = the new control hash, {@code null} = none) and its audit entry in one
     * transaction (DESIGN section 16). Redis runs a transaction whole but does not roll it back, so
     * everything that could fail one of its commands is checked first, under WATCH: the audit stream must
     * be a stream (or absent), else {@code WRONGTYPE} and nothing is sent. A command Redis refuses while
     * queuing ({@code OOM}, {@code READONLY}, {@code NOPERM}) discards the transaction, and that refusal,
     * not {@code EXECABORT}, is the error. A concurrent change of either key (EXEC returns nil) is retried
     * once with the new {@code previous}.
     *
     * <p>In a Redis Cluster the two keys live in different slots and no transaction spans them: the
     * audit entry is appended first, then the hash is changed; if that fails, a second entry
     * ({@code action=failed}) says so, and the error is raised (docs/operations.md says so).
     */
    private Decoded<ControlHash> apply(Map<String, String> hash, java.util.function.Function<Decoded<ControlHash>, Map<String, String>> audit) {
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            if (nodes.clustered()) {
                return applyClustered(nodes, hash, audit);
            }
            Jedis jedis = nodes.single();
            for (int attempt = 0; ; attempt++) {
                jedis.watch(Keys.CONTROL, Keys.CONTROL_STREAM);
                String type = jedis.type(Keys.CONTROL_STREAM);
                if (!"none".equals(type) && !"stream".equals(type)) {
                    jedis.unwatch();
                    throw new RedisFailure(RedisFailure.Operation.CONTROL, "WRONGTYPE " + Keys.CONTROL_STREAM + " holds a " + type
                            + ", not a stream: the audit entry cannot be appended, nothing was changed", null);
                }
                Decoded<ControlHash> before = read(nodes);
                Map<String, String> entry = audit.apply(before);
                List<Object> replies = transaction(jedis, hash, entry);
                if (replies != null) {
                    for (Object r : replies) {
                        if (r instanceof JedisDataException e) {
                            throw e; // cannot happen after the checks above; a partial change must never pass as success
                        }
                    }
                    return before;
                }
                if (attempt == 1) {
                    throw new RedisFailure(RedisFailure.Operation.CONTROL, Keys.CONTROL + " or " + Keys.CONTROL_STREAM
                            + " changed twice while this command ran (another operator?): nothing was changed, run it again", null);
                }
            }
        });
    }

    /**
     * MULTI, the commands, EXEC, one reply at a time, so a command refused while queuing fails with
     * Redis's own error (after DISCARD) instead of EXEC's {@code EXECABORT}. Null: a watched key changed.
     */
    private static List<Object> transaction(Jedis jedis, Map<String, String> hash, Map<String, String> entry) {
        Connection c = jedis.getConnection();
        c.executeCommand(new CommandObject<>(new CommandArguments(Protocol.Command.MULTI), BuilderFactory.STRING));
        try {
            queue(c, new CommandArguments(Protocol.Command.DEL).key(Keys.CONTROL));
            if (hash != null) {
                CommandArguments hset = new CommandArguments(Protocol.Command.HSET).key(Keys.CONTROL);
                hash.forEach((k, v) -> hset.add(k).add(v));
                queue(c, hset);
            }
            CommandArguments xadd = new CommandArguments(Protocol.Command.XADD).key(Keys.CONTROL_STREAM)
                    .add("MAXLEN").add("~").add(Long.toString(AUDIT_MAXLEN)).add("*");
            entry.forEach((k, v) -> xadd.add(k).add(v));
            queue(c, xadd);
        } catch (JedisDataException e) {
            c.executeCommand(new CommandObject<>(new CommandArguments(Protocol.Command.DISCARD), BuilderFactory.STRING));
            throw e;
        }
        return c.executeCommand(new CommandObject<>(new CommandArguments(Protocol.Command.EXEC), BuilderFactory.RAW_OBJECT_LIST));
    }

    private static void queue(Connection c, CommandArguments command) {
        c.executeCommand(new CommandObject<>(command, BuilderFactory.STRING)); // QUEUED, or Redis's refusal
    }

    private Decoded<ControlHash> applyClustered(Nodes nodes, Map<String, String> hash,
                                                java.util.function.Function<Decoded<ControlHash>, Map<String, String>> audit) {
        Decoded<ControlHash> before = read(nodes);
        Map<String, String> entry = audit.apply(before);
        append(nodes, entry);
        try {
            Jedis jedis = nodes.node(Keys.CONTROL);
            Transaction tx = jedis.multi();
            tx.del(Keys.CONTROL);
            if (hash != null) {
                tx.hset(Keys.CONTROL, hash);
            }
            tx.exec();
        } catch (RuntimeException e) {
            Map<String, String> failed = new LinkedHashMap<>(entry);
            failed.put(ACTION, "failed");
            failed.put(PREVIOUS, describe(before));
            try {
                append(nodes, failed);
            } catch (RuntimeException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
        return before;
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
