package com.quantumtrader.allocation.redis.read;



import com.quantumtrader.allocation.core.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one SCAN of the keyspace found (DESIGN section 12): the symbols with a budget key, those with
 * an attribution key, the budget keys whose names were rejected, and when. {@link InputReader} reuses
 * it instead of walking the keyspace every cycle until it is {@link #RESCAN} old; a budget that
 * vanished meanwhile reads back empty and drops out in that very cycle, and a new budget is found by
 * the next SCAN. The runner holds it between cycles and drops it after a failed cycle.
 *
 * @param symbols         symbols with a budget key, sorted (the order of the budgets read)
 * @param withAttribution symbols with an attribution key
 * @param badNames        the rejections of budget keys whose suffix is not a symbol name, repeated each cycle
 * @param scannedAt       the cycle time of the SCAN
 * @param overCapacity    budget keys the SCAN found beyond {@code P29_MAX_SYMBOLS}, left out (0: the whole universe is here)
 */
public record Discovery(List<String> symbols, Set<String> withAttribution, List<Rejection> badNames, Instant scannedAt,
                        long overCapacity) {

    /**
     * How old a discovery may be before the next read walks the keyspace again: with the 5 s interval
     * a new budget is allocated within 30 s of being written.
     */
    public static final Duration RESCAN = Duration.ofSeconds(25);

    public Discovery {
        symbols = List.copyOf(symbols);
        withAttribution = Set.copyOf(withAttribution);
        badNames = List.copyOf(badNames);
        Objects.requireNonNull(scannedAt, "scannedAt");
        if (overCapacity < 0) {
            throw new IllegalArgumentException("overCapacity: must be >= 0, was " + overCapacity);
        }
    }

    /** A discovery of the whole universe. */
    public Discovery(List<String> symbols, Set<String> withAttribution, List<Rejection> badNames, Instant scannedAt) {
        this(symbols, withAttribution, badNames, scannedAt, 0);
    }

    /** Whether a read at {@code now} may reuse it: younger than {@link #RESCAN}, and not from the future (a clock step back). */
    public boolean fresh(Instant now) {
        return !now.isBefore(scannedAt) && now.isBefore(scannedAt.plus(RESCAN));
    }
}
