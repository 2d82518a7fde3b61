package com.quantumtrader.allocation.redis.client;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A {@code host:port}. */
@API(status = API.Status.STABLE, since = "1.0")
public record HostPort(String host, int port) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public HostPort {
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
    public static List<HostPort> parseList(String raw) {
        Objects.requireNonNull(raw, "raw");
        List<HostPort> nodes = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            String s = part.strip();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1 || !s.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("must be host:port[,host:port...], entry '" + s + "' is not host:port");
            }
            HostPort node;
            try {
                node = new HostPort(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
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
