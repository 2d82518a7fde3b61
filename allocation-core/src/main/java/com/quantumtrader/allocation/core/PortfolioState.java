package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.Objects;

/**
 * The portfolio state published by the portfolio state publisher ({@code quantum:state:portfolio}).
 *
 * @param equityUsd equity in USD; any finite value (a cycle with equity {@code <= 0} is skipped)
 * @param drawdown  drawdown as a fraction; its magnitude is used, so {@code -0.07} and {@code 0.07} agree
 * @param timestamp when the state was published
 */
public record PortfolioState(double equityUsd, double drawdown, Instant timestamp) {
    public PortfolioState {
        Checks.finite(equityUsd, "equityUsd");
        Checks.finite(drawdown, "drawdown");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
