package com.quantumtrader.allocation.redis.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The reply of one pipelined command, readable after {@link Nodes#sync()}.
 *
 * @param <T> the decoded reply
 */
public final class Reply<T> {

    private final Response<?> response;
    private final Function<Object, T> decode;

    @SuppressWarnings("unchecked")
    Reply(Response<? extends T> response) {
        this(response, r -> (T) r);
    }

    <R> Reply(Response<R> response, Function<R, T> decode) {
        this.response = Objects.requireNonNull(response, "response");
        @SuppressWarnings("unchecked")
        Function<Object, T> d = (Function<Object, T>) decode;
        this.decode = d;
    }

    /**
     * The reply.
     *
     * @throws ReplyError when Redis refused the command
     */
    public T get() {
        Object raw;
        try {
            raw = response.get();
        } catch (JedisDataException e) {
            throw new ReplyError(e);
        }
        return decode.apply(raw); // no lambda per reply: a cycle reads some 20,000 of them
    }

    /** The reply, or null when the key holds another type (nothing counted: the caller only asks). */
    public T orNullIfWrongType() {
        try {
            return get();
        } catch (ReplyError e) {
            if (!e.isWrongType()) {
                throw e;
            }
            return null;
        }
    }

    /**
     * HMGET values back to a hash of the fields present, built immutable at once (so a caller that
     * copies it with {@code Map.copyOf} keeps it as it is).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, String> fields(List<String> values, String[] names) {
        if (values == null) {
            return Map.of();
        }
        int present = 0;
        for (int i = 0; i < names.length && i < values.size(); i++) {
            if (values.get(i) != null) {
                present++;
            }
        }
        Map.Entry<String, String>[] entries = new Map.Entry[present];
        int k = 0;
        for (int i = 0; i < names.length && i < values.size(); i++) {
            if (values.get(i) != null) {
                entries[k++] = Map.entry(names[i], values.get(i));
            }
        }
        return Map.ofEntries(entries);
    }
}
