package com.quantumtrader.allocation.redis.wire;

import java.util.Objects;
import java.util.Optional;

/**
 * What decoding one hash or stream entry of the output contract gave: the value, or why it is not one.
 *
 * @param <T> the decoded type
 */
public sealed interface Decoded<T> {

    /** The hash decoded whole. */
    record Valid<T>(T value) implements Decoded<T> {
        public Valid {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The hash is not a valid one; {@code reason} names the field, the rule and the value. */
    record Invalid<T>(String reason) implements Decoded<T> {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The value, when valid. */
    default Optional<T> toOptional() {
        return this instanceof Valid<T> v ? Optional.of(v.value()) : Optional.empty();
    }

    /** Why it is not a value (the field, the rule and the value), when invalid. */
    default Optional<String> invalidReason() {
        return this instanceof Invalid<T> i ? Optional.of(i.reason()) : Optional.empty();
    }

    /** The value, or an {@link IllegalArgumentException} with the reason (for callers that only accept valid data). */
    default T orElseThrow() {
        return toOptional().orElseThrow(() -> new IllegalArgumentException(invalidReason().orElseThrow()));
    }
}
