package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

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

    private static final String[] TARGET_FIELDS = {"target_usd", "mode", "timestamp"};

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
        if (!WireFormat.isValidName(symbol)) {
            throw new IllegalArgumentException("symbol: must be 1-64 characters of [A-Za-z0-9._-], was '" + WireFormat.printable(symbol) + "'");
        }
        return connection.call(RedisFailure.Operation.GATE, jedis -> {
            Pipeline p = jedis.pipelined();
            Response<List<String>> target = p.hmget(Keys.target(symbol), TARGET_FIELDS);
            Response<String> budget = p.hget(Keys.budget(symbol), "budget_usd");
            p.sync();
            connection.countRoundTrip();
            List<String> t = InputReader.orNullIfWrongType(target);
            String reason = targetProblem(t, now);
            if (reason == null) {
                return new Verdict(symbol, Source.ALLOCATION_TARGET, WireFormat.parseNumber(t.get(0)), "used");
            }
            String b = InputReader.orNullIfWrongType(budget);
            OptionalDouble usd = WireFormat.parseNumber(b);
            if (usd.isPresent() && usd.getAsDouble() >= 0) {
                return new Verdict(symbol, Source.BUDGET_ENGINE, usd, reason);
            }
            return new Verdict(symbol, Source.NONE, OptionalDouble.empty(), reason + "; no usable budget_usd either");
        });
    }

    /** Null when the target is usable, else why not. */
    private String targetProblem(List<String> t, Instant now) {
        if (t == null) {
            return "target key holds the wrong Redis type";
        }
        if (t.get(0) == null && t.get(1) == null && t.get(2) == null) {
            return "no target";
        }
        if (!Mode.ENFORCE.wireName().equals(t.get(1))) {
            return "target mode is " + WireFormat.printable(String.valueOf(t.get(1))) + ", not enforce";
        }
        String ts = t.get(2);
        if (ts == null || !ts.matches("[0-9]{1,12}")) {
            return "target timestamp '" + WireFormat.printable(String.valueOf(ts)) + "' is not integer epoch seconds";
        }
        long age = now.getEpochSecond() - Long.parseLong(ts);
        if (age > maxAge.getSeconds()) {
            return "target is " + age + " s old, over " + maxAge.getSeconds() + " s";
        }
        OptionalDouble usd = WireFormat.parseNumber(t.get(0));
        if (usd.isEmpty() || usd.getAsDouble() < 0) {
            return "target_usd '" + WireFormat.printable(String.valueOf(t.get(0))) + "' is not a finite number >= 0";
        }
        return null;
    }
}
