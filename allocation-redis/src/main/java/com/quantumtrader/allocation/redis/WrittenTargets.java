package com.quantumtrader.allocation.redis;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the service knows of the target hashes it holds in Redis: the symbols, or {@link #UNKNOWN}
 * (at start, and after a write that failed or timed out, since Redis may have applied some or all of
 * it). The writer takes it in and gives the next one back; from {@code UNKNOWN} it first reads the
 * service's target hashes from Redis, so a target is never forgotten, only re-read.
 *
 * @param symbols the symbols with a target hash, empty when unknown
 */
public record WrittenTargets(Optional<Set<String>> symbols) {

    /** Not known: the next enforce write reads the service's target hashes from Redis first. */
    public static final WrittenTargets UNKNOWN = new WrittenTargets(Optional.empty());

    public WrittenTargets {
        Objects.requireNonNull(symbols, "symbols");
        symbols = symbols.map(Set::copyOf);
    }

    /** Known: exactly these symbols have a target hash. */
    public static WrittenTargets of(Set<String> symbols) {
        return new WrittenTargets(Optional.of(symbols));
    }

    /** Whether the symbols are known. */
    public boolean known() {
        return symbols.isPresent();
    }
}
