package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.core.WritePlan;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A decision stream entry that records a removal (DESIGN section 12): the symbol left the universe
 * (its budget vanished or was rejected) and its target was deleted in cycle {@code cycleId} (in
 * shadow: would have been). Fields: {@code symbol}, {@code cycle_id}, {@code change} = {@code removed},
 * {@code timestamp} and {@code ts} (integer epoch seconds), {@code mode}.
 */
public record RemovalEntry(String symbol, String cycleId, Instant timestamp, Mode mode) {

    public RemovalEntry {
        if (!Scalars.isValidName(symbol)) {
            throw new IllegalArgumentException(DecisionEntry.SYMBOL + ": must be 1-64 characters of [A-Za-z0-9._-], was '"
                    + Scalars.printable(symbol) + "'");
        }
        if (cycleId == null || cycleId.isEmpty()) {
            throw new IllegalArgumentException(DecisionEntry.CYCLE_ID + ": must not be empty, was '" + Scalars.printable(cycleId) + "'");
        }
        timestamp = Instant.ofEpochSecond(Objects.requireNonNull(timestamp, TargetHash.TIMESTAMP).getEpochSecond());
        Objects.requireNonNull(mode, TargetHash.MODE);
    }

    public Map<String, String> encode() {
        Map<String, String> f = new LinkedHashMap<>(8);
        f.put(DecisionEntry.SYMBOL, symbol);
        f.put(DecisionEntry.CYCLE_ID, cycleId);
        f.put(DecisionEntry.CHANGE, WritePlan.REMOVED);
        String ts = Scalars.formatEpochSeconds(timestamp);
        f.put(TargetHash.TIMESTAMP, ts);
        f.put(TargetHash.TS, ts);
        f.put(TargetHash.MODE, mode.wireName());
        return f;
    }

    /** Decodes a removal entry; an entry whose {@code change} is not {@code removed} is invalid. */
    public static Decoded<RemovalEntry> decode(Map<String, String> fields) {
        if (!WritePlan.REMOVED.equals(fields.get(DecisionEntry.CHANGE))) {
            return new Decoded.Invalid<>(DecisionEntry.CHANGE + ": must be removed, was '"
                    + Scalars.printable(fields.get(DecisionEntry.CHANGE)) + "'");
        }
        OptionalLong ts = Values.epochSeconds(fields.get(TargetHash.TIMESTAMP));
        if (ts.isEmpty()) {
            return new Decoded.Invalid<>(TargetHash.TIMESTAMP + ": must be integer epoch seconds, was '"
                    + Scalars.printable(fields.get(TargetHash.TIMESTAMP)) + "'");
        }
        var mode = Values.mode(fields.get(TargetHash.MODE));
        if (mode.isEmpty()) {
            return new Decoded.Invalid<>(TargetHash.MODE + ": must be shadow, enforce, reduce or halt, was '"
                    + Scalars.printable(fields.get(TargetHash.MODE)) + "'");
        }
        try {
            return new Decoded.Valid<>(new RemovalEntry(fields.get(DecisionEntry.SYMBOL), fields.get(DecisionEntry.CYCLE_ID),
                    Instant.ofEpochSecond(ts.getAsLong()), mode.get()));
        } catch (IllegalArgumentException e) {
            return new Decoded.Invalid<>(e.getMessage());
        }
    }
}
