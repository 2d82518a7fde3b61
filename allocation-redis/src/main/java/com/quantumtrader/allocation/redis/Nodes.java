package com.quantumtrader.allocation.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The connections of one {@link RedisConnection#call}: the one primary of a standalone or Sentinel
 * deployment, or the primaries of a Redis Cluster, each borrowed at its first use and given back when
 * the call ends. Commands go to the node that owns their key ({@link #pipeline(String)}); each node's
 * pipeline is one round trip per {@link #sync()}, so a read costs a constant per node.
 */
final class Nodes implements AutoCloseable {

    private final RedisConnection connection;
    private final Jedis single;
    private final String singleAddress;
    private final ClusterConnectionProvider cluster;
    private final Map<HostAndPort, Jedis> borrowed = new LinkedHashMap<>();
    private final Map<Jedis, Pipeline> open = new LinkedHashMap<>();

    /** The one primary. */
    Nodes(RedisConnection connection, Jedis single, String address) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.single = Objects.requireNonNull(single, "single");
        this.singleAddress = Objects.requireNonNull(address, "address");
        this.cluster = null;
    }

    /** The primaries of a Cluster. */
    Nodes(RedisConnection connection, ClusterConnectionProvider cluster) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.single = null;
        this.singleAddress = null;
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    /** True in a Redis Cluster: keys live on several nodes and there are no multi-key transactions. */
    boolean clustered() {
        return cluster != null;
    }

    /**
     * The one primary, for what only a single node can do (WATCH and MULTI over several keys).
     *
     * @throws IllegalStateException in a Cluster
     */
    Jedis single() {
        if (single == null) {
            throw new IllegalStateException("a multi-key transaction was asked of a Redis Cluster");
        }
        return single;
    }

    /** The primary that owns {@code key}, borrowed for this call. */
    Jedis node(String key) {
        if (single != null) {
            return single;
        }
        HostAndPort owner = cluster.getNode(JedisClusterCRC16.getSlot(key));
        if (owner == null) {
            throw new IllegalStateException("no node serves the slot of key '" + key + "' (the cluster is not covering all slots)");
        }
        return borrow(owner);
    }

    /** The open pipeline of the node that owns {@code key} (opened at first use, sent by {@link #sync()}). */
    Pipeline pipeline(String key) {
        return open.computeIfAbsent(node(key), Jedis::pipelined);
    }

    /** Counts one round trip made on a connection of this call (a SCAN page, a script). */
    void countRoundTrip() {
        connection.countRoundTrip();
    }

    /** Sends every open pipeline and reads its replies: one round trip per node that had a command. */
    void sync() {
        for (Pipeline p : open.values()) {
            p.sync();
            connection.countRoundTrip();
        }
        open.clear();
    }

    /**
     * Every primary: the one, or in a Cluster each node that serves slots now (sorted by address, so
     * every runner walks them in the same order).
     */
    List<Jedis> primaries() {
        if (single != null) {
            return List.of(single);
        }
        TreeSet<HostAndPort> owners = new TreeSet<>(Comparator.comparing(HostAndPort::toString));
        for (int slot = 0; slot < 16384; slot++) {
            HostAndPort owner = cluster.getNode(slot);
            if (owner == null) {
                throw new IllegalStateException("no node serves slot " + slot + " (the cluster is not covering all slots)");
            }
            owners.add(owner);
        }
        List<Jedis> nodes = new ArrayList<>(owners.size());
        for (HostAndPort owner : owners) {
            nodes.add(borrow(owner));
        }
        return nodes;
    }

    /** The {@code host:port} of a node of this call. */
    String address(Jedis node) {
        if (node == single) {
            return singleAddress;
        }
        for (Map.Entry<HostAndPort, Jedis> e : borrowed.entrySet()) {
            if (e.getValue() == node) {
                return e.getKey().toString();
            }
        }
        throw new IllegalArgumentException("not a node of this call");
    }

    private Jedis borrow(HostAndPort owner) {
        return borrowed.computeIfAbsent(owner, o -> new Jedis(cluster.getConnection(o)));
    }

    /** Gives every borrowed connection back (a broken one is closed by its pool). */
    @Override
    public void close() {
        for (Jedis jedis : open.keySet()) {
            jedis.getConnection().setBroken(); // replies never read: the connection must not go back to a pool
        }
        open.clear();
        RuntimeException first = null;
        for (Jedis jedis : borrowed.values()) {
            try {
                jedis.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        borrowed.clear();
        if (first != null) {
            throw first;
        }
    }
}
