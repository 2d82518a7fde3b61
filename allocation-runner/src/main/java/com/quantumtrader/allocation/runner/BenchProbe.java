package com.quantumtrader.allocation.runner;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

    public static void main(String[] args) throws Exception {
        HostAndPort node = new HostAndPort(args[0], Integer.parseInt(args[1]));
        long[] samples = new long[1 << 20];
        int n = 0;
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        try (Jedis jedis = new Jedis(node, DefaultJedisClientConfig.builder().socketTimeoutMillis(30_000).build())) {
            System.out.println("ready");
            System.out.flush();
            while (!stdin.ready()) {
                long t0 = System.nanoTime();
                jedis.get("quantum:bench:probe");
                long dt = System.nanoTime() - t0;
                if (n == samples.length && n < (1 << 26)) {
                    samples = Arrays.copyOf(samples, n * 2);
                }
                if (n < samples.length) {
                    samples[n++] = dt;
                }
            }
        }
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%d %.3f %.3f %.3f%n", n, n == 0 ? 0 : s[n - 1] / 1e6,
                n == 0 ? 0 : s[Math.min(n - 1, (int) Math.ceil(0.999 * n) - 1)] / 1e6, n == 0 ? 0 : s[Math.min(n - 1, (int) Math.ceil(0.99 * n) - 1)] / 1e6);
        System.out.flush();
    }
}
