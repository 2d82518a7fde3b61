package com.quantumtrader.allocation.redis.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quantumtrader.allocation.core.ScopedControl;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The scoped-control hash {@link Keys#SCOPED_CONTROLS} both ways (DESIGN section 17): one field per control,
 * {@code symbol:BTCUSDT} or {@code cluster:majors}, whose value is a JSON object
 * {@code {"action":"scale","factor":0.5,"reason":"...","by":"alice","since":1764680000,"until":1764680600}}
 * ({@code factor} only for scale; {@code until} only for a control that ends by itself). Only the field and the
 * {@code action} (and a scale's {@code factor}) decide whether a control applies: an operator may write one by hand
 * in an incident, even as the bare word {@code halt} or {@code reduce}, and a missing reason must not stop the
 * throttle. A value that cannot be read is left out of the cycle, named in {@link #invalid()}, logged and counted.
 *
 * <p>A hash that cannot be read at all (the wrong type, NOPERM, more than {@link #MAX_FIELDS} fields) is
 * {@link #unreadable()}: not "no control" (DESIGN section 25: the runner keeps the controls it last read, {@link HeldControls}).
 *
 * @param controls      the controls read, in field order (expired ones included: the rules ignore them)
 * @param invalid       {@code field: reason} for every entry that could not be read
 * @param invalidFields the fields (as in the hash) of those entries
 * @param unreadable    why the hash could not be read at all; empty when it was (absent is read: no control)
 */
public record ScopedControls(List<ScopedControl> controls, List<String> invalid, Set<String> invalidFields,
                             Optional<String> unreadable) {

    /** No scoped control. */
    public static final ScopedControls NONE = new ScopedControls(List.of(), List.of());

    /**
     * The most fields the hash may hold to be read (an operator sets a handful; a hash of 300,000 fields ended the JVM):
     * beyond it the hash is {@link #unreadable()}, counted and logged, and the controls last read stay in force.
     */
    public static final int MAX_FIELDS = 10_000;

    /** Controls read, and the entries that could not be. */
    public ScopedControls(List<ScopedControl> controls, List<String> invalid) {
        this(controls, invalid, Set.of(), Optional.empty());
    }

    /** A hash that could not be read at all, and why. */
    public static ScopedControls unreadable(String reason) {
        return new ScopedControls(List.of(), List.of(), Set.of(), Optional.of(reason));
    }

    public static final String ACTION = "action";
    public static final String FACTOR = "factor";
    public static final String REASON = "reason";
    public static final String BY = "by";
    public static final String SINCE = "since";
    public static final String UNTIL = "until";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ScopedControls {
        controls = List.copyOf(controls);
        invalid = List.copyOf(invalid);
        invalidFields = Set.copyOf(invalidFields);
        Objects.requireNonNull(unreadable, "unreadable");
    }

    /** The hash field of a control: {@code symbol:ID} or {@code cluster:ID}. */
    public static String field(ScopedControl.Scope scope, String id) {
        return scope.wireName() + ":" + id;
    }

    /** The hash field of {@code control}. */
    public static String field(ScopedControl control) {
        return field(control.scope(), control.id());
    }

    /** The value of {@code control}'s field. */
    public static String encode(ScopedControl control) {
        ObjectNode o = JSON.createObjectNode();
        o.put(ACTION, control.action().wireName());
        if (control.action() == ScopedControl.Action.SCALE) {
            o.put(FACTOR, control.factor());
        }
        o.put(REASON, control.reason());
        o.put(BY, control.by());
        control.since().ifPresent(t -> o.put(SINCE, t.getEpochSecond()));
        control.until().ifPresent(t -> o.put(UNTIL, t.getEpochSecond()));
        return o.toString();
    }

    /** Decodes the whole hash ({@code HGETALL}; empty: no scoped control), fields in sorted order. */
    public static ScopedControls decode(Map<String, String> hash) {
        if (hash.isEmpty()) {
            return NONE;
        }
        List<ScopedControl> controls = new ArrayList<>(hash.size());
        List<String> invalid = new ArrayList<>();
        Set<String> invalidFields = new HashSet<>();
        new TreeMap<>(hash).forEach((field, value) -> {
            Decoded<ScopedControl> c = decode(field, value);
            if (c instanceof Decoded.Valid<ScopedControl> v) {
                controls.add(v.value());
            } else {
                invalid.add(ControlHash.escaped(field) + ": " + c.invalidReason().orElseThrow());
                invalidFields.add(field);
            }
        });
        return new ScopedControls(controls, invalid, invalidFields, Optional.empty());
    }

    /** One field and its value. */
    public static Decoded<ScopedControl> decode(String field, String value) {
        Objects.requireNonNull(field, "field");
        int colon = field.indexOf(':');
        Optional<ScopedControl.Scope> scope = colon < 0 ? Optional.empty()
                : Values.byName(ScopedControl.Scope.values(), ScopedControl.Scope::wireName, field.substring(0, colon));
        if (scope.isEmpty()) {
            return new Decoded.Invalid<>("field must be symbol:ID or cluster:ID");
        }
        String id = field.substring(colon + 1);
        if (!Scalars.isValidName(id)) {
            return new Decoded.Invalid<>("id must be 1-64 characters of [A-Za-z0-9._-], was '" + Scalars.printable(id) + "'");
        }
        if (value == null) {
            return new Decoded.Invalid<>("no value");
        }
        String bare = value.strip().toLowerCase(Locale.ROOT);
        if (bare.equals("halt") || bare.equals("reduce")) { // typed by hand in an incident
            ScopedControl.Action action = bare.equals("halt") ? ScopedControl.Action.HALT : ScopedControl.Action.REDUCE;
            return new Decoded.Valid<>(new ScopedControl(scope.get(), id, action, 1, "", "", Optional.empty(), Optional.empty()));
        }
        JsonNode o;
        try {
            o = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            return new Decoded.Invalid<>("value is not a JSON object nor halt or reduce: '" + ControlHash.escaped(value) + "'");
        }
        if (o == null || !o.isObject()) {
            return new Decoded.Invalid<>("value is not a JSON object nor halt or reduce: '" + ControlHash.escaped(value) + "'");
        }
        String actionText = o.path(ACTION).isTextual() ? o.get(ACTION).asText().strip().toLowerCase(Locale.ROOT) : null;
        Optional<ScopedControl.Action> action = Values.byName(ScopedControl.Action.values(), ScopedControl.Action::wireName, actionText);
        if (action.isEmpty()) {
            return new Decoded.Invalid<>(ACTION + ": must be halt, reduce or scale, was '" + Scalars.printable(actionText) + "'");
        }
        double factor = 1;
        if (action.get() == ScopedControl.Action.SCALE) {
            JsonNode f = o.get(FACTOR);
            if (f == null || !f.isNumber() || !(f.asDouble() >= 0 && f.asDouble() <= 1)) {
                return new Decoded.Invalid<>(FACTOR + ": scale needs a number in [0, 1], was " + (f == null ? "none" : f.toString()));
            }
            factor = f.asDouble();
        }
        Optional<Instant> since = epoch(o.get(SINCE));
        Optional<Instant> until = epoch(o.get(UNTIL)); // an end that cannot be read: the control applies without one
        try {
            return new Decoded.Valid<>(new ScopedControl(scope.get(), id, action.get(), factor, text(o.get(REASON)), text(o.get(BY)), since,
                    until));
        } catch (IllegalArgumentException e) {
            return new Decoded.Invalid<>(e.getMessage());
        }
    }

    private static Optional<Instant> epoch(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        OptionalLong s = Values.epochSeconds(node.isNumber() && node.canConvertToLong() ? Long.toString(node.asLong()) : node.asText());
        return s.isPresent() ? Optional.of(Instant.ofEpochSecond(s.getAsLong())) : Optional.empty();
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? "" : ControlHash.escaped(node.asText());
    }
}
