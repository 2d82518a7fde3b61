package com.quantumtrader.allocation.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.Pool;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The connections to the configured Redis deployment ({@link RedisDeployment}): a small pool to one
 * server, a pool that follows the primary Sentinel names (across failovers, with no restart), or the
 * per-node pools of a Redis Cluster. Every network round trip is counted and every Redis error turned
 * into a {@link RedisFailure}. Thread-safe. Nothing touches the network until the first call (so a
 * Sentinel or Cluster that is down at start fails cycles, counted, instead of the process).
 */
public final class RedisConnection implements AutoCloseable {

    private static final String CLIENT_NAME = "quantum-capital-allocation";

    private final RedisDeployment deployment;
    private final SSLSocketFactory sslSocketFactory;
    private final AtomicLong roundTrips = new AtomicLong();
    private final Object lock = new Object();
    /** The one server's pool, or the Sentinel-following pool; created at first use. */
    private Pool<Jedis> pool;
    /** The Cluster's slot map and per-node pools; created at first use. */
    private ClusterConnectionProvider cluster;
    private boolean closed;

    /** A standalone server. */
    public RedisConnection(RedisEndpoint endpoint) {
        this(new RedisDeployment.Standalone(endpoint), null);
    }

    /**
     * @param sslSocketFactory for {@code rediss://} with a private CA; {@code null} uses the JVM's trust store
     */
    public RedisConnection(RedisEndpoint endpoint, SSLSocketFactory sslSocketFactory) {
        this(new RedisDeployment.Standalone(endpoint), sslSocketFactory);
    }

    /**
     * @param sslSocketFactory for TLS with a private CA; {@code null} uses the JVM's trust store
     */
    public RedisConnection(RedisDeployment deployment, SSLSocketFactory sslSocketFactory) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.sslSocketFactory = sslSocketFactory;
    }

    /** The deployment this connects to. */
    public RedisDeployment deployment() {
        return deployment;
    }

    private static DefaultJedisClientConfig clientConfig(RedisDeployment.Access access, String name, SSLSocketFactory sslSocketFactory) {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(access.connectTimeout()))
                .socketTimeoutMillis(millis(access.socketTimeout()))
                .clientName(name)
                .ssl(access.tls())
                .database(access.database());
        access.user().ifPresent(client::user);
        access.password().ifPresent(client::password);
        if (sslSocketFactory != null) {
            client.sslSocketFactory(sslSocketFactory);
        }
        if (access.tls()) {
            SSLParameters params = new SSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            client.sslParameters(params);
        }
        return client.build();
    }

    private static <T> GenericObjectPoolConfig<T> poolConfig(Duration maxWait) {
        GenericObjectPoolConfig<T> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(4);
        poolConfig.setMaxIdle(4);
        poolConfig.setMinIdle(0);
        poolConfig.setMaxWait(maxWait);
        poolConfig.setTestOnBorrow(false);
        poolConfig.setJmxEnabled(false);
        return poolConfig;
    }

    private static RedisDeployment.Access access(RedisEndpoint e) {
        return new RedisDeployment.Access(e.user(), e.password(), e.database(), e.tls(), e.connectTimeout(), e.socketTimeout());
    }

    /** The pool of the one server or of the Sentinel's primary, created at first use (a Sentinel is asked then). */
    private Pool<Jedis> pool() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the connection is closed");
            }
            if (pool == null) {
                if (deployment instanceof RedisDeployment.Standalone s) {
                    RedisEndpoint e = s.endpoint();
                    pool = new JedisPool(poolConfig(e.connectTimeout()), new HostAndPort(e.host(), e.port()),
                            clientConfig(access(e), CLIENT_NAME, sslSocketFactory));
                } else if (deployment instanceof RedisDeployment.Sentinel s) {
                    RedisDeployment.Access sentinelAccess = new RedisDeployment.Access(Optional.empty(), s.sentinelPassword(), 0,
                            s.data().tls(), s.data().connectTimeout(), s.data().socketTimeout());
                    DefaultJedisClientConfig sentinelConfig = clientConfig(sentinelAccess, CLIENT_NAME + "-sentinel", sslSocketFactory);
                    Set<HostAndPort> sentinels = new LinkedHashSet<>();
                    s.sentinels().forEach(n -> sentinels.add(new HostAndPort(n.socketHost(), n.port())));
                    pool = new JedisSentinelPool(s.master(), sentinels, poolConfig(s.data().connectTimeout()),
                            clientConfig(s.data(), CLIENT_NAME, sslSocketFactory), sentinelConfig);
                } else {
                    throw new IllegalStateException("a Cluster has no single pool");
                }
            }
            return pool;
        }
    }

    /** The Cluster's slot map and node pools, created at first use (a seed node is asked then). */
    private ClusterConnectionProvider cluster() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the connection is closed");
            }
            if (cluster == null) {
                RedisDeployment.Cluster c = (RedisDeployment.Cluster) deployment;
                Set<HostAndPort> seeds = new LinkedHashSet<>();
                c.seeds().forEach(n -> seeds.add(new HostAndPort(n.socketHost(), n.port())));
                cluster = new ClusterConnectionProvider(seeds, clientConfig(c.data(), CLIENT_NAME, sslSocketFactory),
                        poolConfig(c.data().connectTimeout()));
            }
            return cluster;
        }
    }

    /** Network round trips made so far (a pipeline sync, a MULTI/EXEC, a SCAN page, a PING each count one). */
    public long roundTrips() {
        return roundTrips.get();
    }

    /** Counts one round trip; the reader and writer call it at every network exchange. */
    void countRoundTrip() {
        roundTrips.incrementAndGet();
    }

    /**
     * Runs {@code work} on the deployment's connections (borrowed for the call, given back after). Any
     * Jedis error, and any runtime error from a connection, becomes a {@link RedisFailure} of the given
     * operation; in a Cluster the slot map is then read again, so a resharding or a failover fails one
     * cycle, not the next.
     */
    <T> T call(RedisFailure.Operation operation, Function<Nodes, T> work) {
        try {
            if (deployment instanceof RedisDeployment.Cluster) {
                try (Nodes nodes = new Nodes(this, cluster())) {
                    return work.apply(nodes);
                } catch (RuntimeException e) {
                    renewSlotMap();
                    throw e;
                }
            }
            Pool<Jedis> p = pool();
            try (Jedis jedis = p.getResource(); Nodes nodes = new Nodes(this, jedis, address(p))) {
                return work.apply(nodes);
            }
        } catch (RedisFailure e) {
            throw e;
        } catch (JedisException | IllegalStateException e) {
            throw new RedisFailure(operation, describe(e), e);
        }
    }

    private String address(Pool<Jedis> p) {
        if (p instanceof JedisSentinelPool sentinel) {
            return String.valueOf(sentinel.getCurrentHostMaster());
        }
        RedisEndpoint e = ((RedisDeployment.Standalone) deployment).endpoint();
        return e.host() + ":" + e.port();
    }

    private void renewSlotMap() {
        ClusterConnectionProvider c;
        synchronized (lock) {
            c = cluster;
        }
        if (c != null) {
            try {
                c.renewSlotCache();
            } catch (RuntimeException ignored) {
                // no node answers now; the next call tries again
            }
        }
    }

    /**
     * Where this deployment's writes go now, asked of the deployment itself: {@code PING} and
     * {@code ROLE} on each primary (for {@code check-config --probe}). One round trip per primary.
     *
     * @throws RedisFailure when a primary cannot be reached, or answers that it is not a primary
     */
    public List<String> probe() {
        return call(RedisFailure.Operation.READ, nodes -> {
            List<String> lines = new ArrayList<>();
            for (Jedis jedis : nodes.primaries()) {
                Object reply = jedis.sendCommand(Protocol.Command.ROLE);
                countRoundTrip();
                String name = reply instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof byte[] b
                        ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
                String where = nodes.address(jedis);
                if (!"master".equals(name)) {
                    throw new RedisFailure(RedisFailure.Operation.READ, where + " answers ROLE " + name + ", not master", null);
                }
                lines.add(where + ": role master");
            }
            return lines;
        });
    }

    /**
     * Redis's {@code maxmemory-policy} and {@code maxmemory} ({@code CONFIG GET maxmemory*}), or
     * empty when they cannot be read: CONFIG denied by the ACL or renamed (managed Redis), or Redis
     * unreachable. One round trip.
     */
    public Optional<Map<String, String>> memoryPolicy() {
        try {
            Map<String, String> config = call(RedisFailure.Operation.READ, nodes -> {
                countRoundTrip();
                return nodes.primaries().get(0).configGet("maxmemory*");
            });
            return config.containsKey("maxmemory-policy") ? Optional.of(Map.copyOf(config)) : Optional.empty();
        } catch (RedisFailure e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (pool != null) {
                pool.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 3; depth++, t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}
