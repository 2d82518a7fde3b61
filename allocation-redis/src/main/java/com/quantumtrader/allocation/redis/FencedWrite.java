package com.quantumtrader.allocation.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One write unit (DESIGN sections 4 and 10) as a fenced transaction, two round trips on one
 * connection: {@code WATCH} the lease and the epoch and read them; unless the lease names this
 * instance and the epoch is its token, nothing is sent; otherwise {@code MULTI}, the commands and
 * {@code EXEC} in one pipeline. The watch is set before the check, so if either key changes between
 * the check and EXEC (a standby took over), EXEC applies nothing. A runner that paused past its lease
 * and wakes up lands nothing. No reader ever sees half a unit.
 *
 * <p>Every queued reply is kept (Jedis's {@code Transaction} drops them), so a command refused before
 * EXEC (READONLY, OOM, NOPERM) is reported by its own error, not as EXECABORT. Like any EXEC, a
 * command failing inside it (a wrong type) does not undo the others: the failure is reported whole,
 * naming the first error, and the caller re-reads what it holds from Redis.
 *
 * <p>Why not one Lua script that checks and writes: measured at 10,000 symbols it doubled the write
 * (208 -> 531 ms median, Redis CPU 155 -> 233 ms per cycle): a script's arguments are all sent, then
 * copied into Lua, before anything runs, where a pipelined transaction overlaps sending and queuing.
 */
final class FencedWrite {

    private final Fence fence;
    private final List<CommandArguments> commands = new ArrayList<>();
    /** The key of each command (its first argument), to route it in a Cluster. */
    private final List<String> keys = new ArrayList<>();

    FencedWrite(Fence fence) {
        this.fence = Objects.requireNonNull(fence, "fence");
    }

    /** Adds one command: its name and arguments. */
    void add(String name, String key, String... args) {
        CommandArguments c = new CommandArguments(command(name)).add(key);
        for (String a : args) {
            c.add(a);
        }
        commands.add(c);
        keys.add(key);
    }

    /** Adds one command: its name, key and prefix arguments, then the fields and values of {@code fields}. */
    void add(String name, String key, Map<String, String> fields, String... prefix) {
        CommandArguments c = new CommandArguments(command(name)).add(key);
        for (String p : prefix) {
            c.add(p);
        }
        fields.forEach((k, v) -> c.add(k).add(v));
        commands.add(c);
        keys.add(key);
    }

    /**
     * Runs the unit: on one server as one fenced transaction; in a Cluster, where one transaction
     * cannot span slots, as {@link #runClustered(Nodes)}.
     *
     * @throws RedisFailure as {@link #run(Jedis)}
     */
    void run(Nodes nodes) {
        if (nodes.clustered()) {
            runClustered(nodes);
        } else {
            run(nodes.single());
            nodes.countRoundTrip(); // WATCH + check
            nodes.countRoundTrip(); // MULTI ... EXEC
        }
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
        List<Response<Object>> execs = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int i = 0;
        while (i < commands.size()) {
            String key = keys.get(i);
            Pipeline p = nodes.pipeline(key);
            append(p, Protocol.Command.MULTI, new CommandArguments(Protocol.Command.MULTI));
            int n = 0;
            for (; i < commands.size() && keys.get(i).equals(key); i++, n++) {
                p.appendCommand(new CommandObject<>(commands.get(i), BuilderFactory.RAW_OBJECT));
            }
            execs.add(append(p, Protocol.Command.EXEC, new CommandArguments(Protocol.Command.EXEC)));
            sizes.add(n);
        }
        nodes.sync();
        int errors = 0;
        Exception first = null;
        for (Response<Object> exec : execs) {
            Object replies;
            try {
                replies = exec.get();
            } catch (JedisDataException e) { // EXECABORT: a command was refused when queued (READONLY, OOM, NOPERM, MOVED)
                errors++;
                first = first == null ? e : first;
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
        checkFence(nodes, " after writing (a takeover happened during the write; what landed stays until the new writer rewrites it)");
    }

    private void checkFence(Nodes nodes, String when) {
        Response<String> holder = nodes.pipeline(Keys.LEADER).get(Keys.LEADER);
        Response<String> epoch = nodes.pipeline(Keys.EPOCH).get(Keys.EPOCH);
        nodes.sync();
        if (!fence.instance().equals(holder.get()) || !Long.toString(fence.token()).equals(epoch.get())) {
            throw RedisFailure.fenced("fenced: this instance holds " + fence + ", but the lease is held by '" + holder.get()
                    + "' and the epoch is '" + epoch.get() + "'" + (when.isEmpty() ? "; nothing written" : when));
        }
    }

    /**
     * Runs the unit.
     *
     * @throws RedisFailure of kind {@code fenced} when the lease or the epoch is not, or stopped being, ours
     *                      (nothing was applied); of another kind when a command was refused before EXEC
     *                      (nothing applied) or failed inside it (the others applied)
     */
    @SuppressWarnings("unchecked")
    private void run(Jedis jedis) {
        boolean watching = false;
        try {
            Pipeline check = jedis.pipelined();
            Response<Object> watched = append(check, Protocol.Command.WATCH,
                    new CommandArguments(Protocol.Command.WATCH).key(Keys.LEADER).key(Keys.EPOCH));
            Response<String> holder = check.get(Keys.LEADER);
            Response<String> epoch = check.get(Keys.EPOCH);
            check.sync();
            watched.get();
            watching = true;
            if (!fence.instance().equals(holder.get()) || !Long.toString(fence.token()).equals(epoch.get())) {
                throw fenced(holder.get(), epoch.get());
            }
            Pipeline p = jedis.pipelined();
            Response<Object> multi = append(p, Protocol.Command.MULTI, new CommandArguments(Protocol.Command.MULTI));
            List<Response<Object>> queued = new ArrayList<>(commands.size());
            for (CommandArguments c : commands) {
                queued.add(p.appendCommand(new CommandObject<>(c, BuilderFactory.RAW_OBJECT)));
            }
            Response<Object> exec = append(p, Protocol.Command.EXEC, new CommandArguments(Protocol.Command.EXEC));
            p.sync();
            watching = false; // EXEC ends the watch, whatever its outcome
            multi.get();
            for (Response<Object> r : queued) {
                try {
                    r.get();
                } catch (JedisDataException e) {
                    throw new RedisFailure(RedisFailure.Operation.WRITE, "refused before EXEC, nothing applied: " + e.getMessage(), e);
                }
            }
            Object replies = exec.get();
            if (replies == null) { // the watch fired: the lease or the epoch changed after the check
                throw fenced("(changed during the write)", "(changed during the write)");
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
                throw new RedisFailure(RedisFailure.Operation.WRITE, errors + " of " + commands.size()
                        + " commands failed inside the write unit, first: " + first.getMessage(), first);
            }
        } finally {
            if (watching) {
                try {
                    jedis.unwatch(); // never hand a pooled connection back with a watch set
                } catch (RuntimeException ignored) {
                    // a broken connection: the pool discards it, and the first failure is the one reported
                }
            }
        }
    }

    private RedisFailure fenced(String holder, String epoch) {
        return RedisFailure.fenced("fenced: this instance holds " + fence + ", but the lease is held by '" + holder
                + "' and the epoch is '" + epoch + "'; nothing written");
    }

    private static Response<Object> append(Pipeline p, ProtocolCommand command, CommandArguments args) {
        return p.appendCommand(new CommandObject<>(args, BuilderFactory.RAW_OBJECT));
    }

    private static ProtocolCommand command(String name) {
        return Protocol.Command.valueOf(name);
    }
}
