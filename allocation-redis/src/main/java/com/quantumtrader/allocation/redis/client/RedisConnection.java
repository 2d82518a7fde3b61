package com.quantumtrader.allocation.redis.client;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The connections to the configured Redis deployment ({@link RedisDeployment}): a small pool to one
 * server, a pool that follows the primary Sentinel names (across failovers, with no restart), or the
 * per-node pools of a Redis Cluster. Every network round trip is counted and every Redis error turned
 * into a {@link RedisFailure}. Thread-safe. Nothing touches the network until the first call (so a
 * Sentinel or Cluster that is down at start fails cycles, counted, instead of the process).
 */
@API(status = API.Status.STABLE, since = "1.0")
public final class RedisConnection implements AutoCloseable {

    private final RedisDeployment deployment;
    private final SSLSocketFactory sslSocketFactory;
    private final int poolSize;
    private final AtomicLong roundTrips = new AtomicLong();
    private final Object lock = new Object();
    /** The deployment's pools (and a Cluster's slot map), created at first use. */
    private Topology topology;
    private boolean closed;
    /** The invalidation links opened through this connection, closed with it. */
    private final List<Invalidations> links = new ArrayList<>();

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
        this(deployment, sslSocketFactory, DEFAULT_POOL_SIZE);
    }

    /** The connections per server when no size is given: the service's loop needs few. */
    public static final int DEFAULT_POOL_SIZE = 4;

    /**
     * @param sslSocketFactory for TLS with a private CA; {@code null} uses the JVM's trust store
     * @param poolSize         connections at most per server, 1-1024 (callers beyond it wait up to the connect timeout)
     */
    public RedisConnection(RedisDeployment deployment, SSLSocketFactory sslSocketFactory, int poolSize) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.sslSocketFactory = sslSocketFactory;
        if (poolSize < 1 || poolSize > 1024) {
            throw new IllegalArgumentException("poolSize: must be in [1, 1024], was " + poolSize);
        }
        this.poolSize = poolSize;
    }

    /** The deployment this connects to. */
    public RedisDeployment deployment() {
        return deployment;
    }

    /** The pools, created at first use (a Sentinel or a Cluster seed is asked then). */
    private Topology topology() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the connection is closed");
            }
            if (topology == null) {
                topology = ((Topology.Source) deployment).open(sslSocketFactory, poolSize); // every kind is a source
            }
            return topology;
        }
    }

    /** Network round trips made so far (a pipeline sync, a MULTI/EXEC, a SCAN page, a PING each count one). */
    public long roundTrips() {
        return roundTrips.get();
    }

    /**
     * Runs {@code work} on the deployment's servers (borrowed for the call, given back after). Any Redis
     * error, and any runtime error from a connection, becomes a {@link RedisFailure} of the given
     * operation; in a Cluster the slot map is then read again, so a resharding or a failover fails one
     * cycle, not the next.
     */
    public <T> T call(RedisFailure.Operation operation, Function<Nodes, T> work) {
        try {
            Topology t = topology();
            try (Nodes nodes = t.open(roundTrips)) {
                return work.apply(nodes);
            } catch (RuntimeException e) {
                t.afterFailure();
                throw e;
            }
        } catch (RedisFailure e) {
            throw e;
        } catch (ReplyError e) {
            throw new RedisFailure(operation, RedisFailure.describe(e.redisError()), e.redisError());
        } catch (JedisException | IllegalStateException e) {
            throw new RedisFailure(operation, RedisFailure.describe(e), e);
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
            for (Server server : nodes.primaries()) {
                String name = server.role();
                nodes.countRoundTrip();
                String where = server.address();
                if (!"master".equals(name)) {
                    throw new RedisFailure(RedisFailure.Operation.READ, where + " answers ROLE " + name + ", not master", null);
                }
                lines.add(where + ": role master");
            }
            return lines;
        });
    }

    /**
     * Redis's {@code maxmemory-policy} and {@code maxmemory} ({@code CONFIG GET maxmemory*}), or empty when CONFIG
     * answers without them (renamed or filtered by a managed Redis). One round trip.
     *
     * @throws RedisFailure when Redis cannot be asked: denied by the ACL ({@code noperm}), unreachable, or refusing the login
     */
    public Map<String, String> memoryPolicy() {
        Map<String, String> config = call(RedisFailure.Operation.READ, nodes -> {
            nodes.countRoundTrip();
            return nodes.primaries().get(0).configGet("maxmemory*");
        });
        return config.containsKey("maxmemory-policy") ? Map.copyOf(config) : Map.of();
    }

    /**
     * Opens a link that hears every change of a key under {@code prefixes} ({@link Invalidations}), on the primary that
     * serves writes now. Empty in a Redis Cluster, whose keys live on many nodes (the reader then reads everything).
     *
     * @param timeout  how long a barrier waits for the link's reply before the link counts as lost
     * @param listener told each invalidated key ({@code null}: everything), on the link's own thread
     * @throws RedisFailure when the primary cannot be reached or refuses tracking
     */
    public Optional<Invalidations> track(List<String> prefixes, java.time.Duration timeout, java.util.function.Consumer<String> listener) {
        Optional<Topology.Primary> primary;
        try {
            primary = topology().primary();
        } catch (JedisException | IllegalStateException e) {
            throw new RedisFailure(RedisFailure.Operation.READ, RedisFailure.describe(e), e);
        }
        Optional<Invalidations> link = primary.map(p -> Invalidations.open(p.address(), p.config(), prefixes, timeout, listener));
        link.ifPresent(l -> {
            synchronized (lock) {
                links.removeIf(old -> !old.alive());
                links.add(l);
            }
        });
        return link;
    }

    /** {@code host:port} of the one primary that serves writes now (a Sentinel's current master); empty in a Cluster. */
    public Optional<String> primaryAddress() {
        try {
            return topology().primary().map(p -> p.address().toString());
        } catch (JedisException | IllegalStateException e) {
            throw new RedisFailure(RedisFailure.Operation.READ, RedisFailure.describe(e), e);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            links.forEach(Invalidations::close);
            links.clear();
            if (topology != null) {
                topology.close();
            }
        }
    }
}
