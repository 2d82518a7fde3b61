package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;

import java.time.Instant;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * Writes upstream inputs the way the Python services do: plain strings in hashes and a stream, encoded by
 * {@link InputHashes} (the demo and the bench write through it too). The contract tests ({@code RedisContractIT},
 * {@code HostileInputIT}) keep their field names as literals on purpose: they state the contract independently.
 */
public final class Seed {
    private Seed() {
    }

    public static String ts(Instant t) {
        return Long.toString(t.getEpochSecond());
    }

    public static void portfolio(Jedis j, String equity, String drawdown, Instant t) {
        j.hset(Keys.PORTFOLIO, InputHashes.portfolio(equity, drawdown, Long.toString(t.getEpochSecond())));
    }

    public static void budget(Jedis j, String symbol, String usd, Instant t) {
        j.hset(Keys.budget(symbol), InputHashes.budget(usd, Long.toString(t.getEpochSecond())));
    }

    public static void stress(Jedis j, String cluster, String stress, String alpha, Instant t) {
        j.hset(Keys.stress(cluster), InputHashes.stress(stress, alpha, Long.toString(t.getEpochSecond())));
    }

    public static void regime(Jedis j, String regime, String confidence, Instant t) {
        j.xadd(Keys.REGIME_STREAM, StreamEntryID.NEW_ENTRY, InputHashes.regime(regime, confidence, Long.toString(t.getEpochSecond())));
    }
}
