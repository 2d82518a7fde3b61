package com.quantumtrader.allocation.redis.client;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The open pipeline of one server in one {@link Nodes} call: each command is queued, every reply is
 * read at {@link Nodes#sync()} (one round trip per server).
 */
public final class Batch {

    private final Pipeline pipeline;

    Batch(Pipeline pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    }

    /**
     * {@code HMGET key fields...}, the key and the pre-encoded field names handed to Jedis as they are (its own
     * {@code hmget(String, String...)} encodes every name and copies every argument again).
     */
    public Reply<List<String>> hmget(String key, Arg[] fields) {
        CommandArguments args = new CommandArguments(Protocol.Command.HMGET).add(Arg.of(key));
        for (Arg f : fields) {
            args.add(f);
        }
        return new Reply<>(pipeline.appendCommand(new CommandObject<>(args, BuilderFactory.STRING_LIST)));
    }

    /** {@code HMGET key fields...}. */
    public Reply<List<String>> hmget(String key, String... fields) {
        return new Reply<>(pipeline.hmget(key, fields));
    }

    /** {@code HGETALL key}. */
    public Reply<Map<String, String>> hgetAll(String key) {
        return new Reply<>(pipeline.hgetAll(key));
    }

    /** {@code PTTL key}: milliseconds to live, -1 without an expiry, -2 when the key does not exist. */
    public Reply<Long> pttl(String key) {
        return new Reply<>(pipeline.pttl(key));
    }

    /** {@code HLEN key}: 0 when the key does not exist. */
    public Reply<Long> hlen(String key) {
        return new Reply<>(pipeline.hlen(key));
    }

    /** {@code HGET key field}. */
    public Reply<String> hget(String key, String field) {
        return new Reply<>(pipeline.hget(key, field));
    }

    /** {@code HSET key field value}. */
    public Reply<Long> hset(String key, String field, String value) {
        return new Reply<>(pipeline.hset(key, field, value));
    }

    /** {@code PEXPIRE key millis}. */
    public Reply<Long> pexpire(String key, long millis) {
        return new Reply<>(pipeline.pexpire(key, millis));
    }

    /** {@code GET key}. */
    public Reply<String> get(String key) {
        return new Reply<>(pipeline.get(key));
    }

    /** {@code SET key value NX PX millis}: {@code OK} when set, null when the key exists. */
    public Reply<String> setIfAbsent(String key, String value, long millis) {
        return new Reply<>(pipeline.set(key, value, SetParams.setParams().nx().px(millis)));
    }

    /** {@code SET key value NX}: {@code OK} when set, null when the key exists. */
    public Reply<String> setIfAbsent(String key, String value) {
        return new Reply<>(pipeline.set(key, value, SetParams.setParams().nx()));
    }

    /** {@code INCR key}. */
    public Reply<Long> incr(String key) {
        return new Reply<>(pipeline.incr(key));
    }

    /** {@code EXISTS keys...}: how many exist (all in one slot in a Cluster). */
    public Reply<Long> exists(String... keys) {
        return new Reply<>(pipeline.exists(keys));
    }

    /** {@code DEL key}. */
    public Reply<Long> del(String key) {
        return new Reply<>(pipeline.del(key));
    }

    /** {@code EVAL script numkeys keys... args...}. */
    public Reply<Object> eval(String script, List<String> keys, List<String> args) {
        return new Reply<>(pipeline.eval(script, keys, args));
    }

    /** {@code TIME}: seconds and microseconds. */
    public Reply<List<String>> time() {
        return new Reply<>(pipeline.time());
    }

    /** The last {@code count} entries of a stream, newest first ({@code XREVRANGE key + - COUNT count}): empty when the stream is. */
    public Reply<List<StreamRecord>> lastEntries(String key, int count) {
        return new Reply<>(pipeline.xrevrange(key, "+", "-", count), Server::records);
    }

    /** Any command, its reply as Redis sent it. */
    public Reply<Object> send(Command command) {
        return new Reply<>(pipeline.appendCommand(new CommandObject<>(command.args, BuilderFactory.RAW_OBJECT)));
    }

    void sync() {
        pipeline.sync();
    }

}
