package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.Objects;

/**
 * The portfolio state published by the portfolio state publisher ({@code quantum:state:portfolio}).
 *
 * @param equityUsd equity in USD; any finite value (a cycle with equity {@code <= 0} is skipped)
 * @param drawdown  drawdown as a fraction; its magnitude is used, so {@code -0.07} and {@code 0.07} agree
 * @param timestamp when the state was published
 */
@API(status = API.Status.STABLE, since = "1.0")
public record PortfolioState(double equityUsd, double drawdown, Instant timestamp) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public PortfolioState {
        Checks.finite(equityUsd, "equityUsd");
        Checks.finite(drawdown, "drawdown");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
