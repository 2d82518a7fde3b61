package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.Nodes;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;
import com.quantumtrader.allocation.redis.client.Reply;
import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gate 0's read: for each symbol its target's fields and {@code PTTL}, its budget's {@code budget_usd} and {@code PTTL},
 * and Redis's {@code TIME}, in one pipeline (one round trip per server). Internal.
 */
final class GateRead {

    /**
     * @param entries     what Redis held, per symbol asked
     * @param redisMillis Redis's clock when it answered ({@code TIME}), epoch ms; {@link #NO_CLOCK} when not asked
     */
    record Result(Map<String, GateEntry> entries, long redisMillis) {
    }

    /** {@link Result#redisMillis()} when the read did not ask Redis's clock. */
    static final long NO_CLOCK = Long.MIN_VALUE;

    private GateRead() {
    }

    /**
     * Reads {@code symbols} (at least one, valid names): with each key's {@code PTTL} when the entries are kept
     * ({@code expiries}), with Redis's {@code TIME} when the decision is judged on Redis's clock or expiries are kept
     * ({@code clock}). An uncached decision at the caller's time needs neither: two commands per symbol, as before.
     *
     * @throws RedisFailure when Redis cannot be read
     */
    static Result read(RedisConnection connection, Collection<String> symbols, boolean expiries, boolean clock) {
        return connection.call(RedisFailure.Operation.GATE, nodes -> read(nodes, symbols, expiries, clock || expiries));
    }

    private static Result read(Nodes nodes, Collection<String> symbols, boolean expiries, boolean clock) {
        String first = Keys.target(symbols.iterator().next());
        Reply<List<String>> time = clock ? nodes.pipeline(first).time() : null;
        List<Asked> asked = new ArrayList<>(symbols.size());
        for (String symbol : symbols) {
            String target = Keys.target(symbol);
            String budget = Keys.budget(symbol);
            asked.add(new Asked(symbol, nodes.pipeline(target).hmget(target, GateEntry.TARGET_FIELDS),
                    expiries ? nodes.pipeline(target).pttl(target) : null, nodes.pipeline(budget).hget(budget, InputCodec.BUDGET_USD),
                    expiries ? nodes.pipeline(budget).pttl(budget) : null));
        }
        nodes.sync();
        long now = clock ? millis(time.get()) : NO_CLOCK;
        Map<String, GateEntry> entries = new HashMap<>(symbols.size() * 2);
        for (Asked a : asked) {
            entries.put(a.symbol, GateEntry.of(a.target.orNullIfWrongType(), ttl(a.targetTtl), a.budget.orNullIfWrongType(),
                    ttl(a.budgetTtl), now));
        }
        return new Result(entries, now);
    }

    /** A {@code PTTL}'s reply, or -1 (no expiry) when it was not asked. */
    private static long ttl(Reply<Long> pttl) {
        return pttl == null ? -1 : pttl.get();
    }

    /** {@code TIME}'s reply (seconds, microseconds) as epoch ms. */
    static long millis(List<String> time) {
        return Long.parseLong(time.get(0)) * 1000L + Long.parseLong(time.get(1)) / 1000L;
    }

    private record Asked(String symbol, Reply<List<String>> target, Reply<Long> targetTtl, Reply<String> budget, Reply<Long> budgetTtl) {
    }
}
