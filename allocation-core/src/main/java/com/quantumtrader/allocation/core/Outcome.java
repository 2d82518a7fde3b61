package com.quantumtrader.allocation.core;

/** Whether a cycle computed targets or was skipped as a whole. */
public enum Outcome {
    COMPUTED,
    SKIPPED
}
