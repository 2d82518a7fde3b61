package com.quantumtrader.allocation.redis.client;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import com.quantumtrader.allocation.redis.wire.Names;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.providers.ClusterConnectionProvider;

/**
 * Which Redis the service talks to (DESIGN section 11): exactly one of a standalone server, a primary
 * found through Sentinel, or a Redis Cluster. {@code toString()} never shows a password.
 */
@API(status = API.Status.STABLE, since = "1.0")
public sealed interface RedisDeployment permits RedisDeployment.Standalone, RedisDeployment.Sentinel, RedisDeployment.Cluster {

    /** {@code standalone}, {@code sentinel} or {@code cluster}: the name in logs and {@code check-config}. */
    String kind();

    /** How long to wait for any reply. */
    Duration socketTimeout();

    /** Whether every connection (to data nodes and Sentinels) uses TLS. */
    boolean tls();

    /** One server, as in the first release. */
    @API(status = API.Status.STABLE, since = "1.0")
    record Standalone(RedisEndpoint endpoint) implements RedisDeployment, Topology.Source {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Standalone {
            Objects.requireNonNull(endpoint, "endpoint");
        }

        @Override
        public String kind() {
            return "standalone";
        }

        @Override
        public Duration socketTimeout() {
            return endpoint.socketTimeout();
        }

        @Override
        public boolean tls() {
            return endpoint.tls();
        }

        @Override
        public Topology open(SSLSocketFactory sslSocketFactory, int poolSize) {
            Access access = new Access(endpoint.user(), endpoint.password(), endpoint.database(), endpoint.tls(),
                    endpoint.connectTimeout(), endpoint.socketTimeout());
            HostAndPort address = new HostAndPort(endpoint.host(), endpoint.port());
            DefaultJedisClientConfig config = Topology.clientConfig(access, Topology.CLIENT_NAME, sslSocketFactory);
            JedisPool pool = new JedisPool(Topology.poolConfig(endpoint.connectTimeout(), poolSize), address, config);
            return Topology.pooled(pool, () -> address, config);
        }

        @Override
        public String toString() {
            return endpoint.toString();
        }
    }

    /**
     * The primary that the Sentinels of {@code master} name now, followed across failovers.
     *
     * @param sentinels        the Sentinels asked (at least one)
     * @param master           the monitored master's name
     * @param sentinelPassword the Sentinels' own password, if they have one
     * @param data             how to log in to the data nodes (user, password, database, TLS, timeouts)
     */
    @API(status = API.Status.STABLE, since = "1.0")
    record Sentinel(List<HostPort> sentinels, String master, Optional<String> sentinelPassword, Access data)
            implements RedisDeployment, Topology.Source {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Sentinel {
            sentinels = nonEmpty(sentinels, "sentinels");
            Objects.requireNonNull(master, "master");
            if (!Names.isMasterName(master)) {
                throw new IllegalArgumentException("must be 1-64 characters of [A-Za-z0-9._-], was '" + master + "'");
            }
            Objects.requireNonNull(sentinelPassword, "sentinelPassword");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String kind() {
            return "sentinel";
        }

        @Override
        public Duration socketTimeout() {
            return data.socketTimeout();
        }

        @Override
        public boolean tls() {
            return data.tls();
        }

        @Override
        public Topology open(SSLSocketFactory sslSocketFactory, int poolSize) {
            Access sentinelAccess = new Access(Optional.empty(), sentinelPassword, 0, data.tls(), data.connectTimeout(), data.socketTimeout());
            DefaultJedisClientConfig sentinelConfig = Topology.clientConfig(sentinelAccess, Topology.CLIENT_NAME + "-sentinel", sslSocketFactory);
            Set<HostAndPort> addresses = new LinkedHashSet<>();
            sentinels.forEach(n -> addresses.add(new HostAndPort(n.socketHost(), n.port())));
            DefaultJedisClientConfig config = Topology.clientConfig(data, Topology.CLIENT_NAME, sslSocketFactory);
            JedisSentinelPool pool = new JedisSentinelPool(master, addresses, Topology.poolConfig(data.connectTimeout(), poolSize), config, sentinelConfig);
            return Topology.pooled(pool, pool::getCurrentHostMaster, config);
        }

        @Override
        public String toString() {
            return "sentinel master '" + master + "' via " + sentinels + " (" + data + ")";
        }
    }

    /**
     * A Redis Cluster, found from any of {@code seeds}; its slot map is read from them.
     *
     * @param data how to log in to every node (user, password, TLS, timeouts; the database is always 0)
     */
    @API(status = API.Status.STABLE, since = "1.0")
    record Cluster(List<HostPort> seeds, Access data) implements RedisDeployment, Topology.Source {
        /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
        public Cluster {
            seeds = nonEmpty(seeds, "seeds");
            Objects.requireNonNull(data, "data");
            if (data.database() != 0) {
                throw new IllegalArgumentException("database: a Redis Cluster has only database 0, was " + data.database());
            }
        }

        @Override
        public String kind() {
            return "cluster";
        }

        @Override
        public Duration socketTimeout() {
            return data.socketTimeout();
        }

        @Override
        public boolean tls() {
            return data.tls();
        }

        @Override
        public Topology open(SSLSocketFactory sslSocketFactory, int poolSize) {
            Set<HostAndPort> addresses = new LinkedHashSet<>();
            seeds.forEach(n -> addresses.add(new HostAndPort(n.socketHost(), n.port())));
            return Topology.cluster(new ClusterConnectionProvider(addresses, Topology.clientConfig(data, Topology.CLIENT_NAME, sslSocketFactory),
                    Topology.poolConfig(data.connectTimeout(), poolSize)));
        }

        @Override
        public String toString() {
            return "cluster via " + seeds + " (" + data + ")";
        }
    }

    private static List<HostPort> nonEmpty(List<HostPort> nodes, String name) {
        Objects.requireNonNull(nodes, name);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException(name + ": must name at least one host:port");
        }
        return List.copyOf(nodes);
    }
}
