package com.quantumtrader.allocation.runner.cycle;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * At most one WARN line per key per window, so a dead upstream does not flood the journal. The
 * line that ends a quiet window says how many were suppressed. Used from the loop thread only.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, long[]> state = new HashMap<>(); // key -> {last logged nanos, suppressed}

    public RateLimitedLog(Logger log, long windowNanos, LongSupplier nanoClock) {
        this.log = log;
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    /** Logs {@code message} at WARN unless {@code key} was logged within the window. Returns whether it logged. */
    boolean warn(String key, String message) {
        return warn(key, log.atWarn(), message);
    }

    /** A WARN event of this log's logger, to carry key-value pairs into {@link #warn(String, LoggingEventBuilder, String)}. */
    LoggingEventBuilder event() {
        return log.atWarn();
    }

    /** An ERROR event of this log's logger, rate-limited the same way through {@link #warn(String, LoggingEventBuilder, String)}. */
    LoggingEventBuilder errorEvent() {
        return log.atError();
    }

    /** As {@link #warn(String, String)}, through {@code event} (from {@link #event()}, with key-value pairs). */
    boolean warn(String key, LoggingEventBuilder event, String message) {
        long now = nanoClock.getAsLong();
        long[] s = state.get(key);
        if (s != null && now - s[0] < windowNanos) {
            s[1]++;
            return false;
        }
        long suppressed = s == null ? 0 : s[1];
        state.put(key, new long[] {now, 0});
        if (suppressed > 0) {
            event.addKeyValue("suppressed", suppressed)
                    .log(message + " (" + suppressed + " similar suppressed in the last " + windowNanos / 1_000_000_000L + " s)");
        } else {
            event.log(message);
        }
        return true;
    }

    /** Forgets keys not logged for ten windows, so the map stays bounded as symbols come and go. */
    void prune() {
        long now = nanoClock.getAsLong();
        state.values().removeIf(s -> now - s[0] > 10 * windowNanos);
    }
}
