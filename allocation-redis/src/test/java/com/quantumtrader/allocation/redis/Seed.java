package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.Keys;

import java.time.Instant;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/** Writes upstream inputs the way the Python services do: plain strings in hashes and a stream. */
final class Seed {
    private Seed() {
    }

    static String ts(Instant t) {
        return Long.toString(t.getEpochSecond());
    }

    static void portfolio(Jedis j, String equity, String drawdown, Instant t) {
        j.hset(Keys.PORTFOLIO, Map.of("equity_usd", equity, "drawdown", drawdown, "timestamp", ts(t)));
    }

    static void budget(Jedis j, String symbol, String usd, Instant t) {
        j.hset(Keys.budget(symbol), Map.of("budget_usd", usd, "timestamp", ts(t)));
    }

    static void stress(Jedis j, String cluster, String stress, String alpha, Instant t) {
        j.hset(Keys.stress(cluster), Map.of("stress", stress, "alpha", alpha, "timestamp", ts(t)));
    }

    static void regime(Jedis j, String regime, String confidence, Instant t) {
        j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, Map.of("regime", regime, "confidence", confidence, "timestamp", ts(t)));
    }
}
