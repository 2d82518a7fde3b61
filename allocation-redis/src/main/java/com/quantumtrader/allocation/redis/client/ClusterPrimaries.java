package com.quantumtrader.allocation.redis.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The primaries of a Redis Cluster, each borrowed at its first use in one call. */
final class ClusterPrimaries extends Nodes {

    private static final int SLOTS = 16384;

    private final ClusterConnectionProvider cluster;
    private final Map<HostAndPort, Server> borrowed = new LinkedHashMap<>();

    ClusterPrimaries(AtomicLong roundTrips, ClusterConnectionProvider cluster) {
        super(roundTrips);
        this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    @Override
    public boolean oneServer() {
        return false;
    }

    @Override
    public Server single() {
        throw new IllegalStateException("a multi-key transaction was asked of a Redis Cluster");
    }

    @Override
    public Server server(String key) {
        HostAndPort owner = cluster.getNode(JedisClusterCRC16.getSlot(key));
        if (owner == null) {
            throw new IllegalStateException("no node serves the slot of key '" + key + "' (the cluster is not covering all slots)");
        }
        return borrow(owner);
    }

    @Override
    public List<Server> primaries() {
        TreeSet<HostAndPort> owners = new TreeSet<>(Comparator.comparing(HostAndPort::toString));
        for (int slot = 0; slot < SLOTS; slot++) {
            HostAndPort owner = cluster.getNode(slot);
            if (owner == null) {
                throw new IllegalStateException("no node serves slot " + slot + " (the cluster is not covering all slots)");
            }
            owners.add(owner);
        }
        List<Server> servers = new ArrayList<>(owners.size());
        for (HostAndPort owner : owners) {
            servers.add(borrow(owner));
        }
        return servers;
    }

    private Server borrow(HostAndPort owner) {
        return borrowed.computeIfAbsent(owner, o -> new Server(new Jedis(cluster.getConnection(o)), o.toString()));
    }

    @Override
    void release() {
        RuntimeException first = null;
        for (Server s : borrowed.values()) {
            try {
                s.jedis().close();
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
