package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

/** Whether a cycle computed targets or was skipped as a whole. */
@API(status = API.Status.STABLE, since = "1.0")
public enum Outcome {
    /** The cycle computed a decision per symbol. */
    COMPUTED,
    /** The cycle computed nothing ({@link SkipReason} says why). */
    SKIPPED
}
