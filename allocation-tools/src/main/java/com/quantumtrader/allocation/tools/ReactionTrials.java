package com.quantumtrader.allocation.tools;

import com.quantumtrader.allocation.redis.wire.CycleEntry;
import com.quantumtrader.allocation.redis.wire.Decoded;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import com.quantumtrader.allocation.redis.wire.Trigger;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.cli.Service;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The bench's {@code --reaction}: a real service loop ({@code P29_INTERVAL_SEC=5}, incremental reads) on the seeded universe;
 * each trial waits a random part of the interval, writes a drawdown that moves the zone from MID into HIGH, and measures, from
 * another client's side as the Governor would see it, the time from before that write until the cycle stream holds the entry of
 * a cycle in HIGH: it is the last command of the cycle's last write unit, so every target is rewritten by then (checked after).
 */
final class ReactionTrials {

    private static final String MID = "0.06";
    private static final String HIGH = "0.20";
    private static final String EQUITY = "250000000";
    private static final long TIMEOUT_NANOS = 30_000_000_000L;

    private ReactionTrials() {
    }

    static void run(PrintWriter out, Map<String, String> benchEnv, Jedis jedis, int symbols, int trials) throws Exception {
        Map<String, String> env = new HashMap<>(benchEnv);
        env.put("P29_MODE", "enforce");
        env.put("P29_INTERVAL_SEC", "5");
        env.put("P29_INCREMENTAL", "true");
        env.put("P29_INSTANCE_ID", "bench-reaction");
        env.put("P29_METRICS_PORT", "0");
        env.put("P29_METRICS_BIND", "127.0.0.1");
        Config config = Config.fromEnv(env);
        long[] nanos = new long[trials];
        Map<Trigger, Integer> triggers = new EnumMap<>(Trigger.class);
        int allWritten = 0;
        int allHigh = 0;
        Random rnd = new Random(11);
        try (Service service = new Service(config, Clock.systemUTC(), r -> { })) {
            service.start();
            for (int t = 0; t < trials; t++) {
                drawdown(jedis, MID);
                awaitZone(jedis, null, "MID");
                Thread.sleep(rnd.nextInt(config.service().intervalSec() * 1000)); // a random phase of the 5-second grid
                String before = latestId(jedis);
                long t0 = System.nanoTime();
                drawdown(jedis, HIGH);
                CycleEntry high = awaitZone(jedis, before, "HIGH");
                nanos[t] = System.nanoTime() - t0;
                triggers.merge(high.trigger(), 1, Integer::sum);
                allWritten += high.written() == symbols ? 1 : 0;
                allHigh += highTargets(jedis, symbols) == symbols ? 1 : 0;
            }
        }
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        out.printf(Locale.ROOT, "reaction (%d trials, %,d symbols, P29_INTERVAL_SEC=5, P29_MIN_CYCLE_GAP_MS=%d): portfolio write into HIGH"
                        + " -> cycle entry in HIGH: median %.1f ms, p99 %.1f ms (nearest rank), max %.1f ms, min %.1f ms%n", trials, symbols,
                config.reads().minCycleGapMs(), sorted[trials / 2] / 1e6, sorted[Math.max(0, (int) Math.ceil(0.99 * trials) - 1)] / 1e6,
                sorted[trials - 1] / 1e6, sorted[0] / 1e6);
        StringBuilder all = new StringBuilder();
        for (long n : sorted) {
            all.append(all.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", n / 1e6));
        }
        out.println("reaction trials, ms, sorted: " + all);
        out.printf(Locale.ROOT, "reaction cycles started by: %s; every target written by that cycle in %d of %d trials; every target hash in"
                + " HIGH right after it in %d of %d%n", triggers, allWritten, trials, allHigh, trials);
        out.flush();
    }

    private static void drawdown(Jedis jedis, String drawdown) {
        jedis.hset(Keys.PORTFOLIO, InputHashes.portfolio(EQUITY, drawdown, Long.toString(Instant.now().getEpochSecond())));
    }

    private static String latestId(Jedis jedis) {
        List<StreamEntry> last = jedis.xrevrange(Keys.CYCLE_STREAM, "+", "-", 1);
        return last.isEmpty() ? null : last.get(0).getID().toString();
    }

    /** Polls the cycle stream until an entry newer than {@code after} (any, when null) of bench-reaction is in {@code zone}. */
    private static CycleEntry awaitZone(Jedis jedis, String after, String zone) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            List<StreamEntry> last = jedis.xrevrange(Keys.CYCLE_STREAM, "+", "-", 1);
            if (!last.isEmpty() && !last.get(0).getID().toString().equals(after)
                    && CycleEntry.decode(last.get(0).getFields()) instanceof Decoded.Valid<CycleEntry> v
                    && v.value().instance().equals("bench-reaction") && zone.equals(v.value().zone())) {
                return v.value();
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("reaction: no cycle entry in " + zone + " within 30 s");
    }

    private static int highTargets(Jedis jedis, int symbols) {
        List<Response<String>> zones = new ArrayList<>(symbols);
        try (Pipeline p = jedis.pipelined()) {
            for (int i = 0; i < symbols; i++) {
                zones.add(p.hget(Keys.target("SYM" + i + "USDT"), TargetHash.DRAWDOWN_ZONE));
            }
            p.sync();
        }
        return (int) zones.stream().filter(r -> "HIGH".equals(r.get())).count();
    }
}
