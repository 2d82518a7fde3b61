package com.quantumtrader.allocation.redis;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Reads the cycle stream {@code quantum:stream:allocation.cycle} over a time window, by entry id
 * time, in pages: the go-live report's input. Memory does not grow with the window: each entry is
 * decoded and handed on, then dropped.
 */
public final class CycleStream {

    /** Entries per {@code XRANGE} page. */
    static final int PAGE = 1000;

    private final RedisConnection connection;

    public CycleStream(RedisConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /**
     * Hands every entry whose id time is in [{@code from}, {@code to}] to {@code sink}, in stream order,
     * decoded ({@link CycleEntry#decode}: an entry that does not decode comes as invalid, with its reason).
     *
     * @return the number of entries read
     */
    public long read(Instant from, Instant to, Consumer<Decoded<CycleEntry>> sink) {
        Objects.requireNonNull(sink, "sink");
        StreamEntryID end = new StreamEntryID(to.toEpochMilli(), Long.MAX_VALUE);
        StreamEntryID start = new StreamEntryID(Math.max(0, from.toEpochMilli()), 0);
        long n = 0;
        while (true) {
            StreamEntryID page = start;
            List<StreamEntry> entries = connection.call(RedisFailure.Operation.READ,
                    nodes -> nodes.node(Keys.CYCLE_STREAM).xrange(Keys.CYCLE_STREAM, page, end, PAGE));
            for (StreamEntry e : entries) {
                sink.accept(CycleEntry.decode(e.getFields()));
                n++;
            }
            if (entries.size() < PAGE) {
                return n;
            }
            StreamEntryID lastId = entries.get(entries.size() - 1).getID();
            start = new StreamEntryID(lastId.getTime(), lastId.getSequence() + 1);
        }
    }
}
