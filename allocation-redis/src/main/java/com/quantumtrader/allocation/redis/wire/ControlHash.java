package com.quantumtrader.allocation.redis.wire;

import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The operator's control hash {@code quantum:control:allocation} (DESIGN section 13), both ways: the
 * mode an operator set at run time, why, by whom and when. Only {@code mode} decides whether the hash
 * applies: an operator may write it by hand in an incident ({@code HSET quantum:control:allocation
 * mode reduce}), and a missing reason must not stop the throttle. The other fields are shown and
 * logged as they are ({@code ""} or empty when absent or unreadable).
 *
 * @param mode      the mode in force while the hash exists
 * @param reason    why, as the operator wrote it
 * @param by        who
 * @param timestamp when it was set, whole seconds
 */
public record ControlHash(Mode mode, String reason, String by, Optional<Instant> timestamp) {

    /** The mode in force: a valid control hash's, else the configured one ({@code P29_MODE}). */
    public static Mode inForce(Decoded<ControlHash> control, Mode configured) {
        return control instanceof Decoded.Valid<ControlHash> v ? v.value().mode() : configured;
    }

    /** The control hash's decoding when the key is not a hash. */
    public static final String WRONG_TYPE = Keys.CONTROL + " holds the wrong Redis type (must be a hash)";


    public static final String MODE = "mode";
    public static final String REASON = "reason";
    public static final String BY = "by";
    public static final String TS = "ts";
    /** The reason of an audit entry, at most this many characters (it is logged on every change). */
    public static final int MAX_TEXT = 500;

    public ControlHash {
        Objects.requireNonNull(mode, MODE);
        Objects.requireNonNull(reason, REASON);
        Objects.requireNonNull(by, BY);
        Objects.requireNonNull(timestamp, TS);
        timestamp = timestamp.map(t -> Instant.ofEpochSecond(t.getEpochSecond()));
    }

    /**
     * A control an operator sets: the reason and the name must be non-blank text of at most
     * {@link #MAX_TEXT} characters without control characters.
     *
     * @throws IllegalArgumentException naming the field, the rule and the value
     */
    public static ControlHash set(Mode mode, String reason, String by, Instant now) {
        return new ControlHash(mode, text(REASON, reason), text(BY, by), Optional.of(now));
    }

    /** Checks an operator's text: {@code reason} or {@code by}. */
    public static String text(String field, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_TEXT || !clean(value)) {
            throw new IllegalArgumentException(field + ": must be 1-" + MAX_TEXT + " characters, not blank, no control characters, was '"
                    + Scalars.printable(value) + "'");
        }
        return value.strip();
    }

    /** Whether an operator's text has no control characters. */
    private static boolean clean(String value) {
        return value.chars().noneMatch(Character::isISOControl);
    }

    /**
     * Text read back from Redis made safe for one log line: every character outside printable ASCII
     * (control characters, escape sequences, bidirectional overrides) becomes a backslash, u and four hex digits, cut at
     * {@link #MAX_TEXT} characters of the original.
     */
    public static String escaped(String value) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_TEXT) + 8);
        for (int i = 0; i < value.length() && i < MAX_TEXT; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    public Map<String, String> encode() {
        Map<String, String> f = new LinkedHashMap<>(8);
        f.put(MODE, mode.wireName());
        f.put(REASON, reason);
        f.put(BY, by);
        f.put(TS, timestamp.map(Scalars::formatEpochSeconds).orElse(""));
        return f;
    }

    /**
     * Decodes the hash: {@code absent} when there is none (empty), invalid when {@code mode} is not
     * {@code enforce}, {@code reduce} or {@code shadow}.
     */
    public static Decoded<ControlHash> decode(Map<String, String> hash) {
        if (hash.isEmpty()) {
            return new Decoded.Invalid<>(ABSENT);
        }
        String raw = hash.get(MODE);
        // Case-insensitive: a hand-typed "REDUCE" in an incident must apply, not be ignored.
        Optional<Mode> mode = Values.mode(raw == null ? null : raw.strip().toLowerCase(Locale.ROOT));
        if (mode.isEmpty()) {
            return new Decoded.Invalid<>(MODE + ": must be enforce, reduce, halt or shadow, was '" + Scalars.printable(raw) + "'");
        }
        OptionalLong ts = Values.epochSeconds(hash.get(TS));
        return new Decoded.Valid<>(new ControlHash(mode.get(), escaped(hash.getOrDefault(REASON, "")),
                escaped(hash.getOrDefault(BY, "")),
                ts.isPresent() ? Optional.of(Instant.ofEpochSecond(ts.getAsLong())) : Optional.empty()));
    }

    /** The fields a runner reads ({@code HMGET}): never the whole hash, which may hold a million fields. */
    public static final String[] FIELDS = {MODE, REASON, BY, TS};

    /**
     * Decodes a runner's read: the hash's {@code HLEN} ({@code length}; 0: absent) and {@link #FIELDS} as read. A hash
     * with fields but none of these is invalid (no mode), not absent.
     */
    public static Decoded<ControlHash> decode(long length, Map<String, String> fields) {
        if (length == 0) {
            return new Decoded.Invalid<>(ABSENT);
        }
        if (fields.isEmpty()) {
            return new Decoded.Invalid<>(MODE + ": must be enforce, reduce, halt or shadow, was missing (the hash holds " + length
                    + " other fields)");
        }
        return decode(fields);
    }

    /** The reason of {@link #decode} for a control hash that does not exist. */
    public static final String ABSENT = "absent";
}
