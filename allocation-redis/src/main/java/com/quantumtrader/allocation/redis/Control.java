package com.quantumtrader.allocation.redis;
import com.quantumtrader.allocation.redis.client.StreamRecord;
import com.quantumtrader.allocation.redis.client.ReplyError;
import com.quantumtrader.allocation.redis.client.Server;

import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.client.Nodes;
import com.quantumtrader.allocation.redis.client.Command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
            if (!nodes.oneServer()) {
                return applyClustered(nodes, hash, audit);
            }
            Server server = nodes.single();
            for (int attempt = 0; ; attempt++) {
                server.watch(Keys.CONTROL, Keys.CONTROL_STREAM);
                String type = server.type(Keys.CONTROL_STREAM);
                if (!"none".equals(type) && !"stream".equals(type)) {
                    server.unwatch();
                    throw new RedisFailure(RedisFailure.Operation.CONTROL, "WRONGTYPE " + Keys.CONTROL_STREAM + " holds a " + type
                            + ", not a stream: the audit entry cannot be appended, nothing was changed", null);
                }
                Decoded<ControlHash> before = read(nodes);
                Map<String, String> entry = audit.apply(before);
                List<?> replies = transaction(server, hash, entry);
                if (replies != null) {
                    ReplyError error = ReplyError.firstIn(replies);
                    if (error != null) {
                        throw error; // cannot happen after the checks above; a partial change must never pass as success
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
    private static List<?> transaction(Server server, Map<String, String> hash, Map<String, String> entry) {
        server.exchange(Command.of(Command.Name.MULTI));
        try {
            server.exchange(Command.of(Command.Name.DEL).key(Keys.CONTROL)); // QUEUED, or Redis's refusal
            if (hash != null) {
                Command hset = Command.of(Command.Name.HSET).key(Keys.CONTROL);
                hash.forEach((k, v) -> hset.add(k).add(v));
                server.exchange(hset);
            }
            Command xadd = Command.of(Command.Name.XADD).key(Keys.CONTROL_STREAM).add("MAXLEN").add("~").add(AUDIT_MAXLEN).add("*");
            entry.forEach((k, v) -> xadd.add(k).add(v));
            server.exchange(xadd);
        } catch (ReplyError e) {
            server.exchange(Command.of(Command.Name.DISCARD));
            throw e;
        }
        return (List<?>) server.exchange(Command.of(Command.Name.EXEC));
    }

    private Decoded<ControlHash> applyClustered(Nodes nodes, Map<String, String> hash,
                                                java.util.function.Function<Decoded<ControlHash>, Map<String, String>> audit) {
        Decoded<ControlHash> before = read(nodes);
        Map<String, String> entry = audit.apply(before);
        append(nodes, entry);
        try {
            Server server = nodes.server(Keys.CONTROL);
            server.exchange(Command.of(Command.Name.MULTI));
            server.exchange(Command.of(Command.Name.DEL).key(Keys.CONTROL));
            if (hash != null) {
                Command hset = Command.of(Command.Name.HSET).key(Keys.CONTROL);
                hash.forEach((k, v) -> hset.add(k).add(v));
                server.exchange(hset);
            }
            server.exchange(Command.of(Command.Name.EXEC));
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
                for (StreamRecord e : nodes.server(Keys.CONTROL_STREAM).lastEntries(Keys.CONTROL_STREAM, count)) {
                    out.add(e.fields());
                }
            } catch (ReplyError e) {
                if (!e.isWrongType()) {
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
                return StateHash.decode(nodes.server(Keys.STATE).hgetAll(Keys.STATE));
            } catch (ReplyError e) {
                if (!e.isWrongType()) {
                    throw e;
                }
                return new Decoded.Invalid<>(Keys.STATE + " holds the wrong Redis type");
            }
        });
    }

    private static Decoded<ControlHash> read(Nodes nodes) {
        try {
            return ControlHash.decode(nodes.server(Keys.CONTROL).hgetAll(Keys.CONTROL));
        } catch (ReplyError e) {
            if (!e.isWrongType()) {
                throw e;
            }
            return new Decoded.Invalid<>(ControlHash.WRONG_TYPE);
        }
    }

    private static void append(Nodes nodes, Map<String, String> audit) {
        nodes.server(Keys.CONTROL_STREAM).xadd(Keys.CONTROL_STREAM, AUDIT_MAXLEN, audit);
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
