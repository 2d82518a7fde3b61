package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

/** Drawdown zone: LOW below {@code DD_LOW_THRESHOLD}, HIGH at or above {@code DD_HIGH_THRESHOLD}, MID between. */
@API(status = API.Status.STABLE, since = "1.0")
public enum DrawdownZone {
    /** Drawdown below {@code DD_LOW_THRESHOLD}. */
    LOW,
    /** Drawdown from {@code DD_LOW_THRESHOLD} up to {@code DD_HIGH_THRESHOLD}. */
    MID,
    /** Drawdown at or above {@code DD_HIGH_THRESHOLD}. */
    HIGH
}
