package com.quantumtrader.allocation.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/** A throwaway redis-server from the embedded-redis jar on a free loopback port, for the demo and the bench. */
final class EmbeddedRedis implements AutoCloseable {

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static EmbeddedRedis start() {
        int port = freePort();
        try {
            RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no")
                    .setting("dir " + System.getProperty("java.io.tmpdir"))
                    .build();
            server.start();
            return new EmbeddedRedis(server, port);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not start the embedded redis-server (" + e.getMessage()
                    + "); pass --redis-url to use a running Redis instead", e);
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
