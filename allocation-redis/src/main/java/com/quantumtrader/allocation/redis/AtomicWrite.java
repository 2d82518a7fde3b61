package com.quantumtrader.allocation.redis;

import java.util.ArrayList;
import java.util.List;
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
 * MULTI, the commands and EXEC sent as one pipeline (one round trip), keeping every reply. Jedis's
 * own {@code Transaction} drops the replies to the queued commands, so a command Redis refuses
 * before EXEC (READONLY on a replica, OOM at maxmemory, NOPERM) surfaced only as
 * "EXECABORT Transaction discarded because of previous errors"; here it is reported by its own
 * error, which names the cause.
 */
final class AtomicWrite {

    private final Pipeline pipeline;
    private final Response<Object> multi;
    private final List<Response<Object>> queued = new ArrayList<>();

    AtomicWrite(Jedis jedis) {
        this.pipeline = jedis.pipelined();
        this.multi = append(Protocol.Command.MULTI);
    }

    /** Queues one command inside the transaction. */
    void add(ProtocolCommand command, Object... args) {
        queued.add(append(command, args));
    }

    /**
     * Sends EXEC and waits for every reply.
     *
     * @return the replies of the queued commands, in order; an element is a {@link JedisDataException}
     *         where Redis failed that command inside EXEC (the others were applied)
     * @throws RedisFailure when Redis refused a command before EXEC: then nothing was applied
     */
    @SuppressWarnings("unchecked")
    List<Object> exec() {
        Response<Object> exec = append(Protocol.Command.EXEC);
        pipeline.sync();
        multi.get();
        for (Response<Object> r : queued) {
            try {
                r.get();
            } catch (JedisDataException e) {
                throw new RedisFailure(RedisFailure.Operation.WRITE, "refused before EXEC, nothing applied: " + e.getMessage(), e);
            }
        }
        Object replies = exec.get();
        if (replies == null) {
            throw new RedisFailure(RedisFailure.Operation.WRITE, "transaction aborted", null);
        }
        return (List<Object>) replies;
    }

    private Response<Object> append(ProtocolCommand command, Object... args) {
        return pipeline.appendCommand(new CommandObject<>(new CommandArguments(command).addObjects(args), BuilderFactory.RAW_OBJECT));
    }
}
