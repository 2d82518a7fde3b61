package com.quantumtrader.allocation.tools;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The bench's probe client in a process of its own (so the bench's own GC pauses are not counted):
 * {@code GET} in a tight loop on one connection until a line arrives on stdin, then prints one line,
 * {@code calls max_ms p999_ms p99_ms}. Started by {@link BenchCommand}; not a command of the CLI.
 */
public final class BenchProbe {

    private BenchProbe() {
    }

    /** Latencies are counted in buckets of 10 us up to 2 s (a histogram: memory does not grow with the run). */
    static final int BUCKET_NANOS = 10_000;
    static final int BUCKETS = 200_000;

    public static void main(String[] args) throws Exception {
        HostAndPort node = new HostAndPort(args[0], Integer.parseInt(args[1]));
        long[] counts = new long[BUCKETS + 1];
        long n = 0;
        long max = 0;
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        try (Jedis jedis = new Jedis(node, DefaultJedisClientConfig.builder().serverDefaultProtocol().socketTimeoutMillis(30_000).build())) {
            System.out.println("ready");
            System.out.flush();
            while (!stdin.ready()) {
                long t0 = System.nanoTime();
                jedis.get("quantum:bench:probe");
                long dt = System.nanoTime() - t0;
                counts[(int) Math.min(BUCKETS, dt / BUCKET_NANOS)]++;
                max = Math.max(max, dt);
                n++;
            }
        }
        System.out.printf(Locale.ROOT, "%d %.3f %.3f %.3f%n", n, max / 1e6, quantile(counts, n, 0.999), quantile(counts, n, 0.99));
        System.out.flush();
    }

    /** The upper edge of the bucket holding the {@code q} quantile, in ms (10 us resolution). */
    static double quantile(long[] counts, long n, double q) {
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank && rank > 0) {
                return (i + 1) * (double) BUCKET_NANOS / 1e6;
            }
        }
        return 0;
    }
}
