package com.quantumtrader.allocation.runner.cycle;

import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleStep;
import java.time.Instant;

/**
 * Told, after each step a leader computes, what the step started from, so the inputs can be recorded (DESIGN section 24:
 * the report package's {@code Recorder}). It must return at once and never throw: the cycle does not wait for a disk.
 */
@FunctionalInterface
public interface InputRecorder {

    /** Records nothing. */
    InputRecorder NONE = (now, inputs, previous, controls) -> { };

    /**
     * @param now      the cycle's time
     * @param inputs   the decoded inputs the step used
     * @param previous the carry-over it started from, with the targets Redis held when the step read them
     * @param controls the mode in force and the scoped controls
     */
    void offer(Instant now, CycleInputs inputs, CarryOver previous, CycleStep.Controls controls);
}
