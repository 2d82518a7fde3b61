package com.quantumtrader.allocation.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One write unit (DESIGN sections 4 and 10): its commands run in one script, after the script has
 * checked that {@code quantum:allocation:leader} still holds this instance and
 * {@code quantum:allocation:epoch} still holds its token. A script runs atomically, so no reader
 * sees half a unit and no other client writes between the check and the last command: a runner
 * that paused past its lease and wakes up lands nothing. One round trip.
 *
 * <p>Like EXEC, a command that fails inside the unit (a wrong type, OOM, NOPERM, READONLY) does
 * not undo the others; the failure is reported whole, naming the first error, and the caller
 * re-reads what it holds from Redis.
 */
final class FencedWrite {

    /**
     * KEYS: lease, epoch. ARGV: instance, token, then per command its argument count and arguments.
     * Returns {0, holder, epoch} when fenced (nothing written), else {1, errors, first error}.
     */
    static final String SCRIPT = String.join("\n",
            "local holder = redis.call('GET', KEYS[1])",
            "local epoch = redis.call('GET', KEYS[2])",
            "if holder ~= ARGV[1] or epoch ~= ARGV[2] then",
            "  return {0, holder or '', epoch or ''}",
            "end",
            "local errors, first, i, n = 0, '', 3, #ARGV",
            "while i <= n do",
            "  local count = tonumber(ARGV[i])",
            "  local reply = redis.pcall(unpack(ARGV, i + 1, i + count))",
            "  if type(reply) == 'table' and reply.err then",
            "    errors = errors + 1",
            "    if first == '' then first = reply.err end",
            "  end",
            "  i = i + count + 1",
            "end",
            "return {1, errors, first}");

    private final Fence fence;
    private final List<String> args = new ArrayList<>();
    private int commands;

    FencedWrite(Fence fence) {
        this.fence = Objects.requireNonNull(fence, "fence");
        args.add(fence.instance());
        args.add(Long.toString(fence.token()));
    }

    /** Adds one command: its name and arguments. */
    void add(String... command) {
        args.add(Integer.toString(command.length));
        for (String a : command) {
            args.add(a);
        }
        commands++;
    }

    /** Adds one command: its name, key and prefix arguments, then the fields and values of {@code fields}. */
    void add(String name, String key, java.util.Map<String, String> fields, String... prefix) {
        args.add(Integer.toString(2 + prefix.length + 2 * fields.size()));
        args.add(name);
        args.add(key);
        for (String p : prefix) {
            args.add(p);
        }
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        commands++;
    }

    int size() {
        return commands;
    }

    /**
     * Runs the unit.
     *
     * @throws RedisFailure of kind {@code fenced} when the lease or the epoch is no longer ours (nothing was
     *                      applied), or naming the first error when a command failed inside the unit
     */
    @SuppressWarnings("unchecked")
    void run(Jedis jedis) {
        Object reply;
        try {
            reply = jedis.eval(SCRIPT, List.of(Keys.LEADER, Keys.EPOCH), args);
        } catch (JedisDataException e) {
            throw new RedisFailure(RedisFailure.Operation.WRITE, "refused, nothing applied: " + e.getMessage(), e);
        }
        List<Object> r = (List<Object>) reply;
        if (Long.valueOf(0).equals(r.get(0))) {
            throw RedisFailure.fenced("fenced: this instance holds " + fence + ", but the lease is held by '"
                    + r.get(1) + "' and the epoch is '" + r.get(2) + "'; nothing written");
        }
        long errors = (Long) r.get(1);
        if (errors > 0) {
            String first = String.valueOf(r.get(2));
            throw new RedisFailure(RedisFailure.Operation.WRITE, errors + " of " + commands + " commands failed inside the write unit, first: "
                    + first, new JedisDataException(first));
        }
    }
}
