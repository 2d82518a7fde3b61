package com.quantumtrader.allocation.redis.client;

import java.util.List;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * An error reply of Redis to one command ({@code WRONGTYPE ...}, {@code NOPERM ...}, {@code OOM ...}): the
 * command was refused, the connection is fine. Unless the caller handles it, {@link RedisConnection#call}
 * turns it into a {@link RedisFailure} exactly as if Redis's own exception had reached it.
 */
public final class ReplyError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReplyError(RuntimeException redisError) {
        super(redisError.getMessage(), redisError);
    }

    /** Whether Redis answered WRONGTYPE: the key holds another type (an input, not Redis, is at fault). */
    public boolean isWrongType() {
        return getMessage() != null && getMessage().startsWith("WRONGTYPE");
    }

    /** Whether the ACL denied the command or the key (NOPERM). */
    public boolean isDenied() {
        return getMessage() != null && getMessage().startsWith("NOPERM");
    }

    /** Redis's own error, as Jedis raised it. */
    RuntimeException redisError() {
        return (RuntimeException) getCause();
    }

    /** Whether {@code reply} (an element of EXEC's reply) is an error reply. */
    public static boolean isError(Object reply) {
        return reply instanceof JedisDataException;
    }

    /** The first error reply in {@code replies} (EXEC's reply), as a {@link ReplyError}, or null. */
    public static ReplyError firstIn(List<?> replies) {
        for (Object r : replies) {
            if (r instanceof JedisDataException e) {
                return new ReplyError(e);
            }
        }
        return null;
    }

    /** Runs a Jedis call, its error reply as a {@link ReplyError}. */
    static <T> T wrap(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (JedisDataException e) {
            throw new ReplyError(e);
        }
    }
}
