package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Scalars;
import com.quantumtrader.allocation.core.WritePlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the decision stream {@code quantum:stream:allocation.decision} (DESIGN sections 4 and
 * 12), both ways: every target field plus {@code symbol}, {@code cycle_id}, {@code fallbacks} (the
 * comma list of data sources that fell back, empty when none) and {@code change} ({@code new} or
 * {@code changed}; a removal is a {@link RemovalEntry}). The stream is a history of changes: a target
 * left as written, or only refreshed, has no entry.
 */
public record DecisionEntry(String symbol, String cycleId, List<DataSource> fallbacks, WritePlan.Change change, TargetHash target) {

    public static final String SYMBOL = "symbol";
    public static final String CYCLE_ID = "cycle_id";
    public static final String FALLBACKS = "fallbacks";
    public static final String CHANGE = "change";

    public DecisionEntry {
        if (!Scalars.isValidName(symbol)) {
            throw new IllegalArgumentException(SYMBOL + ": must be 1-64 characters of [A-Za-z0-9._-], was '" + Scalars.printable(symbol) + "'");
        }
        if (cycleId == null || cycleId.isEmpty()) {
            throw new IllegalArgumentException(CYCLE_ID + ": must not be empty, was '" + Scalars.printable(cycleId) + "'");
        }
        fallbacks = List.copyOf(fallbacks);
        if (change == null || !change.streamed()) {
            throw new IllegalArgumentException(CHANGE + ": must be new or changed, was " + change);
        }
        Objects.requireNonNull(target, "target");
    }

    /** The entry of one decision of cycle {@code cycleId} at {@code now} in {@code mode}. */
    public static DecisionEntry of(Decision d, Instant now, Mode mode, String cycleId, WritePlan.Change change) {
        return new DecisionEntry(d.symbol(), cycleId, d.fallbacks(), change, TargetHash.of(d, now, mode));
    }

    /** The fields in the order they are written: the target hash's, then symbol, cycle id and fallbacks. */
    public Map<String, String> encode() {
        Map<String, String> f = TargetHash.pairsToMap(target.encodePairs());
        f.putAll(TargetHash.pairsToMap(encodeOwnPairs()));
        return f;
    }

    /** The fields after the target's ({@link TargetHash#encodePairs}), as field, value pairs: symbol, cycle id, fallbacks, change. */
    public String[] encodeOwnPairs() {
        return new String[] {SYMBOL, symbol, CYCLE_ID, cycleId, FALLBACKS, fallbacks(fallbacks), CHANGE, change.wireName()};
    }

    /** Decodes a stream entry's fields; see {@link TargetHash#decode} for the target part. */
    public static Decoded<DecisionEntry> decode(Map<String, String> fields) {
        Decoded<TargetHash> target = TargetHash.decode(fields);
        if (target instanceof Decoded.Invalid<TargetHash> invalid) {
            return new Decoded.Invalid<>(invalid.reason());
        }
        String raw = fields.get(FALLBACKS);
        if (raw == null) {
            return new Decoded.Invalid<>(FALLBACKS + ": must be present (empty when none), was missing");
        }
        List<DataSource> sources = new ArrayList<>();
        if (!raw.isEmpty()) {
            for (String word : raw.split(",", -1)) {
                Optional<DataSource> source = Values.byName(DataSource.values(), DataSource::wireName, word);
                if (source.isEmpty()) {
                    return new Decoded.Invalid<>(FALLBACKS + ": must be a comma list of data sources, was '" + Scalars.printable(raw) + "'");
                }
                sources.add(source.get());
            }
        }
        String rawChange = fields.get(CHANGE);
        WritePlan.Change change = WritePlan.Change.NEW.wireName().equals(rawChange) ? WritePlan.Change.NEW
                : WritePlan.Change.CHANGED.wireName().equals(rawChange) ? WritePlan.Change.CHANGED : null;
        if (change == null) {
            return new Decoded.Invalid<>(CHANGE + ": must be new or changed, was '" + Scalars.printable(rawChange) + "'");
        }
        try {
            return new Decoded.Valid<>(new DecisionEntry(fields.get(SYMBOL), fields.get(CYCLE_ID), sources, change, target.orElseThrow()));
        } catch (IllegalArgumentException e) {
            return new Decoded.Invalid<>(e.getMessage());
        }
    }

    private static String fallbacks(List<DataSource> sources) {
        StringBuilder sb = new StringBuilder();
        for (DataSource s : sources) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(s.wireName());
        }
        return sb.toString();
    }
}
