package com.quantumtrader.allocation.redis;
import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.client.StreamRecord;
import com.quantumtrader.allocation.redis.client.ReplyError;
import com.quantumtrader.allocation.redis.client.Server;

import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.redis.wire.ControlHash;
import com.quantumtrader.allocation.redis.wire.ScopedControls;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.StateHash;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.client.Nodes;
import com.quantumtrader.allocation.redis.client.Command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The operator's side of DESIGN sections 13 and 17: sets, clears and reads the control hash
 * {@code quantum:control:allocation} and the scoped controls {@code quantum:control:allocation:scoped}, and appends
 * each change to the audit stream
 * {@code quantum:stream:allocation.control}. The runners read the hash with their inputs
 * ({@code read.InputReader}); this class is for the {@code control} command.
 */
public final class Control {

    /** Audit entries kept ({@code MAXLEN ~}): years of incidents. */
    static final long AUDIT_MAXLEN = 10_000;
    public static final String ACTION = "action";
    public static final String PREVIOUS = "previous";
    /** A scoped control's audit entry: its field ({@code symbol:ID}, {@code cluster:ID}) and what it does. */
    public static final String SCOPE = "scope";
    public static final String CONTROL = "control";

    private final RedisConnection connection;

    public Control(RedisConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /**
     * Replaces the control hash with {@code control} (no field of an earlier hand-written hash survives)
     * and appends the change to the audit stream, together or not at all (see {@link #transact}).
     *
     * @return the control that was in the hash before (absent or invalid included)
     * @throws RedisFailure naming Redis's own cause ({@code OOM}, {@code READONLY}, {@code WRONGTYPE}, ...) when nothing was changed
     */
    public Decoded<ControlHash> set(ControlHash control) {
        Objects.requireNonNull(control, "control");
        Map<String, String> fields = control.encode();
        return transact(Keys.CONTROL, Control::read, before -> replaceControl(fields), before -> {
            Map<String, String> audit = new LinkedHashMap<>();
            audit.put(ACTION, "set");
            audit.putAll(fields);
            audit.put(PREVIOUS, describe(before));
            return List.of(audit);
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
        return transact(Keys.CONTROL, Control::read, before -> replaceControl(null), before -> {
            Map<String, String> audit = new LinkedHashMap<>();
            audit.put(ACTION, "clear");
            audit.put(ControlHash.MODE, "");
            audit.put(ControlHash.REASON, why);
            audit.put(ControlHash.BY, who);
            audit.put(ControlHash.TS, Long.toString(now.getEpochSecond()));
            audit.put(PREVIOUS, describe(before));
            return List.of(audit);
        });
    }

    /**
     * Sets scoped controls (DESIGN section 17), one field of {@link Keys#SCOPED_CONTROLS} each (replacing what that field
     * held), with one audit entry each, all together or not at all.
     *
     * @return per control's field, what it held before (the raw value; absent: none)
     */
    public Map<String, String> setScoped(List<ScopedControl> controls) {
        if (controls.isEmpty()) {
            throw new IllegalArgumentException("controls: at least one is needed");
        }
        List<String> fields = new ArrayList<>();
        Command hset = Command.of(Command.Name.HSET).key(Keys.SCOPED_CONTROLS);
        for (ScopedControl c : controls) {
            fields.add(ScopedControls.field(c));
            hset.add(ScopedControls.field(c)).add(ScopedControls.encode(c));
        }
        return transact(Keys.SCOPED_CONTROLS, nodes -> readFields(nodes, fields), before -> List.of(hset), before -> {
            List<Map<String, String>> audits = new ArrayList<>();
            for (ScopedControl c : controls) {
                Map<String, String> audit = new LinkedHashMap<>();
                audit.put(ACTION, "set");
                audit.put(SCOPE, ScopedControls.field(c));
                audit.put(CONTROL, describe(c));
                audit.put(ControlHash.REASON, c.reason());
                audit.put(ControlHash.BY, c.by());
                audit.put(ControlHash.TS, c.since().map(t -> Long.toString(t.getEpochSecond())).orElse(""));
                audit.put(ScopedControls.UNTIL, c.until().map(t -> Long.toString(t.getEpochSecond())).orElse(""));
                audit.put(PREVIOUS, previous(before.get(ScopedControls.field(c))));
                audits.add(audit);
            }
            return audits;
        });
    }

    /**
     * Clears the scoped controls of these fields ({@code symbol:ID}, {@code cluster:ID}), with one audit entry each, all
     * together or not at all.
     *
     * @return per field, what it held before (absent: it held nothing; nothing is written for it)
     */
    public Map<String, String> clearScoped(List<String> fields, String reason, String by, Instant now) {
        String why = ControlHash.text(ControlHash.REASON, reason);
        String who = ControlHash.text(ControlHash.BY, by);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("fields: at least one is needed");
        }
        Command hdel = Command.of(Command.Name.HDEL).key(Keys.SCOPED_CONTROLS);
        fields.forEach(hdel::add);
        return transact(Keys.SCOPED_CONTROLS, nodes -> readFields(nodes, fields), before -> List.of(hdel), before -> {
            List<Map<String, String>> audits = new ArrayList<>();
            for (String field : fields) {
                Map<String, String> audit = new LinkedHashMap<>();
                audit.put(ACTION, "clear");
                audit.put(SCOPE, field);
                audit.put(CONTROL, "");
                audit.put(ControlHash.REASON, why);
                audit.put(ControlHash.BY, who);
                audit.put(ControlHash.TS, Long.toString(now.getEpochSecond()));
                audit.put(PREVIOUS, previous(before.get(field)));
                audits.add(audit);
            }
            return audits;
        });
    }

    /** The scoped controls as the runners decode them. */
    public ScopedControls readScoped() {
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            try {
                return ScopedControls.decode(nodes.server(Keys.SCOPED_CONTROLS).hgetAll(Keys.SCOPED_CONTROLS));
            } catch (ReplyError e) {
                if (!e.isWrongType()) {
                    throw e;
                }
                return new ScopedControls(List.of(), List.of(Keys.SCOPED_CONTROLS + ": holds the wrong Redis type (must be a hash)"));
            }
        });
    }

    /** {@code halt}, {@code reduce} or {@code scale 0.5}: a control's action as the audit and {@code control show} name it. */
    public static String describe(ScopedControl c) {
        return c.action() == ScopedControl.Action.SCALE ? "scale " + Scalars.formatDecimal(c.factor()) : c.action().wireName();
    }

    private static String previous(String raw) {
        if (raw == null) {
            return "";
        }
        return ControlHash.escaped(raw);
    }

    private static Map<String, String> readFields(Nodes nodes, List<String> fields) {
        Map<String, String> out = new HashMap<>();
        try {
            Map<String, String> all = nodes.server(Keys.SCOPED_CONTROLS).hgetAll(Keys.SCOPED_CONTROLS);
            for (String f : fields) {
                if (all.containsKey(f)) {
                    out.put(f, all.get(f));
                }
            }
        } catch (ReplyError e) {
            if (!e.isWrongType()) {
                throw e;
            }
            throw new RedisFailure(RedisFailure.Operation.CONTROL, "WRONGTYPE " + Keys.SCOPED_CONTROLS
                    + " is not a hash: nothing was changed (delete it, then set the controls again)", null);
        }
        return out;
    }

    /** DEL of the control hash, then its new fields when there are any. */
    private static List<Command> replaceControl(Map<String, String> hash) {
        List<Command> commands = new ArrayList<>();
        commands.add(Command.of(Command.Name.DEL).key(Keys.CONTROL));
        if (hash != null) {
            Command hset = Command.of(Command.Name.HSET).key(Keys.CONTROL);
            hash.forEach((k, v) -> hset.add(k).add(v));
            commands.add(hset);
        }
        return commands;
    }

    /**
     * A change of {@code key} (its commands, planned from what it held before) and its audit entries in one
     * transaction (DESIGN section 16). Redis runs a transaction whole but does not roll it back, so
     * everything that could fail one of its commands is checked first, under WATCH: the audit stream must
     * be a stream (or absent), else {@code WRONGTYPE} and nothing is sent. A command Redis refuses while
     * queuing ({@code OOM}, {@code READONLY}, {@code NOPERM}) discards the transaction, and that refusal,
     * not {@code EXECABORT}, is the error. A concurrent change of either key (EXEC returns nil) is retried
     * once with the new {@code previous}.
     *
     * <p>In a Redis Cluster the keys live in different slots and no transaction spans them: the
     * audit entries are appended first, then the key is changed; if that fails, a second entry each
     * ({@code action=failed}) says so, and the error is raised (docs/operations.md says so).
     */
    private <B> B transact(String key, Function<Nodes, B> readBefore, Function<B, List<Command>> changes,
                           Function<B, List<Map<String, String>>> audits) {
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            if (!nodes.oneServer()) {
                return transactClustered(nodes, key, readBefore, changes, audits);
            }
            Server server = nodes.single();
            for (int attempt = 0; ; attempt++) {
                server.watch(key, Keys.CONTROL_STREAM);
                String type = server.type(Keys.CONTROL_STREAM);
                if (!"none".equals(type) && !"stream".equals(type)) {
                    server.unwatch();
                    throw new RedisFailure(RedisFailure.Operation.CONTROL, "WRONGTYPE " + Keys.CONTROL_STREAM + " holds a " + type
                            + ", not a stream: the audit entry cannot be appended, nothing was changed", null);
                }
                B before;
                try {
                    before = readBefore.apply(nodes);
                } catch (RuntimeException e) {
                    server.unwatch();
                    throw e;
                }
                List<?> replies = transaction(server, changes.apply(before), audits.apply(before));
                if (replies != null) {
                    ReplyError error = ReplyError.firstIn(replies);
                    if (error != null) {
                        throw error; // cannot happen after the checks above; a partial change must never pass as success
                    }
                    return before;
                }
                if (attempt == 1) {
                    throw new RedisFailure(RedisFailure.Operation.CONTROL, key + " or " + Keys.CONTROL_STREAM
                            + " changed twice while this command ran (another operator?): nothing was changed, run it again", null);
                }
            }
        });
    }

    /**
     * MULTI, the commands, the audit XADDs, EXEC, one reply at a time, so a command refused while queuing fails with
     * Redis's own error (after DISCARD) instead of EXEC's {@code EXECABORT}. Null: a watched key changed.
     */
    private static List<?> transaction(Server server, List<Command> commands, List<Map<String, String>> entries) {
        server.exchange(Command.of(Command.Name.MULTI));
        try {
            for (Command c : commands) {
                server.exchange(c); // QUEUED, or Redis's refusal
            }
            for (Map<String, String> entry : entries) {
                Command xadd = Command.of(Command.Name.XADD).key(Keys.CONTROL_STREAM).add("MAXLEN").add("~").add(AUDIT_MAXLEN).add("*");
                entry.forEach((k, v) -> xadd.add(k).add(v));
                server.exchange(xadd);
            }
        } catch (ReplyError e) {
            server.exchange(Command.of(Command.Name.DISCARD));
            throw e;
        }
        return (List<?>) server.exchange(Command.of(Command.Name.EXEC));
    }

    private <B> B transactClustered(Nodes nodes, String key, Function<Nodes, B> readBefore, Function<B, List<Command>> changes,
                                    Function<B, List<Map<String, String>>> audits) {
        B before = readBefore.apply(nodes);
        List<Map<String, String>> entries = audits.apply(before);
        entries.forEach(entry -> append(nodes, entry));
        try {
            Server server = nodes.server(key);
            server.exchange(Command.of(Command.Name.MULTI));
            for (Command c : changes.apply(before)) {
                server.exchange(c);
            }
            server.exchange(Command.of(Command.Name.EXEC));
        } catch (RuntimeException e) {
            for (Map<String, String> entry : entries) {
                Map<String, String> failed = new LinkedHashMap<>(entry);
                failed.put(ACTION, "failed");
                try {
                    append(nodes, failed);
                } catch (RuntimeException ignored) {
                    e.addSuppressed(ignored);
                }
            }
            throw e;
        }
        return before;
    }

    /**
     * Redis's {@code TIME}, the service's one clock (DESIGN section 16): a scoped control's {@code since} and
     * {@code until} are on it, so a wrong clock on the operator's host neither shortens nor stretches a control.
     */
    public Instant serverNow() {
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            var time = nodes.pipeline(Keys.SCOPED_CONTROLS).time();
            nodes.sync();
            return Lease.serverTime(time.get());
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

    /** The runner holding the writer's lease now ({@code GET} of the lease key), if one does. */
    public java.util.Optional<String> leaseHolder() {
        return connection.call(RedisFailure.Operation.CONTROL, nodes -> {
            try {
                return java.util.Optional.ofNullable(nodes.server(Keys.LEADER).get(Keys.LEADER));
            } catch (ReplyError e) {
                if (!e.isWrongType()) {
                    throw e;
                }
                return java.util.Optional.of("(a " + Keys.LEADER + " of the wrong type)");
            }
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
        String reason = control.invalidReason().orElseThrow();
        return ControlHash.ABSENT.equals(reason) ? "" : "invalid";
    }

    /** For messages: {@code mode} of a valid control, else its reason. */
    public static String summary(Decoded<ControlHash> control) {
        return control instanceof Decoded.Valid<ControlHash> v ? v.value().mode().wireName() : control.invalidReason().orElseThrow();
    }
}
