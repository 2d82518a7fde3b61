package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import com.quantumtrader.allocation.redis.wire.Fence;
import com.quantumtrader.allocation.redis.wire.Keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * The one Redis server of the integration tests, chosen once per JVM: {@code REDIS_URL} if set;
 * else Testcontainers {@code redis:7} when a Docker engine answers; else the redis-server binary
 * of the embedded-redis jar on a free loopback port. Also starts dedicated embedded servers for
 * tests that kill and restart Redis.
 */
public final class TestRedis {

    /** {@code DEBUG}, which Jedis does not name (the embedded redis-server 6.2 takes it as it comes). */
    public static final redis.clients.jedis.commands.ProtocolCommand DEBUG =
            () -> "DEBUG".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static TestRedis shared;

    private final String kind;
    private final RedisEndpoint endpoint;
    private final AutoCloseable server;

    private TestRedis(String kind, RedisEndpoint endpoint, AutoCloseable server) {
        this.kind = kind;
        this.endpoint = endpoint;
        this.server = server;
    }

    /** The shared server; started on first use, stopped when the JVM exits. */
    public static synchronized TestRedis shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "test-redis-stop"));
            System.out.println("[TestRedis] using " + shared.kind + " at " + shared.endpoint);
        }
        return shared;
    }

    private static TestRedis start() {
        String url = System.getenv("REDIS_URL");
        if (url != null && !url.isBlank()) {
            return new TestRedis("REDIS_URL", RedisEndpoint.fromUrl(url, Duration.ofSeconds(1), Duration.ofSeconds(5)), null);
        }
        if (dockerAvailable()) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7")).withExposedPorts(6379);
            container.start();
            return new TestRedis("testcontainers redis:7", endpoint(container.getHost(), container.getMappedPort(6379)), container::stop);
        }
        Embedded embedded = Embedded.start(freePort());
        return new TestRedis("embedded redis-server", embedded.endpoint(), embedded::stop);
    }

    /**
     * Asks Testcontainers only where a Docker engine can be: {@code DOCKER_HOST} set or a Docker
     * socket present. (Without one, Testcontainers logs ERROR blocks that look like failures.)
     */
    private static boolean dockerAvailable() {
        boolean candidate = System.getenv("DOCKER_HOST") != null
                || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
                || java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
        if (!candidate) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /** Where the server listens, with test timeouts (1 s connect, 5 s socket). */
    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /** {@code redis://host:port/db} of the server (no password). */
    public String url() {
        return "redis://" + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database();
    }

    /** A plain client with short timeouts, for arranging and inspecting keys as another service would. */
    public Jedis client() {
        Jedis jedis = new Jedis(endpoint.host(), endpoint.port(), 2000);
        if (endpoint.database() != 0) {
            jedis.select(endpoint.database());
        }
        return jedis;
    }

    /** Empties the database; every test calls it first. */
    public void flush() {
        try (Jedis jedis = client()) {
            jedis.flushDB();
        }
    }

    /**
     * The fence of instance {@code test-writer}, holding the writer's lease (no expiry) at the current
     * epoch, taken the first time after a {@link #flush()}: what a test writes as the leader with.
     */
    public Fence lead() {
        try (Jedis jedis = client()) {
            if (!"test-writer".equals(jedis.get(Keys.LEADER))) {
                jedis.set(Keys.LEADER, "test-writer");
                jedis.incr(Keys.EPOCH);
            }
            return new Fence("test-writer", Long.parseLong(jedis.get(Keys.EPOCH)));
        }
    }

    private void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }
    }

    static RedisEndpoint endpoint(String host, int port) {
        return new RedisEndpoint(host, port, 0, Optional.empty(), Optional.empty(), false, Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    /** A free loopback port. */
    /**
     * Incremental reads as the service's default (on), or off when the test run's environment says
     * {@code P29_INCREMENTAL=false}: the suite runs both ways (README, "Tests").
     */
    public static java.util.Optional<InputReader.Incremental> incremental() {
        return "false".equalsIgnoreCase(System.getenv("P29_INCREMENTAL")) ? java.util.Optional.empty()
                : java.util.Optional.of(new InputReader.Incremental(Duration.ofSeconds(60), Duration.ofSeconds(2)));
    }

    /** A reader of the service's kind: incremental unless the run turns it off ({@link #incremental()}). */
    public static InputReader reader(com.quantumtrader.allocation.redis.client.RedisConnection connection, java.util.Map<String, String> fileMap) {
        return new InputReader(connection, fileMap, Integer.MAX_VALUE, incremental());
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A redis-server process of the embedded-redis jar that a test owns: it can stop and restart it on the same port. */
    public static final class Embedded {
        private final int port;
        private final String[] settings;
        private RedisServer server;

        private Embedded(int port, String... settings) {
            this.port = port;
            this.settings = settings;
        }

        /** Starts a server on {@code port} with no persistence, plus any extra redis.conf lines. */
        public static Embedded start(int port, String... settings) {
            Embedded e = new Embedded(port, settings);
            e.restart();
            return e;
        }

        /** (Re)starts the process on the same port. */
        public void restart() {
            try {
                var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                        .setting("save \"\"").setting("appendonly no").setting("dir " + System.getProperty("java.io.tmpdir"))
                        .setting("dbfilename test-redis-" + port + "-" + Instant.now().toEpochMilli() + ".rdb");
                for (String s : settings) {
                    builder.setting(s);
                }
                server = builder.build();
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start redis-server on port " + port, e);
            }
        }

        /** Stops the process (like a crash, as far as clients can tell). */
        public void stop() {
            try {
                if (server != null && server.isActive()) {
                    server.stop();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public int port() {
            return port;
        }

        public RedisEndpoint endpoint() {
            return TestRedis.endpoint("127.0.0.1", port);
        }
    }
}
