package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Core's cost per cycle: {@code allocate} on typed inputs (what the 200 ns/symbol target is about).
 * Decoding from Redis strings lives in allocation-redis; {@code bench} measures the whole path.
 * Divide by {@code symbols} for ns per symbol.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllocatorBenchmark {

    @Param({"1000", "10000", "100000"})
    int symbols;

    CycleInputs inputs;
    Instant now = Instant.ofEpochSecond(1_767_225_600L);

    @Setup
    public void setUp() {
        Random rnd = new Random(42);
        Instant ts = now.minusSeconds(2);
        int clusters = Math.max(1, symbols / 20);
        List<SymbolBudget> budgets = new ArrayList<>();
        Map<String, String> map = new HashMap<>();
        Map<String, ClusterStress> stress = new HashMap<>();
        Map<String, PerformanceAttribution> attributions = new HashMap<>();
        for (int c = 0; c < clusters; c++) {
            stress.put("C" + c, new ClusterStress("C" + c, rnd.nextDouble(), rnd.nextGaussian(), ts));
        }
        for (int i = 0; i < symbols; i++) {
            String s = "SYM" + i + "USDT";
            budgets.add(new SymbolBudget(s, 1000 + rnd.nextDouble() * 499_000, ts));
            map.put(s, "C" + (i % clusters));
            if (i % 10 == 0) {
                attributions.put(s, new PerformanceAttribution(s, 0.5 + rnd.nextDouble(), ts));
            }
        }
        budgets.sort(Comparator.comparing(SymbolBudget::symbol));
        inputs = new CycleInputs(Optional.of(new PortfolioState(250_000_000, 0.06, ts)), budgets, map, stress,
                Optional.of(new RegimeState(Regime.TREND, 0.8, ts)), attributions, List.of());
    }

    @Benchmark
    public CycleResult allocate() {
        return Allocator.allocate(inputs, Policy.DEFAULTS, now);
    }
}
