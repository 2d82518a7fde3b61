package com.quantumtrader.allocation.runner;

import com.quantumtrader.allocation.core.CarryOver;
import java.util.Objects;

/**
 * Where the runner keeps the {@link CarryOver} between cycles: the one owner of the state that
 * lives across cycles. In process for now (it starts from {@link CarryOver#START} with every run);
 * under HA its small part (zone, relax timer, mode in force) moves to Redis. Written by the loop
 * thread only; readable from any thread.
 */
final class CarryOverStore {

    private volatile CarryOver current = CarryOver.START;

    /** The carry-over the next cycle starts from. */
    CarryOver get() {
        return current;
    }

    /** Replaces it with what a cycle handed on. */
    void put(CarryOver next) {
        current = Objects.requireNonNull(next, "next");
    }
}
