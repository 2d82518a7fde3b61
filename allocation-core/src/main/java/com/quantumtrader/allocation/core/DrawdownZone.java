package com.quantumtrader.allocation.core;

/** Drawdown zone: LOW below {@code DD_LOW_THRESHOLD}, HIGH at or above {@code DD_HIGH_THRESHOLD}, MID between. */
public enum DrawdownZone {
    LOW,
    MID,
    HIGH
}
