package com.quantumtrader.allocation.redis.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The servers of one {@link RedisConnection#call}: the one primary of a standalone or Sentinel
 * deployment ({@link OnePrimary}), or the primaries of a Redis Cluster ({@link ClusterPrimaries}), each
 * borrowed at its first use and given back when the call ends. Commands go to the server that owns their
 * key ({@link #pipeline(String)}); each server's pipeline is one round trip per {@link #sync()}, so a
 * read costs a constant per server.
 */
public abstract class Nodes implements AutoCloseable {

    private final AtomicLong roundTrips;
    private final Map<Server, Batch> open = new LinkedHashMap<>();

    Nodes(AtomicLong roundTrips) {
        this.roundTrips = Objects.requireNonNull(roundTrips, "roundTrips");
    }

    /**
     * Whether every key lives on one server, so one transaction (WATCH, MULTI) may span any keys. False in a
     * Redis Cluster, where a transaction stays within one slot.
     */
    public abstract boolean oneServer();

    /**
     * The one primary, for what only a single server can do (WATCH and MULTI over several keys).
     *
     * @throws IllegalStateException when {@link #oneServer()} is false
     */
    public abstract Server single();

    /** The primary that owns {@code key}, borrowed for this call. */
    public abstract Server server(String key);

    /**
     * Every primary: the one, or in a Cluster each node that serves slots now (sorted by address, so
     * every runner walks them in the same order).
     */
    public abstract List<Server> primaries();

    /** The open pipeline of the server that owns {@code key} (opened at first use, sent by {@link #sync()}). */
    public Batch pipeline(String key) {
        return open.computeIfAbsent(server(key), s -> new Batch(s.jedis().pipelined()));
    }

    /** Sends every open pipeline and reads its replies: one round trip per server that had a command. */
    public void sync() {
        for (Batch b : open.values()) {
            b.sync();
            roundTrips.incrementAndGet();
        }
        open.clear();
    }

    /** Counts one round trip made on a server of this call (a command sent alone). */
    public void countRoundTrip() {
        roundTrips.incrementAndGet();
    }

    /** Every key matching {@code pattern} on every primary (SCAN, never KEYS; a key may come twice): one round trip per page. */
    public void scan(String pattern, Consumer<String> consumer) {
        for (Server server : primaries()) {
            roundTrips.addAndGet(server.scan(pattern, consumer));
        }
    }

    /** {@link #scan(String, Consumer)} collected. */
    public List<String> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        scan(pattern, keys::add);
        return keys;
    }

    /** Gives every borrowed connection back: {@code release(boolean)} of each, broken when its replies were never read. */
    @Override
    public void close() {
        for (Server s : open.keySet()) {
            s.jedis().getConnection().setBroken(); // replies never read: the connection must not go back to a pool
        }
        open.clear();
        release();
    }

    /** Gives the borrowed connections back (a broken one is closed by its pool). */
    abstract void release();
}
