package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A symbol's base budget from the budget engine ({@code quantum:portfolio:budget:{symbol}}).
 *
 * @param symbol    1-64 characters of {@code [A-Za-z0-9._-]}
 * @param budgetUsd base budget in USD, finite and {@code >= 0}
 * @param timestamp when the budget was published
 * @param clusterId the budget hash's own {@code cluster_id}, the third choice for the symbol's cluster
 */
@API(status = API.Status.STABLE, since = "1.0")
public record SymbolBudget(String symbol, double budgetUsd, Instant timestamp, Optional<String> clusterId) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public SymbolBudget {
        Checks.name(symbol, "symbol");
        Checks.finiteNonNegative(budgetUsd, "budgetUsd");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(clusterId, "clusterId");
        clusterId.ifPresent(id -> Checks.name(id, "clusterId"));
    }

    /** A budget without its own {@code cluster_id}. */
    public SymbolBudget(String symbol, double budgetUsd, Instant timestamp) {
        this(symbol, budgetUsd, timestamp, Optional.empty());
    }
}
