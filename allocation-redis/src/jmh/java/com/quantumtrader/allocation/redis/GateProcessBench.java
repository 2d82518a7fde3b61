package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisDeployment;
import com.quantumtrader.allocation.redis.client.RedisEndpoint;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.Jedis;

/**
 * Gate 0 as a Governor process uses it, the cached gate beside the uncached one in one run, against the Redis server of
 * {@code args[0]} (default {@code redis://127.0.0.1:6399}): checks per second on 1, 4 and 16 threads with round trips
 * per 1,000 decisions (Redis's {@code INFO commandstats}: HMGET calls, the read's one per symbol); the time from a target
 * written in Redis to the gate's answer changing (200 changes, one poller thread); and heap per cached symbol (100,000
 * symbols read into the cache). Commands in docs/performance.md.
 */
public final class GateProcessBench {

    private GateProcessBench() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6399";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        RedisEndpoint e = RedisEndpoint.fromUrl(url, Duration.ofSeconds(1), Duration.ofSeconds(5));
        String[] names = GateBenchmark.seed(url, 1000);
        System.out.printf(Locale.ROOT, "java %s, %d cpus, redis %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), url);
        try (Jedis j = new Jedis(e.host(), e.port());
             RedisConnection plain = new RedisConnection(new RedisDeployment.Standalone(e), null, 16);
             GovernorGate cached = GovernorGate.open(url, Duration.ofSeconds(300),
                     GovernorGate.Settings.DEFAULTS.withPoolSize(16))) {
            GovernorGate uncached = new GovernorGate(plain, Duration.ofSeconds(300));
            cached.decideAll(List.of(names));
            for (int threads : new int[] {1, 4, 16}) {
                throughput(j, "uncached", uncached, names, threads, seconds);
                throughput(j, "cached", cached, names, threads, seconds);
            }
            changeToAnswer(j, cached, names[0]);
        }
        memoryPerSymbol(url, 100_000);
    }

    private static void throughput(Jedis j, String label, GovernorGate gate, String[] names, int threads, int seconds)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder done = new LongAdder();
        long hmget = calls(j, "hmget");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (running.get()) {
                    gate.decide(names[rnd.nextInt(names.length)]);
                    done.increment();
                }
            }, "gate-bench-" + t);
            workers.add(w);
            w.start();
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        for (Thread w : workers) {
            w.join();
        }
        long reads = calls(j, "hmget") - hmget;
        System.out.printf(Locale.ROOT, "%-8s threads %2d: %,12.0f checks/s, %8.2f round trips per 1,000 decisions%n", label, threads,
                done.sum() / (double) seconds, reads * 1000.0 / done.sum());
    }

    private static void changeToAnswer(Jedis j, GovernorGate gate, String symbol) throws InterruptedException {
        long[] lags = new long[200];
        for (int i = 0; i < lags.length; i++) {
            double usd = 50_000 + i;
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 15));
            j.hset("quantum:allocation:target:" + symbol, "target_usd", Integer.toString((int) usd));
            long written = System.nanoTime(); // the write acknowledged
            while (!gate.decide(symbol).usd().equals(OptionalDouble.of(usd))) {
                Thread.onSpinWait();
            }
            lags[i] = System.nanoTime() - written;
        }
        Arrays.sort(lags);
        System.out.printf(Locale.ROOT, "change to answer (%d changes): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", lags.length,
                lags[lags.length / 2] / 1e6, lags[(int) (lags.length * 0.99)] / 1e6, lags[lags.length - 1] / 1e6);
    }

    private static void memoryPerSymbol(String url, int symbols) throws InterruptedException {
        String[] names = GateBenchmark.seed(url, symbols);
        try (GovernorGate gate = GovernorGate.open(url, Duration.ofSeconds(300))) {
            long before = usedAfterGc();
            for (int i = 0; i < names.length; i += 1000) {
                gate.decideAll(List.of(names).subList(i, Math.min(names.length, i + 1000)));
            }
            long after = usedAfterGc();
            long hits = gate.hits();
            gate.decideAll(List.of(names));
            System.out.printf(Locale.ROOT, "heap per cached symbol (%,d symbols): %.0f bytes (all served from the cache: %b)%n",
                    symbols, (after - before) / (double) symbols, gate.hits() - hits == symbols);
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long calls(Jedis j, String command) {
        for (String line : j.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":calls=")) {
                return Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(',')));
            }
        }
        return 0;
    }
}
