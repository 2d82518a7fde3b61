package com.quantumtrader.allocation.redis;

/**
 * Redis could not do what a cycle asked: unreachable, timed out, refused the command (ACL,
 * out of memory, read-only replica) or answered something unusable. Every Redis error leaves
 * this module as this one type, so the caller can count it and carry on.
 */
public final class RedisFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What the cycle was doing when Redis failed. */
    public enum Operation {
        CONNECT, READ, WRITE, RETRACT, GATE
    }

    private final Operation operation;

    public RedisFailure(Operation operation, String message, Throwable cause) {
        super(operation.name().toLowerCase(java.util.Locale.ROOT) + ": " + message, cause);
        this.operation = operation;
    }

    /** The operation that failed. */
    public Operation operation() {
        return operation;
    }
}
