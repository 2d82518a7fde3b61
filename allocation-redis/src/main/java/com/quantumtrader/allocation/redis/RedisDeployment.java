package com.quantumtrader.allocation.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Redis the service talks to (DESIGN section 11): exactly one of a standalone server, a primary
 * found through Sentinel, or a Redis Cluster. {@link #toString()} never shows a password.
 */
public sealed interface RedisDeployment {

    /** {@code standalone}, {@code sentinel} or {@code cluster}: the name in logs and {@code check-config}. */
    String kind();

    /** How long to wait for any reply. */
    Duration socketTimeout();

    /** One server, as in the first release. */
    record Standalone(RedisEndpoint endpoint) implements RedisDeployment {
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
    record Sentinel(List<Node> sentinels, String master, Optional<String> sentinelPassword, Access data) implements RedisDeployment {
        public Sentinel {
            sentinels = nonEmpty(sentinels, "sentinels");
            Objects.requireNonNull(master, "master");
            if (!master.matches("[A-Za-z0-9._-]{1,64}")) {
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
        public String toString() {
            return "sentinel master '" + master + "' via " + sentinels + " (" + data + ")";
        }
    }

    /**
     * A Redis Cluster, found from any of {@code seeds}; its slot map is read from them.
     *
     * @param data how to log in to every node (user, password, TLS, timeouts; the database is always 0)
     */
    record Cluster(List<Node> seeds, Access data) implements RedisDeployment {
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
        public String toString() {
            return "cluster via " + seeds + " (" + data + ")";
        }
    }

    /** A {@code host:port}. */
    record Node(String host, int port) {
        public Node {
            Objects.requireNonNull(host, "host");
            if (!host.matches("[A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]")) {
                throw new IllegalArgumentException("host must be a host name, an IPv4 address or [IPv6], was '" + host + "'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in [1, 65535], was " + port);
            }
        }

        /**
         * Parses {@code host:port,host:port,...}: at least one, no duplicates.
         *
         * @throws IllegalArgumentException naming the entry that does not parse
         */
        public static List<Node> parseList(String raw) {
            Objects.requireNonNull(raw, "raw");
            List<Node> nodes = new ArrayList<>();
            for (String part : raw.split(",", -1)) {
                String s = part.strip();
                int colon = s.lastIndexOf(':');
                if (colon <= 0 || colon == s.length() - 1 || !s.substring(colon + 1).matches("[0-9]{1,5}")) {
                    throw new IllegalArgumentException("must be host:port[,host:port...], entry '" + s + "' is not host:port");
                }
                Node node;
                try {
                    node = new Node(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("entry '" + s + "': " + e.getMessage());
                }
                if (nodes.contains(node)) {
                    throw new IllegalArgumentException("entry '" + s + "' is listed twice");
                }
                nodes.add(node);
            }
            return List.copyOf(nodes);
        }

        /** The host as a socket takes it (no IPv6 brackets). */
        public String socketHost() {
            return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * How to log in to a data node.
     *
     * @param database       0-15; 0 in a Cluster
     * @param tls            TLS to every node (and to the Sentinels)
     * @param connectTimeout time to open a connection
     * @param socketTimeout  time to wait for any reply
     */
    record Access(Optional<String> user, Optional<String> password, int database, boolean tls,
                  Duration connectTimeout, Duration socketTimeout) {
        public Access {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (database < 0 || database > 15) {
                throw new IllegalArgumentException("database: must be in [0, 15], was " + database);
            }
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(socketTimeout, "socketTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero() || socketTimeout.isNegative() || socketTimeout.isZero()) {
                throw new IllegalArgumentException("timeouts: must be positive, were " + connectTimeout + " and " + socketTimeout);
            }
        }

        @Override
        public String toString() {
            return "user " + user.orElse("(default)") + ", password " + (password.isPresent() ? "***" : "(none)")
                    + ", db " + database + (tls ? ", tls" : "");
        }
    }

    private static List<Node> nonEmpty(List<Node> nodes, String name) {
        Objects.requireNonNull(nodes, name);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException(name + ": must name at least one host:port");
        }
        return List.copyOf(nodes);
    }
}
