package com.quantumtrader.allocation.runner.config;

import static com.quantumtrader.allocation.runner.config.Variable.REDIS_CLUSTER_NODES;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_DB;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_HOST;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_PASSWORD;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_PORT;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_SENTINELS;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_SENTINEL_MASTER;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_SENTINEL_PASSWORD;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_TLS;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_URL;
import static com.quantumtrader.allocation.runner.config.Variable.REDIS_USERNAME;

import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.client.Access;
import com.quantumtrader.allocation.redis.client.HostPort;
import com.quantumtrader.allocation.redis.client.RedisDeployment;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import com.quantumtrader.allocation.redis.wire.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Redis deployment the variables name: exactly one of standalone, Sentinel and Cluster (DESIGN section 11). */
final class Deployments {

    private Deployments() {
    }

    /** Variables that name each deployment; a configuration may set those of one only. */
    private static final Map<String, List<Variable>> DEPLOYMENT_VARIABLES = Map.of(
            "standalone", List.of(REDIS_URL, REDIS_HOST, REDIS_PORT),
            "sentinel", List.of(REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_SENTINEL_PASSWORD),
            "cluster", List.of(REDIS_CLUSTER_NODES));

    /** Exactly one of standalone, Sentinel and Cluster (none set: standalone on localhost:6379). */
    static RedisDeployment of(Map<String, String> env, Duration timeout) {
        String kind = kind(env);
        if (kind.equals("standalone")) {
            if (REDIS_TLS.isSetIn(env)) {
                throw new ConfigException(REDIS_TLS + ": applies to Sentinel and Cluster only; a standalone Redis takes TLS from a rediss:// "
                        + REDIS_URL + ", was '" + Scalars.printable(REDIS_TLS.in(env)) + "'");
            }
            return new RedisDeployment.Standalone(standalone(env, timeout));
        }
        boolean tls = REDIS_TLS.flag(env);
        if (kind.equals("cluster") && REDIS_DB.isSetIn(env) && !REDIS_DB.in(env).strip().equals("0")) {
            throw new ConfigException(REDIS_DB + ": a Redis Cluster has only database 0, was '" + Scalars.printable(REDIS_DB.in(env)) + "'");
        }
        Access access = new Access(Optional.ofNullable(REDIS_USERNAME.text(env)), Optional.ofNullable(REDIS_PASSWORD.in(env)),
                (int) REDIS_DB.whole(env), tls, timeout, timeout);
        if (kind.equals("cluster")) {
            return new RedisDeployment.Cluster(nodes(env, REDIS_CLUSTER_NODES), access);
        }
        if (!REDIS_SENTINELS.isSetIn(env) || !REDIS_SENTINEL_MASTER.isSetIn(env)) {
            Variable missing = REDIS_SENTINELS.isSetIn(env) ? REDIS_SENTINEL_MASTER : REDIS_SENTINELS;
            throw new ConfigException(missing + ": Sentinel needs both " + REDIS_SENTINELS + " (host:port,...) and " + REDIS_SENTINEL_MASTER
                    + " (the monitored master's name), was not set");
        }
        String master = REDIS_SENTINEL_MASTER.text(env);
        if (!Names.isMasterName(master)) {
            throw new ConfigException(REDIS_SENTINEL_MASTER + ": must be 1-64 characters of [A-Za-z0-9._-], was '" + Scalars.printable(master) + "'");
        }
        return new RedisDeployment.Sentinel(nodes(env, REDIS_SENTINELS), master, Optional.ofNullable(REDIS_SENTINEL_PASSWORD.in(env)), access);
    }

    /** The one deployment whose variables are set; more than one is an error naming them. */
    private static String kind(Map<String, String> env) {
        List<String> named = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (String kind : List.of("standalone", "sentinel", "cluster")) {
            List<String> present = DEPLOYMENT_VARIABLES.get(kind).stream().filter(v -> v.isSetIn(env)).map(Variable::name).toList();
            if (!present.isEmpty()) {
                named.add(kind);
                set.addAll(present);
            }
        }
        if (named.size() > 1) {
            throw new ConfigException(String.join(", ", set) + ": name exactly one Redis deployment (standalone: " + REDIS_URL + " or "
                    + REDIS_HOST + "/" + REDIS_PORT + "; Sentinel: " + REDIS_SENTINELS + " and " + REDIS_SENTINEL_MASTER + "; Cluster: "
                    + REDIS_CLUSTER_NODES + "), were set for " + String.join(" and ", named));
        }
        return named.isEmpty() ? "standalone" : named.get(0);
    }

    private static List<HostPort> nodes(Map<String, String> env, Variable name) {
        try {
            return HostPort.parseList(name.in(env));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + ": " + Scalars.printable(e.getMessage()));
        }
    }

    private static RedisEndpoint standalone(Map<String, String> env, Duration timeout) {
        String url = REDIS_URL.in(env);
        if (url != null) {
            try {
                RedisEndpoint fromUrl = RedisEndpoint.fromUrl(url, timeout, timeout);
                String password = REDIS_PASSWORD.in(env);
                String user = REDIS_USERNAME.in(env);
                if ((fromUrl.password().isEmpty() && password != null) || (fromUrl.user().isEmpty() && user != null)) {
                    return new RedisEndpoint(fromUrl.host(), fromUrl.port(), fromUrl.database(),
                            fromUrl.user().or(() -> Optional.ofNullable(user).map(String::strip)),
                            fromUrl.password().or(() -> Optional.ofNullable(password)), fromUrl.tls(), timeout, timeout);
                }
                return fromUrl;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(REDIS_URL + ": " + e.getMessage());
            }
        }
        String host = REDIS_HOST.text(env);
        if (!host.matches("[A-Za-z0-9.:\\-]{1,253}")) {
            throw new ConfigException(REDIS_HOST + ": must be an IP address or host name, was '" + Scalars.printable(host) + "'");
        }
        return new RedisEndpoint(host, (int) REDIS_PORT.whole(env), (int) REDIS_DB.whole(env), Optional.ofNullable(REDIS_USERNAME.text(env)),
                Optional.ofNullable(REDIS_PASSWORD.in(env)), false, timeout, timeout);
    }
}
