package com.quantumtrader.allocation.redis.client;

import org.apiguardian.api.API;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to connect. {@link #toString()} never shows the password.
 *
 * @param host           host name or address
 * @param port           1-65535
 * @param database       0-15 (the Redis default range)
 * @param user           ACL user, if any
 * @param password       password, if any
 * @param tls            {@code rediss://}
 * @param connectTimeout time to open a connection; well under the loop interval
 * @param socketTimeout  time to wait for any reply; well under the loop interval
 */
@API(status = API.Status.STABLE, since = "1.0")
public record RedisEndpoint(
        String host,
        int port,
        int database,
        Optional<String> user,
        Optional<String> password,
        boolean tls,
        Duration connectTimeout,
        Duration socketTimeout) {

    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public RedisEndpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: must be in [1, 65535], was " + port);
        }
        if (database < 0 || database > 15) {
            throw new IllegalArgumentException("database: must be in [0, 15], was " + database);
        }
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(socketTimeout, "socketTimeout");
    }

    /**
     * Parses {@code redis://[user[:password]@]host[:port][/db]} or {@code rediss://...} (TLS).
     * A URL with only a password may write it as {@code redis://:password@host}. User and password
     * are percent-decoded. The message of a bad URL never contains the password.
     */
    public static RedisEndpoint fromUrl(String url, Duration connectTimeout, Duration socketTimeout) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be redis://[user[:password]@]host[:port][/db] or rediss://..., was not a URL");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new IllegalArgumentException("must start with redis:// or rediss://, was " + (scheme == null ? "no scheme" : scheme + "://"));
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("must name a host, as in redis://127.0.0.1:6379/0");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        int db = 0;
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty() && !"/".equals(path)) {
            String digits = path.substring(1);
            if (!digits.matches("[0-9]{1,2}")) {
                throw new IllegalArgumentException("database must be a number in [0, 15], was '" + digits + "'");
            }
            db = Integer.parseInt(digits);
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            String u = colon < 0 ? info : info.substring(0, colon);
            if (!u.isEmpty()) {
                user = Optional.of(decode(u));
            }
            if (colon >= 0) {
                password = Optional.of(decode(info.substring(colon + 1)));
            }
        }
        return new RedisEndpoint(uri.getHost(), port, db, user, password, "rediss".equals(scheme), connectTimeout, socketTimeout);
    }

    /** This endpoint as a URL with the password masked: {@code redis://user:***@host:6379/0}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(tls ? "rediss://" : "redis://");
        if (user.isPresent() || password.isPresent()) {
            sb.append(user.orElse(""));
            password.ifPresent(p -> sb.append(":***"));
            sb.append('@');
        }
        return sb.append(host).append(':').append(port).append('/').append(database).toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be positive, was " + d);
        }
    }
}
