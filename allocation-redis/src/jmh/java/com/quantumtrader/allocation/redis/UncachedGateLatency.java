package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The uncached gate's latency and rate through the API both releases have ({@code new GovernorGate(connection, ttl)},
 * {@code decide(symbol, now)}), so the same source runs against the third release's jars and this one's in one session:
 * {@code args}: Redis URL, label, seconds per row. Seeds nothing: run {@link GateProcessBench} (or {@code GateBenchmark})
 * first, which writes {@code BENCH0USDT}..{@code BENCH999USDT}. Commands in docs/performance.md.
 */
public final class UncachedGateLatency {

    private UncachedGateLatency() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String label = args[1];
        int seconds = Integer.parseInt(args[2]);
        RedisEndpoint e = RedisEndpoint.fromUrl(url, Duration.ofMillis(500), Duration.ofMillis(500));
        try (RedisConnection redis = new RedisConnection(e)) {
            GovernorGate gate = new GovernorGate(redis, Duration.ofSeconds(300));
            for (int threads : new int[] {1, 4, 16}) {
                row(gate, label, threads, seconds);
            }
        }
    }

    private static void row(GovernorGate gate, String label, int threads, int seconds) throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        List<long[]> samples = new ArrayList<>();
        int[] counts = new int[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long[] mine = new long[2_000_000];
            samples.add(mine);
            int id = t;
            Thread w = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                int n = 0;
                while (running.get() && n < mine.length) {
                    long t0 = System.nanoTime();
                    gate.decide("BENCH" + rnd.nextInt(1000) + "USDT", Instant.now());
                    mine[n++] = System.nanoTime() - t0;
                }
                counts[id] = n;
            }, "uncached-" + t);
            workers.add(w);
            w.start();
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        for (Thread w : workers) {
            w.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(samples.get(t), 0, all, k, counts[t]);
            k += counts[t];
        }
        Arrays.sort(all);
        System.out.printf(Locale.ROOT, "%-8s threads %2d: %,9.0f checks/s, p50 %7.1f us, p99 %8.1f us%n", label, threads,
                total / (double) seconds, all[total / 2] / 1e3, all[(int) (total * 0.99)] / 1e3);
    }
}
