package com.quantumtrader.allocation.core;

import java.time.Instant;
import java.util.HashMap;
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
 * Core's cost per cycle: {@code allocate} alone (typed inputs, what the 200 ns/symbol is
 * about) and {@code decode + allocate} (from Redis strings). Divide by {@code symbols} for ns per symbol.
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

    RawInputs raw;
    CycleInputs inputs;
    Instant now = Instant.ofEpochSecond(1_767_225_600L);

    @Setup
    public void setUp() {
        Random rnd = new Random(42);
        String ts = Long.toString(now.getEpochSecond() - 2);
        int clusters = Math.max(1, symbols / 20);
        Map<String, Map<String, String>> budgets = new HashMap<>();
        Map<String, String> map = new HashMap<>();
        Map<String, Map<String, String>> stress = new HashMap<>();
        Map<String, Map<String, String>> attributions = new HashMap<>();
        for (int c = 0; c < clusters; c++) {
            stress.put("C" + c, Map.of("stress", Double.toString(rnd.nextDouble()), "alpha", Double.toString(rnd.nextGaussian()), "timestamp", ts));
        }
        for (int i = 0; i < symbols; i++) {
            String s = "SYM" + i + "USDT";
            budgets.put(s, Map.of("budget_usd", Double.toString(1000 + rnd.nextDouble() * 499_000), "timestamp", ts));
            map.put(s, "C" + (i % clusters));
            if (i % 10 == 0) {
                attributions.put(s, Map.of("performance_factor", Double.toString(0.5 + rnd.nextDouble()), "ts_utc", ts));
            }
        }
        raw = new RawInputs(Map.of("equity_usd", "250000000", "drawdown", "0.06", "timestamp", ts), budgets, map, stress,
                Map.of("regime", "TREND", "confidence", "0.8", "timestamp", ts), Optional.empty(), attributions);
        inputs = WireFormat.decode(raw);
    }

    @Benchmark
    public CycleResult allocate() {
        return Allocator.allocate(inputs, Policy.DEFAULTS, now);
    }

    @Benchmark
    public CycleResult decodeAndAllocate() {
        return Allocator.allocate(WireFormat.decode(raw), Policy.DEFAULTS, now);
    }

}
