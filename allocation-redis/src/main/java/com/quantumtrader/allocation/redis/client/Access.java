package com.quantumtrader.allocation.redis.client;

import org.apiguardian.api.API;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to log in to a data node.
 *
 * @param database       0-15; 0 in a Cluster
 * @param tls            TLS to every node (and to the Sentinels)
 * @param connectTimeout time to open a connection
 * @param socketTimeout  time to wait for any reply
 */
@API(status = API.Status.STABLE, since = "1.0")
public record Access(Optional<String> user, Optional<String> password, int database, boolean tls,
              Duration connectTimeout, Duration socketTimeout) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
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
