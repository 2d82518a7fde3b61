package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small builders for typed inputs used by the example tests. */
final class Fixtures {
    static final Instant NOW = Instant.ofEpochSecond(1_767_225_600L);

    private Fixtures() {
    }

    static Instant ago(long seconds) {
        return NOW.minusSeconds(seconds);
    }

    static PortfolioState portfolio(double equity, double drawdown) {
        return new PortfolioState(equity, drawdown, ago(1));
    }

    static SymbolBudget budget(String symbol, double usd) {
        return new SymbolBudget(symbol, usd, ago(1));
    }

    static CycleInputs inputs(PortfolioState portfolio, List<SymbolBudget> budgets, Map<String, String> clusterMap,
                              Map<String, ClusterStress> clusters, RegimeState regime) {
        return new CycleInputs(Optional.ofNullable(portfolio), budgets, clusterMap, clusters, Optional.ofNullable(regime), Map.of(), List.of());
    }
}
