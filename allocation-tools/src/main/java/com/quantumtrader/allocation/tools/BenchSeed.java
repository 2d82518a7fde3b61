package com.quantumtrader.allocation.tools;

import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;

/** The bench's realistic inputs: budgets of 1k-500k USD, ~20 symbols per cluster, a tenth with attributions. */
final class BenchSeed {

    private BenchSeed() {
    }

    /** The seeded budget of symbol {@code s}: 1k-500k USD, the same for the seed and for the churn's +-10 %. */
    static double seedBudget(int s) {
        return 1000 + new Random(42L * 1_000_003 + s).nextDouble() * 499_000;
    }

    /** Realistic inputs: budgets of 1k-500k USD, ~20 symbols per cluster, a tenth with attributions. */
    static void seed(AbstractPipeline p, int n, int k, int attributionPct, Instant now) {
        Random rnd = new Random(42);
        String ts = Long.toString(now.getEpochSecond());
        p.hset(Keys.PORTFOLIO, InputHashes.portfolio("250000000", "0.06", ts));
        p.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, InputHashes.regime("TREND", "0.8", ts));
        for (int c = 0; c < k; c++) {
            p.hset(Keys.stress("C" + c), InputHashes.stress(fmt(rnd.nextDouble() * 0.8), fmt(rnd.nextGaussian()), ts));
        }
        for (int i = 0; i < n; i++) {
            String symbol = "SYM" + i + "USDT";
            p.hset(Keys.budget(symbol), InputHashes.budget(fmt(seedBudget(i)), ts));
            p.hset(Keys.CLUSTER_MAP, symbol, "C" + (i % k));
            if (rnd.nextInt(100) < attributionPct) {
                p.hset(Keys.attribution(symbol), InputHashes.attribution(fmt(0.5 + rnd.nextDouble()), ts));
            }
            if (i % 10_000 == 9_999) {
                p.sync();
            }
        }
        p.sync();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
