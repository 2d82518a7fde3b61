package com.quantumtrader.allocation.runner.cycle;

import com.quantumtrader.allocation.core.CarryOver;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the runner keeps the {@link CarryOver} between cycles: the one owner of the state that
 * lives across cycles. It starts from {@link CarryOver#START} with every run; on taking the lease it
 * continues from the small part (zone, relax timer, mode in force) the previous writer left in
 * {@code quantum:allocation:state} ({@code CycleRunner.adopt}). Written by the loop thread only; readable from any thread.
 */
final class CarryOverStore {

    private volatile CarryOver current = CarryOver.START;
    /** The {@code cycle_id} of this runner's last completed write: Redis's state hash must show it, or the written targets are re-read. */
    private volatile Optional<String> lastWrite = Optional.empty();

    /** The carry-over the next cycle starts from. */
    CarryOver get() {
        return current;
    }

    /** Replaces it with what a cycle handed on. */
    void put(CarryOver next) {
        current = Objects.requireNonNull(next, "next");
    }

    /** The symbols whose target hash this runner's last completed write modified; empty before its first, or after a failure. */
    private volatile java.util.Set<String> lastModified = java.util.Set.of();

    /** Replaces it with what a completed write handed on, and remembers that write's cycle id and the targets it modified. */
    void written(CarryOver next, String cycleId, java.util.Set<String> modified) {
        current = Objects.requireNonNull(next, "next");
        lastWrite = Optional.of(cycleId);
        lastModified = Objects.requireNonNull(modified, "modified");
    }

    /** The symbols whose target hash the last completed write modified (the invalidation link names each once for it). */
    java.util.Set<String> lastModified() {
        return lastModified;
    }

    /** The cycle id of the last completed write of this runner, empty before its first (or after a takeover). */
    Optional<String> lastWrite() {
        return lastWrite;
    }

    /** Forgets the last write (a takeover, a failure): the next write reads the targets from Redis. */
    void forgetWrites() {
        current = current.withWrittenUnknown();
        lastWrite = Optional.empty();
        lastModified = java.util.Set.of();
    }
}
