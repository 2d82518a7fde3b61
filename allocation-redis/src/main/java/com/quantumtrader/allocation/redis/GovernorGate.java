package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.Reply;

import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import com.quantumtrader.allocation.redis.wire.Values;
import com.quantumtrader.allocation.redis.client.RedisConnection;
import com.quantumtrader.allocation.redis.client.RedisFailure;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Gate 0 of the Governor, for Java callers: which exposure budget to use for a symbol. One round
 * trip reads both the allocation target and the budget engine's budget.
 *
 * <ol>
 *   <li>{@code quantum:allocation:target:{symbol}} with {@code mode=enforce}, an integer
 *       {@code timestamp} not older than the TTL, and a finite {@code target_usd >= 0}: use it.</li>
 *   <li>Otherwise the budget engine's {@code budget_usd} from {@code quantum:portfolio:budget:{symbol}}.</li>
 *   <li>Neither usable: {@link Source#NONE}; the caller decides (the Governor blocks nothing on this).</li>
 * </ol>
 */
public final class GovernorGate {

    /** Where the budget came from. */
    public enum Source {
        ALLOCATION_TARGET, BUDGET_ENGINE, NONE
    }

    /**
     * The gate's answer.
     *
     * @param symbol the symbol asked about
     * @param source which input was used
     * @param usd    the budget in USD; empty when {@link Source#NONE}
     * @param reason why the allocation target was not used ({@code "used"} when it was)
     */
    public record Verdict(String symbol, Source source, OptionalDouble usd, String reason) {
        public Verdict {
            Objects.requireNonNull(symbol, "symbol");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(usd, "usd");
            Objects.requireNonNull(reason, "reason");
            if ((source == Source.NONE) != usd.isEmpty()) {
                throw new IllegalArgumentException("usd: must be empty exactly when source is NONE, was " + usd + " for " + source);
            }
        }
    }

    /** The fields the Governor reads of a target hash. */
    private static final String[] TARGET_FIELDS = {TargetHash.TARGET_USD, TargetHash.MODE, TargetHash.TIMESTAMP};

    private final RedisConnection connection;
    private final Duration maxAge;

    /**
     * @param maxAge the oldest target still used; the target TTL ({@code TARGET_TTL_SEC}, 300 s by default)
     */
    public GovernorGate(RedisConnection connection, Duration maxAge) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    /**
     * Decides for one symbol at time {@code now}.
     *
     * @throws RedisFailure when Redis cannot be read
     */
    public Verdict decide(String symbol, Instant now) {
        Objects.requireNonNull(symbol, "symbol");
        Objects.requireNonNull(now, "now");
        if (!Scalars.isValidName(symbol)) {
            throw new IllegalArgumentException("symbol: must be 1-64 characters of [A-Za-z0-9._-], was '" + Scalars.printable(symbol) + "'");
        }
        return connection.call(RedisFailure.Operation.GATE, nodes -> {
            String targetKey = Keys.target(symbol);
            String budgetKey = Keys.budget(symbol);
            Reply<List<String>> target = nodes.pipeline(targetKey).hmget(targetKey, TARGET_FIELDS);
            Reply<String> budget = nodes.pipeline(budgetKey).hget(budgetKey, InputCodec.BUDGET_USD);
            nodes.sync();
            List<String> values = target.orNullIfWrongType();
            Map<String, String> t = values == null ? null : Reply.fields(values, TARGET_FIELDS);
            String reason = targetProblem(t, now);
            if (reason == null) {
                return new Verdict(symbol, Source.ALLOCATION_TARGET, TargetHash.targetUsd(t.get(TargetHash.TARGET_USD)), "used");
            }
            String b = budget.orNullIfWrongType();
            OptionalDouble usd = Scalars.parseNumber(b);
            if (usd.isPresent() && usd.getAsDouble() >= 0) {
                return new Verdict(symbol, Source.BUDGET_ENGINE, usd, reason);
            }
            return new Verdict(symbol, Source.NONE, OptionalDouble.empty(), reason + "; no usable budget_usd either");
        });
    }

    /** Null when the target is usable, else why not. */
    private String targetProblem(Map<String, String> t, Instant now) {
        if (t == null) {
            return "target key holds the wrong Redis type";
        }
        if (t.isEmpty()) {
            return "no target";
        }
        String mode = t.get(TargetHash.MODE);
        if (Values.mode(mode).filter(m -> m == Mode.ENFORCE).isEmpty()) {
            return "target mode is " + Scalars.printable(String.valueOf(mode)) + ", not enforce";
        }
        String ts = t.get(TargetHash.TIMESTAMP);
        OptionalLong seconds = Values.epochSeconds(ts);
        if (seconds.isEmpty()) {
            return "target timestamp '" + Scalars.printable(String.valueOf(ts)) + "' is not integer epoch seconds";
        }
        long age = now.getEpochSecond() - seconds.getAsLong();
        if (age > maxAge.getSeconds()) {
            return "target is " + age + " s old, over " + maxAge.getSeconds() + " s";
        }
        String usd = t.get(TargetHash.TARGET_USD);
        if (TargetHash.targetUsd(usd).isEmpty()) {
            return "target_usd '" + Scalars.printable(String.valueOf(usd)) + "' is not a finite number >= 0";
        }
        return null;
    }
}
