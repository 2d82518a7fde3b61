package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.redis.read.InputReader;
import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The hash {@code quantum:allocation:state} (DESIGN sections 9 and 10), both ways: the small part of
 * the carry-over (the zone in force, the relax timer, the mode in force) and who wrote it, written
 * in the same fenced write as the targets, so a new leader carries on where the old one stopped.
 * An absent optional is an empty field.
 *
 * @param instance  the writer's {@code P29_INSTANCE_ID}
 * @param epoch     the writer's fencing token
 * @param timestamp when it was written, whole seconds
 * @param held      the operator controls the writer last read valid (DESIGN section 25), its own two fields: decoded here,
 *                  encoded by {@link HeldControls#encode()} and written beside {@link #encode()} when they change
 */
public record StateHash(Optional<DrawdownZone> zone, Optional<Instant> relaxSince, Optional<Mode> mode,
                        String instance, long epoch, Instant timestamp, HeldControls held) {

    /** A state that holds no control. */
    public StateHash(Optional<DrawdownZone> zone, Optional<Instant> relaxSince, Optional<Mode> mode, String instance, long epoch,
                     Instant timestamp) {
        this(zone, relaxSince, mode, instance, epoch, timestamp, HeldControls.NONE);
    }

    public static final String DRAWDOWN_ZONE = "drawdown_zone";
    public static final String RELAX_SINCE = "relax_since";
    public static final String MODE = "mode";
    public static final String INSTANCE = "instance";
    public static final String EPOCH = "epoch";
    public static final String TIMESTAMP = "timestamp";
    /**
     * The {@code cycle_id} of the write that left the hash, written beside the decoded fields by
     * {@code write.OutputWriter} and read back by {@code read.InputReader} every cycle: a writer whose last write is
     * not what Redis shows (a node restarted empty, a failover to a replica that missed it, a restore)
     * re-reads its targets instead of trusting what it remembers.
     */
    public static final String CYCLE_ID = "cycle_id";

    public StateHash {
        Objects.requireNonNull(zone, DRAWDOWN_ZONE);
        Objects.requireNonNull(relaxSince, RELAX_SINCE);
        Objects.requireNonNull(mode, MODE);
        Names.checkInstanceId(instance);
        if (epoch < 1) {
            throw new IllegalArgumentException(EPOCH + ": must be >= 1, was " + epoch);
        }
        Objects.requireNonNull(timestamp, TIMESTAMP);
        Objects.requireNonNull(held, "held");
        relaxSince = relaxSince.map(t -> Instant.ofEpochSecond(t.getEpochSecond()));
        timestamp = Instant.ofEpochSecond(timestamp.getEpochSecond());
    }

    /** The state of carry-over {@code next} as written by {@code fence}'s holder at {@code now}. */
    public static StateHash of(CarryOver next, Fence fence, Instant now) {
        return new StateHash(next.zone(), next.relaxSince(), next.mode(), fence.instance(), fence.token(), now);
    }

    /** {@code carryOver} with this state's zone, relax timer and mode in force (its written targets kept). */
    public CarryOver applyTo(CarryOver carryOver) {
        return new CarryOver(zone, relaxSince, mode, carryOver.written());
    }

    /** The writer's fields, without {@link #held()} (see there). */
    public Map<String, String> encode() {
        Map<String, String> f = new LinkedHashMap<>(12);
        f.put(DRAWDOWN_ZONE, zone.map(Enum::name).orElse(""));
        f.put(RELAX_SINCE, relaxSince.map(Scalars::formatEpochSeconds).orElse(""));
        f.put(MODE, mode.map(Mode::wireName).orElse(""));
        f.put(INSTANCE, instance);
        f.put(EPOCH, Long.toString(epoch));
        f.put(TIMESTAMP, Scalars.formatEpochSeconds(timestamp));
        return f;
    }

    /** Decodes the hash; an empty one (no state written yet) is invalid with reason {@code "absent"}. */
    public static Decoded<StateHash> decode(Map<String, String> hash) {
        if (hash.isEmpty()) {
            return new Decoded.Invalid<>("absent");
        }
        String rawZone = hash.getOrDefault(DRAWDOWN_ZONE, "");
        Optional<DrawdownZone> zone = Values.byName(DrawdownZone.values(), Enum::name, rawZone);
        if (!rawZone.isEmpty() && zone.isEmpty()) {
            return invalid(DRAWDOWN_ZONE, "LOW, MID, HIGH or empty", rawZone);
        }
        String rawRelax = hash.getOrDefault(RELAX_SINCE, "");
        OptionalLong relax = Values.epochSeconds(rawRelax);
        if (!rawRelax.isEmpty() && relax.isEmpty()) {
            return invalid(RELAX_SINCE, "integer epoch seconds or empty", rawRelax);
        }
        String rawMode = hash.getOrDefault(MODE, "");
        Optional<Mode> mode = Values.mode(rawMode);
        if (!rawMode.isEmpty() && mode.isEmpty()) {
            return invalid(MODE, "shadow, enforce, reduce or empty", rawMode);
        }
        OptionalLong epoch = Values.epochSeconds(hash.get(EPOCH)); // the same digits-only rule
        if (epoch.isEmpty() || epoch.getAsLong() < 1) {
            return invalid(EPOCH, "a whole number >= 1", hash.get(EPOCH));
        }
        OptionalLong ts = Values.epochSeconds(hash.get(TIMESTAMP));
        if (ts.isEmpty()) {
            return invalid(TIMESTAMP, "integer epoch seconds", hash.get(TIMESTAMP));
        }
        try {
            return new Decoded.Valid<>(new StateHash(zone, relax.isPresent() ? Optional.of(Instant.ofEpochSecond(relax.getAsLong()))
                    : Optional.empty(), mode, hash.get(INSTANCE), epoch.getAsLong(), Instant.ofEpochSecond(ts.getAsLong()),
                    HeldControls.decode(hash)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Decoded.Invalid<>(e.getMessage());
        }
    }

    private static <T> Decoded<T> invalid(String field, String allowed, String value) {
        return new Decoded.Invalid<>(field + ": must be " + allowed + ", was '" + Scalars.printable(value) + "'");
    }
}
