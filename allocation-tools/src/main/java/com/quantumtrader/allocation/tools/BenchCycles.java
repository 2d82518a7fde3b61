package com.quantumtrader.allocation.tools;

import com.quantumtrader.allocation.redis.read.ReadResult;
import com.quantumtrader.allocation.runner.cycle.CycleRunner;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.redis.read.ReadResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;
import static com.quantumtrader.allocation.tools.BenchMeasures.row;

/** What the bench keeps of each measured cycle: numbers only, never the cycle's result (at 10,000 symbols a result is megabytes). */
final class BenchCycles {
    // discover, read, compute, write, cycle, round trips, cycle-thread CPU, cycle-thread bytes allocated, keys changed before it,
    // Redis CPU (ns, INFO around the cycle), input reads
    private final long[][] phases;
    private final Map<ReadResult.Cache.Kind, Integer> kinds = new EnumMap<>(ReadResult.Cache.Kind.class);
    private final Map<String, Double> commandUsec = new java.util.TreeMap<>();
    int n;

    BenchCycles(int capacity) {
        phases = new long[11][capacity];
    }

    void add(CycleRunner.Report r, long cpuNanos, long allocatedBytes, int changed, double redisCpuSeconds) {
        CycleRunner.Phases p = r.phases();
        long[] v = {p.discover(), p.read(), p.compute(), p.write(), (long) (r.seconds() * 1e9), p.roundTrips(), cpuNanos, allocatedBytes,
                changed, (long) (redisCpuSeconds * 1e9), p.inputReads()};
        for (int i = 0; i < v.length; i++) {
            phases[i][n] = v[i];
        }
        kinds.merge(p.reads(), 1, Integer::sum);
        n++;
    }

    /** Adds the Redis command time (INFO commandstats usec) between two snapshots around a cycle. */
    void commands(Map<String, Double> before, Map<String, Double> after) {
        after.forEach((cmd, usec) -> commandUsec.merge(cmd, usec - before.getOrDefault(cmd, 0.0), Double::sum));
    }

    /** The mean of column {@code i}. */
    double mean(int i) {
        return Arrays.stream(phases[i], 0, n).average().orElse(0);
    }

    /** The median of column {@code i}. */
    double median(int i) {
        long[] s = Arrays.copyOf(phases[i], n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    void print(PrintWriter out, Mode m, Reads reads, int symbols, double churn) {
        out.printf(Locale.ROOT, "%d cycles, %s reads, %s mode, %,d symbols, churn %.0f %%; JVM %s, %d cores%n", n, reads.wire, m.wireName(),
                symbols, churn * 100, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-9s %10s %10s%n", "phase", "median ms", "p99 ms");
        String[] names = {"discover", "read", "compute", "write", "cycle"};
        for (int i = 0; i < names.length; i++) {
            row(out, names[i], Arrays.copyOf(phases[i], n));
        }
        row(out, "cycle CPU", Arrays.copyOf(phases[6], n));
        row(out, "redis CPU", Arrays.copyOf(phases[9], n));
        long[] trips = Arrays.copyOf(phases[5], n);
        Arrays.sort(trips);
        out.printf(Locale.ROOT, "round trips per cycle: %d (min %d, max %d)%n", trips[n / 2], trips[0], trips[n - 1]);
        out.printf(Locale.ROOT, "input reads per cycle: median %.0f for %.0f keys changed before it (budgets and the portfolio); reads %s%n",
                median(10), median(8), kinds);
        List<String> top = new ArrayList<>();
        commandUsec.entrySet().stream().filter(e -> e.getValue() > 0).sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(8)
                .forEach(e -> top.add(String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / n / 1000)));
        out.printf(Locale.ROOT, "redis command time per cycle, ms (INFO commandstats, mean; the bench's INFO included): %s%n",
                String.join(", ", top));
        long[] bytes = Arrays.copyOf(phases[7], n);
        Arrays.sort(bytes);
        out.printf(Locale.ROOT, "allocated per cycle (cycle thread): median %.1f MB, max %.1f MB%n", bytes[n / 2] / 1e6, bytes[n - 1] / 1e6);
    }
}
