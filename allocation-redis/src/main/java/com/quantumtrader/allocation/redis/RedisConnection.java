package com.quantumtrader.allocation.redis;

import java.time.Duration;
import java.util.Map;
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
import redis.clients.jedis.exceptions.JedisException;

/**
 * A small pool of connections to one Redis, with every network round trip counted and every
 * Redis error turned into a {@link RedisFailure}. Thread-safe.
 */
public final class RedisConnection implements AutoCloseable {

    private final JedisPool pool;
    private final AtomicLong roundTrips = new AtomicLong();

    /** Connects lazily: nothing touches the network until the first call. */
    public RedisConnection(RedisEndpoint endpoint) {
        this(endpoint, null);
    }

    /**
     * @param sslSocketFactory for {@code rediss://} with a private CA; {@code null} uses the JVM's trust store
     */
    public RedisConnection(RedisEndpoint endpoint, SSLSocketFactory sslSocketFactory) {
        Objects.requireNonNull(endpoint, "endpoint");
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(endpoint.connectTimeout()))
                .socketTimeoutMillis(millis(endpoint.socketTimeout()))
                .database(endpoint.database())
                .clientName("quantum-capital-allocation")
                .ssl(endpoint.tls());
        if (sslSocketFactory != null) {
            client.sslSocketFactory(sslSocketFactory);
        }
        if (endpoint.tls()) {
            SSLParameters params = new SSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            client.sslParameters(params);
        }
        endpoint.user().ifPresent(client::user);
        endpoint.password().ifPresent(client::password);
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(4);
        poolConfig.setMaxIdle(4);
        poolConfig.setMinIdle(0);
        poolConfig.setMaxWait(endpoint.connectTimeout());
        poolConfig.setTestOnBorrow(false);
        poolConfig.setJmxEnabled(false);
        this.pool = new JedisPool(poolConfig, new HostAndPort(endpoint.host(), endpoint.port()), client.build());
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
     * Runs {@code work} on a pooled connection. Any Jedis error, and any runtime error from the
     * connection, becomes a {@link RedisFailure} of the given operation.
     */
    <T> T call(RedisFailure.Operation operation, Function<Jedis, T> work) {
        try (Jedis jedis = pool.getResource()) {
            return work.apply(jedis);
        } catch (RedisFailure e) {
            throw e;
        } catch (JedisException | IllegalStateException e) {
            throw new RedisFailure(operation, describe(e), e);
        }
    }

    /**
     * Redis's {@code maxmemory-policy} and {@code maxmemory} ({@code CONFIG GET maxmemory*}), or
     * empty when they cannot be read: CONFIG denied by the ACL or renamed (managed Redis), or Redis
     * unreachable. One round trip.
     */
    public Optional<Map<String, String>> memoryPolicy() {
        try {
            Map<String, String> config = call(RedisFailure.Operation.READ, jedis -> {
                countRoundTrip();
                return jedis.configGet("maxmemory*");
            });
            return config.containsKey("maxmemory-policy") ? Optional.of(Map.copyOf(config)) : Optional.empty();
        } catch (RedisFailure e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        pool.close();
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
