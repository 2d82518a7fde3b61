package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.StreamRecord;

import com.quantumtrader.allocation.redis.wire.CycleEntry;
import com.quantumtrader.allocation.redis.wire.DecisionEntry;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.RemovalEntry;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;

import com.quantumtrader.allocation.core.WritePlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads the cycle stream {@code quantum:stream:allocation.cycle} and the decision stream over a time
 * window, by entry id time, in pages: the go-live report's input. Memory does not grow with the
 * window: each entry is decoded and handed on, then dropped.
 */
public final class CycleStream {

    /** Entries per {@code XRANGE} page. */
    static final int PAGE = 1000;

    /** One decision stream entry of the window, in stream order: a target written (new or changed), or one removed. */
    public sealed interface Change permits Written, Removed {
    }

    /** A {@code new} or {@code changed} entry. */
    public record Written(DecisionEntry entry) implements Change {
    }

    /** A {@code removed} entry. */
    public record Removed(RemovalEntry entry) implements Change {
    }

    private final RedisConnection connection;

    public CycleStream(RedisConnection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /**
     * Hands every cycle entry whose id time is in [{@code from}, {@code to}] to {@code sink}, in stream order,
     * decoded ({@link CycleEntry#decode}: an entry that does not decode comes as invalid, with its reason).
     *
     * @return the number of entries read
     */
    public long read(Instant from, Instant to, Consumer<Decoded<CycleEntry>> sink) {
        Objects.requireNonNull(sink, "sink");
        long[] n = {0};
        page(Keys.CYCLE_STREAM, from, to, fields -> {
            sink.accept(CycleEntry.decode(fields));
            n[0]++;
        });
        return n[0];
    }

    /**
     * Hands every decision stream entry whose id time is in [{@code from}, {@code to}] to {@code sink}, in
     * stream order; an entry that decodes as neither kind is counted and skipped.
     *
     * @return {entries read, entries that did not decode}
     */
    public long[] readDecisions(Instant from, Instant to, Consumer<Change> sink) {
        Objects.requireNonNull(sink, "sink");
        long[] counts = new long[2];
        page(Keys.DECISION_STREAM, from, to, fields -> {
            counts[0]++;
            if (WritePlan.REMOVED.equals(fields.get(DecisionEntry.CHANGE))) {
                if (RemovalEntry.decode(fields) instanceof Decoded.Valid<RemovalEntry> v) {
                    sink.accept(new Removed(v.value()));
                    return;
                }
            } else if (DecisionEntry.decode(fields) instanceof Decoded.Valid<DecisionEntry> v) {
                sink.accept(new Written(v.value()));
                return;
            }
            counts[1]++;
        });
        return counts;
    }

    /**
     * Hands every audit entry of the operator's controls ({@link Keys#CONTROL_STREAM}: a mode or a scoped control set or
     * cleared, who, why) whose id time is in [{@code from}, {@code to}] to {@code sink}, in stream order, with its id time.
     * A stream of the wrong type reads as empty.
     *
     * @return the number of entries read
     */
    public long readControls(Instant from, Instant to, java.util.function.BiConsumer<Instant, Map<String, String>> sink) {
        Objects.requireNonNull(sink, "sink");
        long[] n = {0};
        try {
            pageRecords(Keys.CONTROL_STREAM, from, to, e -> {
                sink.accept(Instant.ofEpochMilli(e.millis()), e.fields());
                n[0]++;
            });
        } catch (RedisFailure e) {
            if (e.kind() != RedisFailure.Kind.WRONG_TYPE) {
                throw e;
            }
        }
        return n[0];
    }

    private void page(String key, Instant from, Instant to, Consumer<Map<String, String>> sink) {
        pageRecords(key, from, to, e -> sink.accept(e.fields()));
    }

    private void pageRecords(String key, Instant from, Instant to, Consumer<StreamRecord> sink) {
        long end = to.toEpochMilli();
        long[] start = {Math.max(0, from.toEpochMilli()), 0};
        while (true) {
            long millis = start[0];
            long sequence = start[1];
            List<StreamRecord> entries = connection.call(RedisFailure.Operation.READ,
                    nodes -> nodes.server(key).range(key, millis, sequence, end, PAGE));
            for (StreamRecord e : entries) {
                sink.accept(e);
            }
            if (entries.size() < PAGE) {
                return;
            }
            StreamRecord last = entries.get(entries.size() - 1);
            start = new long[] {last.millis(), last.sequence() + 1};
        }
    }
}
