/**
 * One allocation cycle and the loop that runs it: {@link com.quantumtrader.allocation.runner.cycle.CycleRunner}
 * (lease, read, step, write, record), {@link com.quantumtrader.allocation.runner.cycle.AllocationLoop} (the grid,
 * the reactive wake-ups, the minimum gap), the carry-over kept between cycles, and the rate-limited log. Uses
 * {@code config} and {@code metrics}; only {@code cli} uses it.
 */
package com.quantumtrader.allocation.runner.cycle;
