package com.quantumtrader.allocation.tools;

import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.slf4j.LoggerFactory;
import java.util.Set;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.AbstractPipeline;

import static com.quantumtrader.allocation.tools.BenchSeed.fmt;
import static com.quantumtrader.allocation.tools.BenchSeed.seedBudget;

/** Budgets that move: before each cycle {@code fraction} of the symbols' budgets move +-10 % of their seed value, and equity drifts. */
final class BenchChurn {
    private final Random rnd = new Random(7);
    private final int symbols;
    private final double fraction;
    private final String ts;
    private double equity = 250_000_000;

    BenchChurn(int symbols, double fraction, Instant now) {
        this.symbols = symbols;
        this.fraction = fraction;
        this.ts = Long.toString(now.getEpochSecond());
    }

    /** Moves the budgets and the equity; returns the number of distinct keys written. */
    int apply(java.util.function.BiFunction<List<Jedis>, Set<HostAndPort>, AbstractPipeline> pipelines, List<Jedis> admin,
               Set<HostAndPort> nodes) {
        int moves = (int) Math.round(symbols * fraction);
        if (moves == 0) {
            return 0;
        }
        Set<Integer> moved = new java.util.HashSet<>();
        AbstractPipeline p = pipelines.apply(admin, nodes);
        try {
            equity *= 1 + (rnd.nextDouble() - 0.5) * 0.002;
            p.hset(Keys.PORTFOLIO, InputHashes.portfolio(fmt(equity), "0.06", ts));
            for (int i = 0; i < moves; i++) {
                int s = rnd.nextInt(symbols);
                moved.add(s);
                double base = seedBudget(s);
                p.hset(Keys.budget("SYM" + s + "USDT"), InputHashes.budget(fmt(base * (0.9 + 0.2 * rnd.nextDouble())), ts));
            }
            p.sync();
        } finally {
            p.close();
        }
        return moved.size() + 1;
    }
}
