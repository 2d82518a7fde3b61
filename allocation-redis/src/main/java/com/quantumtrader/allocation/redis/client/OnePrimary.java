package com.quantumtrader.allocation.redis.client;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;

/** The one primary of a standalone server or of a Sentinel's master, borrowed for one call. */
final class OnePrimary extends Nodes {

    private final Server server;

    OnePrimary(AtomicLong roundTrips, Jedis jedis, String address) {
        super(roundTrips);
        this.server = new Server(jedis, address);
    }

    @Override
    public boolean oneServer() {
        return true;
    }

    @Override
    public Server single() {
        return server;
    }

    @Override
    public Server server(String key) {
        return server;
    }

    @Override
    public List<Server> primaries() {
        return List.of(server);
    }

    @Override
    void release() {
        server.jedis().close();
    }
}
