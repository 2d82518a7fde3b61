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

    /** Replaces it with what a completed write handed on, and remembers that write's cycle id. */
    void written(CarryOver next, String cycleId) {
        current = Objects.requireNonNull(next, "next");
        lastWrite = Optional.of(cycleId);
    }

    /** The cycle id of the last completed write of this runner, empty before its first (or after a takeover). */
    Optional<String> lastWrite() {
        return lastWrite;
    }

    /** Forgets the last write (a takeover, a failure): the next write reads the targets from Redis. */
    void forgetWrites() {
        current = current.withWrittenUnknown();
        lastWrite = Optional.empty();
    }
}
