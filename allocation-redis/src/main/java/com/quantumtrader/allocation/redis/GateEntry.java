package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.redis.wire.TargetHash;
import com.quantumtrader.allocation.redis.wire.Values;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What Redis held for one symbol's target and budget keys when they were read, decoded once, with each key's expiry on
 * Redis's clock; {@link GovernorGate} applies Gate 0's rule to it at a decision time, for the cached and the uncached
 * gate alike. Internal.
 *
 * @param target          the target hash as read
 * @param targetExpiresAt epoch ms on Redis's clock when the target key expires ({@link #NEVER}: no TTL, or absent)
 * @param budget          the budget engine's {@code budget_usd} when a finite number {@code >= 0}
 * @param budgetExpiresAt the same for the budget key
 */
record GateEntry(Target target, long targetExpiresAt, OptionalDouble budget, long budgetExpiresAt) {

    /** An expiry that never comes: a key without a TTL, or one that did not exist. */
    static final long NEVER = Long.MAX_VALUE;

    /** The fields the gate reads of a target hash, in this order. */
    static final String[] TARGET_FIELDS = {TargetHash.TARGET_USD, TargetHash.MODE, TargetHash.TIMESTAMP, TargetHash.CAP,
            TargetHash.CLUSTER_ID, TargetHash.CONFIDENCE};

    /**
     * A target hash decoded as far as the decision time is not needed.
     *
     * @param problem    why it cannot be used whatever the time (type, absence, mode, timestamp), or null
     * @param usdProblem why its {@code target_usd} cannot be used, or null (judged after the age, as the Governor does)
     * @param usd        {@code target_usd} when usable
     * @param timestamp  its integer epoch seconds, or -1 when absent or not an integer
     */
    record Target(String problem, String usdProblem, double usd, long timestamp, Optional<CapKind> cap,
                  Optional<String> clusterId, OptionalDouble confidence) {
        static final Target ABSENT = new Target("no target", null, 0, -1, Optional.empty(), Optional.empty(), OptionalDouble.empty());
        static final Target WRONG_TYPE = new Target("target key holds the wrong Redis type", null, 0, -1, Optional.empty(),
                Optional.empty(), OptionalDouble.empty());

        /** Decodes the values of an {@code HMGET} of {@link #TARGET_FIELDS}; null values: the wrong Redis type. */
        static Target of(List<String> values) {
            if (values == null) {
                return WRONG_TYPE;
            }
            if (values.stream().allMatch(v -> v == null)) {
                return ABSENT;
            }
            String usdText = values.get(0);
            String mode = values.get(1);
            String ts = values.get(2);
            OptionalLong seconds = Values.epochSeconds(ts);
            OptionalDouble usd = TargetHash.targetUsd(usdText);
            Optional<CapKind> cap = Values.byName(CapKind.values(), CapKind::wireName, values.get(3));
            Optional<String> cluster = Optional.ofNullable(values.get(4)).filter(Scalars::isValidName);
            OptionalDouble confidence = Scalars.parseNumber(values.get(5));
            if (confidence.isPresent() && !(confidence.getAsDouble() >= 0 && confidence.getAsDouble() <= 1)) {
                confidence = OptionalDouble.empty();
            }
            String problem = null;
            if (Values.mode(mode).filter(m -> m == Mode.ENFORCE).isEmpty()) {
                problem = "target mode is " + Scalars.printable(String.valueOf(mode)) + ", not enforce";
            } else if (seconds.isEmpty()) {
                problem = "target timestamp '" + Scalars.printable(String.valueOf(ts)) + "' is not integer epoch seconds";
            }
            String usdProblem = usd.isPresent() ? null
                    : "target_usd '" + Scalars.printable(String.valueOf(usdText)) + "' is not a finite number >= 0";
            return new Target(problem, usdProblem, usd.orElse(0), seconds.orElse(-1), cap, cluster, confidence);
        }
    }

    /**
     * Decodes what one read returned at {@code redisMillis}: the target's {@code HMGET} (null: the wrong type) and
     * {@code PTTL}, the budget's {@code budget_usd} (null: absent or the wrong type) and {@code PTTL}.
     */
    static GateEntry of(List<String> targetValues, long targetTtl, String budgetText, long budgetTtl, long redisMillis) {
        OptionalDouble budget = Scalars.parseNumber(budgetText);
        if (budget.isPresent() && budget.getAsDouble() < 0) {
            budget = OptionalDouble.empty();
        }
        return new GateEntry(Target.of(targetValues), expiry(targetTtl, redisMillis), budget, expiry(budgetTtl, redisMillis));
    }

    /** A key's expiry from its {@code PTTL} ({@code -1}: none, {@code -2}: absent) read at {@code redisMillis}. */
    static long expiry(long pttl, long redisMillis) {
        return pttl >= 0 ? redisMillis + pttl : NEVER;
    }
}
