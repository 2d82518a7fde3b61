package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.Mode;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/** The small values every hash and stream entry of the contract shares: a mode, epoch seconds, an enum's wire name. */
public final class Values {
    private Values() {
    }

    /** Integer epoch seconds as Python's {@code int()} reads them from this service: digits only. */
    private static final int MAX_EPOCH_DIGITS = 12;

    /** {@code mode}: exactly {@code shadow}, {@code enforce}, {@code reduce} or {@code halt}, or empty. */
    public static Optional<Mode> mode(String value) {
        return byName(Mode.values(), Mode::wireName, value);
    }

    /** {@code timestamp}/{@code ts}: integer epoch seconds (digits only, what {@code int()} reads), or empty. */
    public static OptionalLong epochSeconds(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_EPOCH_DIGITS) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(value));
    }

    /** The constant whose name on the wire ({@code nameOf}) is exactly {@code name}, or empty. */
    public static <E extends Enum<E>> Optional<E> byName(E[] values, Function<E, String> nameOf, String name) {
        for (E e : values) {
            if (nameOf.apply(e).equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
