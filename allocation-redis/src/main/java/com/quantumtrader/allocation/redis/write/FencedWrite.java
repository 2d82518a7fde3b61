package com.quantumtrader.allocation.redis.write;

import com.quantumtrader.allocation.redis.client.Batch;
import com.quantumtrader.allocation.redis.client.Reply;
import com.quantumtrader.allocation.redis.client.ReplyError;
import com.quantumtrader.allocation.redis.client.Server;

import com.quantumtrader.allocation.redis.wire.DecisionEntry;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.client.Nodes;
import com.quantumtrader.allocation.redis.client.Arg;
import com.quantumtrader.allocation.redis.client.Command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One cycle's write as a sequence of fenced write units (DESIGN sections 10 and 12), all pipelined
 * in one round trip on one connection. Each unit is its own transaction:
 * {@code WATCH leader epoch guard}, a one-line script that checks that the lease names this instance
 * and the epoch is its token and, if not, touches the guard key of this tenure ({@link Keys#fenceGuard}) (so this unit's EXEC applies nothing),
 * then {@code MULTI}, the unit's commands, {@code EXEC}. The check runs inside Redis after the WATCH,
 * so a change of the lease or epoch at any time before a unit's EXEC (a standby took over while this
 * runner was frozen mid-send) makes that unit and every later one apply nothing. No reader ever sees
 * half a unit; a unit holds Redis only for its own commands, so no single write stalls other clients
 * for long (a unit is one allocation cluster, or a chunk of a large one, see {@link OutputWriter}).
 *
 * <p>Every queued reply is kept (Jedis's {@code Transaction} drops them), so a command refused before
 * EXEC (READONLY, OOM, NOPERM) is reported by its own error, not as EXECABORT. Like any EXEC, a
 * command failing inside it (a wrong type) does not undo the others: the failure is reported whole,
 * naming the first error, and the caller re-reads what it holds from Redis.
 *
 * <p>Why not one Lua script per unit that checks and writes: measured at 10,000 symbols a script
 * carrying the writes doubled the write (208 -> 531 ms median, Redis CPU 155 -> 233 ms per cycle): a
 * script's arguments are all sent, then copied into Lua, before anything runs, where a pipelined
 * transaction overlaps sending and queuing. The check script here carries no data.
 */
public final class FencedWrite {

    /**
     * Touches this tenure's own guard (so the unit's watch fires) unless the lease is ARGV[1]'s and the epoch ARGV[2].
     * Nothing else is written: no other runner watches this guard, so a woken ex-leader's failed check cannot abort a
     * unit of the leader that replaced it (DESIGN section 25). The guard expires a minute later.
     */
    static final String CHECK = "if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('GET', KEYS[2]) ~= ARGV[2] then "
            + "redis.call('INCR', KEYS[3]) redis.call('PEXPIRE', KEYS[3], 60000) return 0 end return 1";

    /**
     * A refresh that touches (DESIGN section 22): for each key that exists, its TTL (ARGV[1]) and its {@code timestamp}
     * and {@code ts} fields (ARGV[2], ARGV[3]) set to ARGV[4]; a key that no longer exists is not created (a hash of two
     * fields would be a target without a value) and is returned, so the writer rewrites it whole next. It carries keys
     * and three short values, no data: the cost of a script that carried the writes (see above) does not apply.
     */
    static final String TOUCH = "local lost = {} for _, k in ipairs(KEYS) do if redis.call('EXPIRE', k, ARGV[1]) == 1 then "
            + "redis.call('HSET', k, ARGV[2], ARGV[4], ARGV[3], ARGV[4]) else lost[#lost + 1] = k end end return lost";

    private final Fence fence;
    /** Where each touch's reply is: its unit and its place in the unit (one server), or its command index (Cluster). */
    private final List<int[]> touches = new ArrayList<>();
    /** The touched keys Redis no longer held, from every run so far. */
    private final List<String> lost = new ArrayList<>();
    private final List<Command> commands = new ArrayList<>();
    /** The key of each command (its first argument), to route it in a Cluster. */
    private final List<String> keys = new ArrayList<>();
    /** Where each unit starts in {@link #commands}. */
    private final List<Integer> unitStarts = new ArrayList<>(List.of(0));

    /**
     * On one server the units are sent as they are built (WATCH, check and MULTI when a unit's first command
     * comes, each command as it is added, EXEC at its end), so a write's memory does not grow with the universe:
     * a 100,000-symbol cluster is one transaction whose commands are never all held at once. In a Cluster they
     * are collected and routed at {@link #run(Nodes)}.
     */
    private final Nodes nodes;
    private final boolean streaming;
    private final String token;
    private final String guard;
    private Batch pipe;
    private boolean unitOpen;
    private int added;
    private final List<Reply<Object>> checks = new ArrayList<>();
    private final List<List<Reply<Object>>> queued = new ArrayList<>();
    private final List<Reply<Object>> execs = new ArrayList<>();
    private final List<Reply<Object>> other = new ArrayList<>();

    public FencedWrite(Fence fence, Nodes nodes) {
        this.fence = Objects.requireNonNull(fence, "fence");
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.streaming = nodes.oneServer();
        this.token = Long.toString(fence.token());
        this.guard = Keys.fenceGuard(fence);
    }

    /** Ends the current unit: the next command starts a new one (nothing happens when the current one is empty). */
    void endUnit() {
        if (streaming) {
            if (unitOpen) {
                execs.add(pipe.send(Command.of(Command.Name.EXEC)));
                unitOpen = false;
            }
        } else if (unitStarts.get(unitStarts.size() - 1) != commands.size()) {
            unitStarts.add(commands.size());
        }
    }

    /** The number of units with at least one command. */
    int units() {
        if (streaming) {
            return execs.size() + (unitOpen ? 1 : 0);
        }
        int n = unitStarts.size();
        return unitStarts.get(n - 1) == commands.size() ? n - 1 : n;
    }

    /** Commands added since the last {@link #run}. */
    int size() {
        return added;
    }

    private void push(Command c, String key) {
        added++;
        if (!streaming) {
            commands.add(c);
            keys.add(key);
            return;
        }
        if (!unitOpen) {
            if (pipe == null) {
                pipe = nodes.pipeline(Keys.LEADER); // the one primary; marked broken by Nodes if never synced
            }
            other.add(pipe.send(Command.of(Command.Name.WATCH).key(Keys.LEADER).key(Keys.EPOCH).key(guard)));
            checks.add(pipe.send(Command.of(Command.Name.EVAL).add(CHECK).add(3)
                    .key(Keys.LEADER).key(Keys.EPOCH).key(guard).add(fence.instance()).add(token)));
            other.add(pipe.send(Command.of(Command.Name.MULTI)));
            queued.add(new ArrayList<>());
            unitOpen = true;
        }
        queued.get(queued.size() - 1).add(pipe.send(c));
    }

    /** The last key encoded, and its bytes: a target's key comes in two or three commands in a row. */
    private String lastKey;
    private Arg lastKeyRaw;

    private Arg key(String key) {
        if (key != lastKey) { // the same String instance: the caller's key variable
            lastKey = key;
            lastKeyRaw = arg(key);
        }
        return lastKeyRaw;
    }

    /** Adds one command: its name, key and arguments. */
    public void add(Command.Name name, String key, String... args) {
        Command c = Command.of(name).key(key(key));
        for (String a : args) {
            c.add(arg(a));
        }
        push(c, key);
    }

    /** Adds one command: its name, key and prefix arguments, then the fields and values of {@code fields}. */
    void add(Command.Name name, String key, Map<String, String> fields, String... prefix) {
        Command c = Command.of(name).key(key(key));
        for (String p : prefix) {
            c.add(arg(p));
        }
        fields.forEach((k, v) -> c.add(arg(k)).add(arg(v)));
        push(c, key);
    }

    /**
     * Adds one command: its name, key and prefix arguments, then {@code fields} (field, value, field, value...,
     * already encoded by {@link #args}), then {@code more} of the same form. The same encoded fields can go in two
     * commands (a target's hash and its decision entry), encoded once.
     */
    void addFields(Command.Name name, String key, Arg[] fields, Arg[] more, String... prefix) {
        Command c = Command.of(name).key(key(key));
        for (String p : prefix) {
            c.add(arg(p));
        }
        c.add(fields).add(more);
        push(c, key);
    }

    /**
     * Touches the target hashes {@code keys} (one allocation cluster's, in its unit): their TTL to {@code ttlSeconds}
     * and their timestamp to {@code timestamp}, each only if it exists ({@link #TOUCH}). On one server one script for
     * them all; in a Cluster one per key (a script's keys share a slot).
     */
    void touch(List<String> keys, String ttlSeconds, String timestamp) {
        if (keys.isEmpty()) {
            return;
        }
        if (!streaming && keys.size() > 1) {
            for (String key : keys) {
                touch(List.of(key), ttlSeconds, timestamp);
            }
            return;
        }
        Command c = Command.of(Command.Name.EVAL).add(arg(TOUCH)).add(keys.size());
        for (String key : keys) {
            c.key(arg(key));
        }
        c.add(arg(ttlSeconds)).add(arg(TargetHash.TIMESTAMP)).add(arg(TargetHash.TS)).add(arg(timestamp));
        push(c, keys.get(0));
        touches.add(streaming ? new int[] {queued.size() - 1, queued.get(queued.size() - 1).size() - 1} : new int[] {-1, commands.size() - 1});
    }

    /** The touched keys that Redis no longer held (not created: the writer rewrites them whole), from every run so far. */
    List<String> lost() {
        return List.copyOf(lost);
    }

    /** Collects the keys a touch reply names: a script's reply is an array of the keys it did not find. */
    private void collectLost(Object reply) {
        if (reply instanceof List<?> keys) {
            for (Object k : keys) {
                lost.add(k instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(k));
            }
        }
    }

    /** {@link #arg} of each string: field names and constants shared, values encoded once. */
    static Arg[] args(String[] strings) {
        return CONSTANTS.all(strings);
    }

    /**
     * One argument as bytes: a field name or a constant argument of the writes, encoded once for the process,
     * else the string's UTF-8 bytes (a 10,000-symbol cycle sends some 100,000 arguments).
     */
    static Arg arg(String s) {
        return CONSTANTS.of(s);
    }

    /** Field names of the output contract and the constant arguments of the writes, encoded once. */
    private static final Arg.Table CONSTANTS = new Arg.Table(List.of(TargetHash.TARGET_USD, TargetHash.WEIGHT, TargetHash.CLUSTER_ID,
            TargetHash.REGIME, TargetHash.DRAWDOWN_ZONE, TargetHash.CONFIDENCE, TargetHash.TIMESTAMP, TargetHash.TS, TargetHash.MODE,
            TargetHash.BASE_BUDGET_USD, TargetHash.REGIME_FACTOR, TargetHash.CLUSTER_FACTOR, TargetHash.DRAWDOWN_FACTOR,
            TargetHash.PERFORMANCE_FACTOR, TargetHash.CAP, DecisionEntry.SYMBOL, DecisionEntry.CYCLE_ID, DecisionEntry.FALLBACKS,
            DecisionEntry.CHANGE, "MAXLEN", "~", "*", "", "enforce", "shadow", "none", "new", "changed", "removed", "LOW", "MID", "HIGH",
            "TREND", "MEAN_REVERSION", "CHOP", "UNKNOWN", "1.0", "0.0", "1", "0", TOUCH));

    /**
     * Runs the unit: on one server as one fenced transaction; in a Cluster, where one transaction
     * cannot span slots, as {@link #runClustered(Nodes)}.
     *
     * @throws RedisFailure as {@link #check(Server)}
     */
    public void run(Nodes nodes) {
        if (!nodes.oneServer()) {
            runClustered(nodes);
            commands.clear();
            keys.clear();
            unitStarts.clear();
            unitStarts.add(0);
        } else {
            endUnit();
            if (execs.isEmpty()) {
                return;
            }
            nodes.sync(); // every unit's WATCH, check, MULTI ... EXEC sent as built; one round trip for the replies
            pipe = null;
            try {
                check(nodes.single());
            } finally {
                checks.clear();
                queued.clear();
                execs.clear();
                other.clear();
                touches.clear();
            }
        }
        added = 0;
    }

    /**
     * The unit in a Redis Cluster (DESIGN section 11): the lease and the epoch are read (they live on
     * their own slots, so they cannot be watched from the targets' nodes); unless they are this
     * instance's, nothing is sent. Then each run of commands on one key (a target's DEL, HSET and
     * EXPIRE; the cycle's stream entries; the state) is its own single-slot {@code MULTI ... EXEC},
     * pipelined per node: one round trip per node. Then the fence is read again: if it changed while
     * the unit was in flight, the failure is reported as fenced (what landed stays; the next leader
     * rewrites every target in its first cycle). A reader can see some targets of this cycle beside
     * others of the previous one, never half a target.
     */
    @SuppressWarnings("unchecked")
    void runClustered(Nodes nodes) {
        checkFence(nodes, "");
        List<Reply<Object>> execs = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int[] execOf = new int[commands.size()];
        int[] placeOf = new int[commands.size()];
        int i = 0;
        while (i < commands.size()) {
            String key = keys.get(i);
            Batch p = nodes.pipeline(key);
            p.send(Command.of(Command.Name.MULTI));
            int n = 0;
            for (; i < commands.size() && keys.get(i).equals(key); i++, n++) {
                p.send(commands.get(i));
                execOf[i] = execs.size();
                placeOf[i] = n;
            }
            execs.add(p.send(Command.of(Command.Name.EXEC)));
            sizes.add(n);
        }
        nodes.sync();
        int errors = 0;
        Exception first = null;
        for (Reply<Object> exec : execs) {
            Object replies;
            try {
                replies = exec.get();
            } catch (ReplyError e) { // EXECABORT: a command was refused when queued (READONLY, OOM, NOPERM, MOVED)
                errors++;
                first = first == null ? (Exception) e.getCause() : first;
                continue;
            }
            for (Object reply : (List<Object>) replies) {
                if (reply instanceof Exception e) {
                    errors++;
                    first = first == null ? e : first;
                }
            }
        }
        if (errors > 0) {
            throw new RedisFailure(RedisFailure.Operation.WRITE, errors + " of " + execs.size()
                    + " per-key transactions of the write unit failed, the others applied; first: " + first.getMessage(), first);
        }
        for (int[] t : touches) {
            collectLost(((List<Object>) execs.get(execOf[t[1]]).get()).get(placeOf[t[1]]));
        }
        touches.clear();
        checkFence(nodes, " after writing (a takeover happened during the write; what landed stays until the new writer rewrites it)");
    }

    private void checkFence(Nodes nodes, String when) {
        Reply<String> holder = nodes.pipeline(Keys.LEADER).get(Keys.LEADER);
        Reply<String> epoch = nodes.pipeline(Keys.EPOCH).get(Keys.EPOCH);
        nodes.sync();
        if (!fence.instance().equals(holder.get()) || !Long.toString(fence.token()).equals(epoch.get())) {
            throw RedisFailure.fenced("fenced: this instance holds " + fence + ", but the lease is held by '" + holder.get()
                    + "' and the epoch is '" + epoch.get() + "'" + (when.isEmpty() ? "; nothing written" : when));
        }
    }

    /**
     * Runs the units in one pipeline.
     *
     * @throws RedisFailure of kind {@code fenced} when the lease or the epoch is not, or stopped being, ours
     *                      (that unit and every later one applied nothing; the message says how many landed
     *                      before); of another kind when a command was refused before EXEC (its unit applied
     *                      nothing) or failed inside it (the others applied)
     */
    @SuppressWarnings("unchecked")
    private void check(Server server) {
        int units = execs.size();
        for (Reply<Object> r : other) {
            r.get();
        }
        for (Reply<Object> check : checks) {
            check.get(); // a check that could not run (NOPERM on EVAL) is a failure, never a silent pass
        }
        int landed = 0;
        for (int u = 0; u < units; u++) {
            for (Reply<Object> r : queued.get(u)) {
                try {
                    r.get();
                } catch (ReplyError e) {
                    throw new RedisFailure(RedisFailure.Operation.WRITE, "refused before EXEC, unit " + (u + 1) + " of " + units
                            + " applied nothing (" + landed + " landed before it): " + e.getMessage(), e.getCause());
                }
            }
            Object replies = execs.get(u).get();
            if (replies == null) { // the check touched the guard, or the lease or epoch changed before EXEC
                throw landed == 0 ? fenced(server.get(Keys.LEADER), server.get(Keys.EPOCH)) // one more round trip, only when fenced
                        : RedisFailure.fenced("fenced during the write: this instance holds " + fence + ", but the lease or epoch moved on; "
                        + landed + " of " + units + " units landed before (whole units; the new writer rewrites them), the rest applied nothing");
            }
            int errors = 0;
            Exception first = null;
            for (Object reply : (List<Object>) replies) {
                if (reply instanceof Exception e) {
                    errors++;
                    first = first == null ? e : first;
                }
            }
            if (errors > 0) {
                throw new RedisFailure(RedisFailure.Operation.WRITE, errors + " commands failed inside unit " + (u + 1) + " of " + units
                        + ", first: " + first.getMessage(), first);
            }
            for (int[] t : touches) {
                if (t[0] == u) {
                    collectLost(((List<Object>) replies).get(t[1]));
                }
            }
            landed++;
        }
    }

    private RedisFailure fenced(String holder, String epoch) {
        return RedisFailure.fenced("fenced: this instance holds " + fence + ", but the lease is held by '" + holder
                + "' and the epoch is '" + epoch + "'; nothing written");
    }
}
