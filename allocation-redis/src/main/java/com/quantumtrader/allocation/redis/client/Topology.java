package com.quantumtrader.allocation.redis.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.Pool;

/**
 * A deployment's live connections (pools, slot map), made by its {@link RedisDeployment} record at the
 * first call: the one place that knows how each kind is reached.
 */
interface Topology extends AutoCloseable {

    /** What one call uses, borrowed now. */
    Nodes open(AtomicLong roundTrips);

    /** After a failed call: re-learn where things are (a Cluster's slot map), so the next call does not fail the same way. */
    void afterFailure();

    /**
     * The one primary's address and login, for a connection of its own ({@link Invalidations}); empty in a Cluster,
     * whose keys live on many nodes.
     */
    default java.util.Optional<Primary> primary() {
        return java.util.Optional.empty();
    }

    /** Where the one primary is now, and how to log in to it. */
    record Primary(HostAndPort address, JedisClientConfig config) {
    }

    @Override
    void close();

    /** Made by each kind of {@link RedisDeployment}. */
    interface Source {
        Topology open(SSLSocketFactory sslSocketFactory, int poolSize);
    }

    String CLIENT_NAME = "quantum-capital-allocation";

    /** A pool of connections to the one primary (a standalone server, or the primary a Sentinel names now). */
    static Topology pooled(Pool<Jedis> pool, java.util.function.Supplier<HostAndPort> primary, JedisClientConfig config) {
        java.util.function.Supplier<String> address = () -> primary.get().getHost() + ":" + primary.get().getPort();
        return new Topology() {
            @Override
            public java.util.Optional<Primary> primary() {
                return java.util.Optional.of(new Primary(primary.get(), config));
            }

            @Override
            public Nodes open(AtomicLong roundTrips) {
                Jedis jedis = pool.getResource();
                try {
                    return new OnePrimary(roundTrips, jedis, address.get());
                } catch (RuntimeException e) {
                    jedis.close();
                    throw e;
                }
            }

            @Override
            public void afterFailure() {
                // the pool drops broken connections itself; a Sentinel's pool follows failovers by itself
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }

    /** The per-node pools and slot map of a Redis Cluster. */
    static Topology cluster(ClusterConnectionProvider provider) {
        return new Topology() {
            @Override
            public Nodes open(AtomicLong roundTrips) {
                return new ClusterPrimaries(roundTrips, provider);
            }

            @Override
            public void afterFailure() {
                try {
                    provider.renewSlotCache();
                } catch (RuntimeException ignored) {
                    // no node answers now; the next call tries again
                }
            }

            @Override
            public void close() {
                provider.close();
            }
        };
    }

    static DefaultJedisClientConfig clientConfig(Access access, String name, SSLSocketFactory sslSocketFactory) {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .serverDefaultProtocol() // RESP2 without a HELLO, as Jedis 5 spoke; Jedis 8 would warn on every connection otherwise
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

    /** {@code size} connections at most per server; a caller waits up to {@code maxWait} for one. */
    static <T> GenericObjectPoolConfig<T> poolConfig(Duration maxWait, int size) {
        GenericObjectPoolConfig<T> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(size);
        poolConfig.setMaxIdle(size);
        poolConfig.setMinIdle(0);
        poolConfig.setMaxWait(maxWait);
        poolConfig.setTestOnBorrow(false);
        poolConfig.setJmxEnabled(false);
        return poolConfig;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }
}
