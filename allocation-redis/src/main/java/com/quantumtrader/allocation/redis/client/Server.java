package com.quantumtrader.allocation.redis.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One server's connection in one {@link Nodes} call, for commands sent one at a time (each is one
 * round trip, counted by the caller where it counts). An error reply is a {@link ReplyError}.
 */
public final class Server {

    /** SCAN page size: large pages keep a walk to few round trips without blocking Redis long. */
    static final int SCAN_COUNT = 1000;

    private final Jedis jedis;
    private final String address;

    Server(Jedis jedis, String address) {
        this.jedis = Objects.requireNonNull(jedis, "jedis");
        this.address = Objects.requireNonNull(address, "address");
    }

    /** {@code host:port}. */
    public String address() {
        return address;
    }

    Jedis jedis() {
        return jedis;
    }

    /** {@code GET key}. */
    public String get(String key) {
        return ReplyError.wrap(() -> jedis.get(key));
    }

    /** {@code HGETALL key}. */
    public Map<String, String> hgetAll(String key) {
        return ReplyError.wrap(() -> jedis.hgetAll(key));
    }

    /** {@code HDEL key fields...}. */
    public long hdel(String key, String... fields) {
        return ReplyError.wrap(() -> jedis.hdel(key, fields));
    }

    /** {@code DEL keys...} (one slot in a Cluster). */
    public long del(String... keys) {
        return ReplyError.wrap(() -> jedis.del(keys));
    }

    /** {@code EVAL}. */
    public Object eval(String script, List<String> keys, List<String> args) {
        return ReplyError.wrap(() -> jedis.eval(script, keys, args));
    }

    /** {@code TYPE key}: {@code none}, {@code hash}, {@code stream}... */
    public String type(String key) {
        return ReplyError.wrap(() -> jedis.type(key));
    }

    /** {@code WATCH keys...}. */
    public void watch(String... keys) {
        ReplyError.wrap(() -> jedis.watch(keys));
    }

    /** {@code UNWATCH}. */
    public void unwatch() {
        ReplyError.wrap(jedis::unwatch);
    }

    /** Sends one command and reads its reply (MULTI, a queued command, EXEC: one at a time). */
    public Object exchange(Command command) {
        return ReplyError.wrap(() -> jedis.getConnection().executeCommand(new CommandObject<>(command.args, BuilderFactory.RAW_OBJECT)));
    }

    /** {@code XADD key MAXLEN ~ maxLen * fields...}. */
    public void xadd(String key, long maxLen, Map<String, String> fields) {
        ReplyError.wrap(() -> jedis.xadd(key, XAddParams.xAddParams().maxLen(maxLen).approximateTrimming(), fields));
    }

    /** The last {@code count} entries, newest first. */
    public List<StreamRecord> lastEntries(String key, int count) {
        return ReplyError.wrap(() -> records(jedis.xrevrange(key, "+", "-", count)));
    }

    /** At most {@code count} entries from id {@code fromMillis-fromSequence} to id {@code toMillis-*}, oldest first. */
    public List<StreamRecord> range(String key, long fromMillis, long fromSequence, long toMillis, int count) {
        return ReplyError.wrap(() -> records(jedis.xrange(key, new StreamEntryID(fromMillis, fromSequence),
                new StreamEntryID(toMillis, Long.MAX_VALUE), count)));
    }

    /** {@code ROLE}: the first word of the reply ({@code master}, {@code slave}, {@code sentinel}). */
    public String role() {
        Object reply = ReplyError.wrap(() -> jedis.sendCommand(Protocol.Command.ROLE));
        return reply instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof byte[] b
                ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /** {@code CONFIG GET pattern}. */
    public Map<String, String> configGet(String pattern) {
        return ReplyError.wrap(() -> jedis.configGet(pattern));
    }

    /** Every key of this server matching {@code pattern} (SCAN, never KEYS; a key may come twice), page by page; returns the pages. */
    int scan(String pattern, Consumer<String> consumer) {
        ScanParams params = new ScanParams().match(pattern).count(SCAN_COUNT);
        String cursor = ScanParams.SCAN_POINTER_START;
        int pages = 0;
        do {
            String c = cursor;
            ScanResult<String> page = ReplyError.wrap(() -> jedis.scan(c, params));
            pages++;
            page.getResult().forEach(consumer);
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return pages;
    }

    static List<StreamRecord> records(List<StreamEntry> entries) {
        List<StreamRecord> out = new ArrayList<>(entries.size());
        for (StreamEntry e : entries) {
            out.add(new StreamRecord(e.getID().getTime(), e.getID().getSequence(), e.getFields()));
        }
        return out;
    }
}
