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
     * @param redisMillis Redis's clock when it answered ({@code TIME}), epoch ms
     */
    record Result(Map<String, GateEntry> entries, long redisMillis) {
    }

    private GateRead() {
    }

    /**
     * Reads {@code symbols} (at least one, valid names).
     *
     * @throws RedisFailure when Redis cannot be read
     */
    static Result read(RedisConnection connection, Collection<String> symbols) {
        return connection.call(RedisFailure.Operation.GATE, nodes -> read(nodes, symbols));
    }

    private static Result read(Nodes nodes, Collection<String> symbols) {
        String first = Keys.target(symbols.iterator().next());
        Reply<List<String>> time = nodes.pipeline(first).time();
        List<Asked> asked = new ArrayList<>(symbols.size());
        for (String symbol : symbols) {
            String target = Keys.target(symbol);
            String budget = Keys.budget(symbol);
            asked.add(new Asked(symbol, nodes.pipeline(target).hmget(target, GateEntry.TARGET_FIELDS), nodes.pipeline(target).pttl(target),
                    nodes.pipeline(budget).hget(budget, InputCodec.BUDGET_USD), nodes.pipeline(budget).pttl(budget)));
        }
        nodes.sync();
        long now = millis(time.get());
        Map<String, GateEntry> entries = new HashMap<>(symbols.size() * 2);
        for (Asked a : asked) {
            entries.put(a.symbol, GateEntry.of(a.target.orNullIfWrongType(), a.targetTtl.get(), a.budget.orNullIfWrongType(),
                    a.budgetTtl.get(), now));
        }
        return new Result(entries, now);
    }

    /** {@code TIME}'s reply (seconds, microseconds) as epoch ms. */
    static long millis(List<String> time) {
        return Long.parseLong(time.get(0)) * 1000L + Long.parseLong(time.get(1)) / 1000L;
    }

    private record Asked(String symbol, Reply<List<String>> target, Reply<Long> targetTtl, Reply<String> budget, Reply<Long> budgetTtl) {
    }
}
