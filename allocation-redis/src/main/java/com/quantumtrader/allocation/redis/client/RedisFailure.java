package com.quantumtrader.allocation.redis.client;

import org.apiguardian.api.API;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Redis could not do what a cycle asked: unreachable, timed out, refused the command (ACL,
 * out of memory, read-only replica) or answered something unusable. Every Redis error leaves
 * this module as this one type, so the caller can count it and carry on; {@link #kind()} says
 * which of the causes an operator acts on differently it was.
 */
@API(status = API.Status.STABLE, since = "1.0")
public final class RedisFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What the cycle was doing when Redis failed. */
    @API(status = API.Status.STABLE, since = "1.0")
    public enum Operation {
        /** A cycle's read. */
        READ,
        /** A cycle's write. */
        WRITE,
        /** A retraction of every target. */
        RETRACT,
        /** Gate 0's read. */
        GATE,
        /** The lease's round trip. */
        LEASE,
        /** An operator's control. */
        CONTROL
    }

    /** The cause, as an operator acts on it; {@link #wireName()} is its name in logs. */
    @API(status = API.Status.STABLE, since = "1.0")
    public enum Kind {
        /** {@code READONLY}: a replica answered (a failover, or the wrong host). */
        READONLY("readonly"),
        /** {@code OOM}: Redis is at {@code maxmemory} and refuses writes. */
        OOM("oom"),
        /** {@code NOAUTH} / {@code WRONGPASS}: credentials missing or wrong. */
        AUTH("auth"),
        /** {@code NOPERM}: the ACL user lacks a command or key. */
        NOPERM("noperm"),
        /** A connect or socket timeout: Redis stalled or the network dropped packets. */
        TIMEOUT("timeout"),
        /** Connection refused or host unknown: Redis is down or the address is wrong. */
        CONNECTION_REFUSED("connection_refused"),
        /** The connection dropped mid-command (Redis restarted or killed, a proxy cut it). */
        CONNECTION_CLOSED("connection_closed"),
        /** {@code MOVED} / {@code ASK} / {@code CLUSTERDOWN}: a Cluster's slots moved or are not served (resharding, failover). */
        CLUSTER_MOVED("cluster_moved"),
        /** The write was refused whole because this instance no longer holds the lease or a newer epoch exists. */
        FENCED("fenced"),
        /** {@code WRONGTYPE}: a key of the service holds another Redis type (written by hand or by another service). */
        WRONG_TYPE("wrongtype"),
        /** Anything else (a protocol error, ...). */
        OTHER("other");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** Its name in logs and metrics labels. */
        public String wireName() {
            return wireName;
        }

        /**
         * Whether Redis cannot be used at all (refused, timed out, dropped, or refusing the login), as against one command
         * refused (READONLY, OOM, NOPERM, ...): no cycle can compute or write until it passes.
         */
        public boolean unreachable() {
            return this == CONNECTION_REFUSED || this == TIMEOUT || this == CONNECTION_CLOSED || this == AUTH;
        }
    }

    /** What was being done. */
    private final Operation operation;
    /** What kind of failure it was. */
    private final Kind kind;

    /** A failure of {@code operation}, its {@link Kind} classified from the message and the cause. */
    public RedisFailure(Operation operation, String message, Throwable cause) {
        this(operation, message, cause, classify(message, cause));
    }

    private RedisFailure(Operation operation, String message, Throwable cause, Kind kind) {
        super(operation.name().toLowerCase(Locale.ROOT) + ": " + message, cause);
        this.operation = operation;
        this.kind = kind;
    }

    /** A write refused by its fence: nothing of it was applied. */
    public static RedisFailure fenced(String message) {
        return new RedisFailure(Operation.WRITE, message, null, Kind.FENCED);
    }

    /** The operation that failed. */
    public Operation operation() {
        return operation;
    }

    /** The cause, classified from Redis's error prefix or the network exception. */
    public Kind kind() {
        return kind;
    }

    static Kind classify(String message, Throwable cause) {
        Kind network = network(cause, 0);
        if (network != null) {
            return network;
        }
        StringBuilder text = new StringBuilder(message == null ? "" : message);
        for (Throwable t = cause; t != null; t = t.getCause()) {
            text.append(" <- ").append(t.getMessage());
        }
        String s = text.toString();
        if (s.contains("READONLY")) {
            return Kind.READONLY;
        }
        if (s.contains("MOVED ") || s.contains("ASK ") || s.contains("CLUSTERDOWN") || s.contains("TRYAGAIN")
                || s.contains("not covering all slots")) {
            return Kind.CLUSTER_MOVED;
        }
        if (s.contains("OOM ")) {
            return Kind.OOM;
        }
        if (s.contains("WRONGTYPE")) {
            return Kind.WRONG_TYPE;
        }
        if (s.contains("NOAUTH") || s.contains("WRONGPASS")) {
            return Kind.AUTH;
        }
        // Redis 6.2 reports an ACL denial inside a script without the NOPERM prefix.
        if (s.contains("NOPERM") || s.contains("user executing the script can't run this command")) {
            return Kind.NOPERM;
        }
        if (s.contains("timed out")) {
            return Kind.TIMEOUT;
        }
        if (s.contains("Connection refused")) {
            return Kind.CONNECTION_REFUSED;
        }
        if (s.contains("Unexpected end of stream") || s.contains("Connection reset") || s.contains("Broken pipe")) {
            return Kind.CONNECTION_CLOSED;
        }
        return Kind.OTHER;
    }

    /** A timeout or refused connection anywhere in the causes, or in the suppressed exceptions (Jedis adds one per address tried). */
    private static Kind network(Throwable t, int depth) {
        if (t == null || depth > 8) {
            return null;
        }
        if (t instanceof SocketTimeoutException) {
            return Kind.TIMEOUT;
        }
        if (t instanceof ConnectException || t instanceof UnknownHostException) {
            return Kind.CONNECTION_REFUSED;
        }
        for (Throwable s : t.getSuppressed()) {
            Kind k = network(s, depth + 1);
            if (k != null) {
                return k;
            }
        }
        return network(t.getCause(), depth + 1);
    }

    /** The cause chain, three deep, as {@code Type: message <- Type: message}, for a log line. */
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
}
