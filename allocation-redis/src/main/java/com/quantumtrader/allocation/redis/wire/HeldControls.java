package com.quantumtrader.allocation.redis.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.ScopedControl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The operator controls last read valid (DESIGN section 25: controls fail closed). A control that cannot be read (an
 * unknown mode word, the wrong type, NOPERM, an oversized hash, a garbage scoped entry for a scope that had a valid
 * one) keeps the one last read in force; only a control never read valid leaves {@code P29_MODE} (or no scoped
 * control). A missing key is not unreadable: it is "no control", and forgets what was held.
 *
 * <p>Both ways in the state hash {@code quantum:allocation:state} (fields {@link #CONTROL} and {@link #SCOPED}), so a
 * new leader keeps what its predecessor held. The writer writes them when they change; {@link StateHash#decode} reads
 * them back through {@link #decode}.
 *
 * @param control the control hash last read valid; empty: none (absent, or never read valid)
 * @param scoped  the scoped controls last read valid, by hash field ({@code symbol:ID}, {@code cluster:ID})
 */
public record HeldControls(Optional<ControlHash> control, Map<String, ScopedControl> scoped) {

    /** Nothing held: {@code P29_MODE} and no scoped control. */
    public static final HeldControls NONE = new HeldControls(Optional.empty(), Map.of());

    /** The state hash field of the held control hash: a JSON object of its fields, or empty. */
    public static final String CONTROL = "held_control";
    /** The state hash field of the held scoped controls: a JSON object, hash field to value, or empty. */
    public static final String SCOPED = "held_scoped";

    private static final ObjectMapper JSON = new ObjectMapper();

    public HeldControls {
        Objects.requireNonNull(control, "control");
        scoped = Collections.unmodifiableMap(new TreeMap<>(scoped));
    }

    /**
     * What one cycle's read puts in force, given what was held before.
     *
     * @param held       what is held from now on (the next cycle's {@code previous})
     * @param mode       the mode in force: the control hash read, else the one held, else {@code P29_MODE}
     * @param controls   the scoped controls in force: those read, with the held one standing in for each garbage entry
     *                   that replaced a valid one, or all those held when the hash cannot be read
     * @param unreadable per key that could not be read, what is done instead (one ERROR per minute per key)
     */
    public record Applied(HeldControls held, Mode mode, List<ScopedControl> controls, Map<String, String> unreadable) {
        public Applied {
            Objects.requireNonNull(held, "held");
            Objects.requireNonNull(mode, "mode");
            controls = List.copyOf(controls);
            unreadable = Collections.unmodifiableMap(new LinkedHashMap<>(unreadable));
        }
    }

    /** Applies one read of the control hash and the scoped controls to what is held; {@code configured} is {@code P29_MODE}. */
    public Applied apply(Decoded<ControlHash> read, ScopedControls scopedRead, Mode configured) {
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(scopedRead, "scopedRead");
        Objects.requireNonNull(configured, "configured");
        Map<String, String> unreadable = new LinkedHashMap<>();
        Optional<ControlHash> nextControl;
        if (read instanceof Decoded.Valid<ControlHash> v) {
            nextControl = Optional.of(v.value());
        } else if (ControlHash.ABSENT.equals(read.invalidReason().orElseThrow())) {
            nextControl = Optional.empty();
        } else {
            nextControl = control;
            unreadable.put(Keys.CONTROL, read.invalidReason().orElseThrow() + "; " + control.map(c -> "keeping mode "
                    + c.mode().wireName() + " as last read (set by " + (c.by().isEmpty() ? "unknown" : c.by()) + ")")
                    .orElse("no valid control read before: P29_MODE=" + configured.wireName() + " applies"));
        }
        Map<String, ScopedControl> nextScoped;
        if (scopedRead.unreadable().isPresent()) {
            nextScoped = scoped;
            unreadable.put(Keys.SCOPED_CONTROLS, scopedRead.unreadable().get() + "; keeping the " + scoped.size()
                    + " scoped controls last read");
        } else {
            nextScoped = new TreeMap<>();
            for (ScopedControl c : scopedRead.controls()) {
                nextScoped.put(ScopedControls.field(c), c);
            }
            List<String> keptFor = new ArrayList<>();
            for (String field : scopedRead.invalidFields()) {
                ScopedControl before = scoped.get(field);
                if (before != null) {
                    nextScoped.put(field, before);
                    keptFor.add(field);
                }
            }
            if (!keptFor.isEmpty()) {
                Collections.sort(keptFor);
                unreadable.put(Keys.SCOPED_CONTROLS, keptFor.size() + " entries that held a valid control cannot be read; keeping the"
                        + " last read for " + String.join(", ", keptFor.subList(0, Math.min(5, keptFor.size())))
                        + (keptFor.size() > 5 ? " and " + (keptFor.size() - 5) + " more" : ""));
            }
        }
        HeldControls next = new HeldControls(nextControl, nextScoped);
        Mode mode = nextControl.map(ControlHash::mode).orElse(configured);
        return new Applied(next, mode, new ArrayList<>(next.scoped.values()), unreadable);
    }

    /** The state hash's two fields: each a JSON object, or empty for nothing held. */
    public Map<String, String> encode() {
        Map<String, String> f = new LinkedHashMap<>(4);
        f.put(CONTROL, control.map(c -> {
            ObjectNode o = JSON.createObjectNode();
            c.encode().forEach(o::put);
            return o.toString();
        }).orElse(""));
        if (scoped.isEmpty()) {
            f.put(SCOPED, "");
        } else {
            ObjectNode o = JSON.createObjectNode();
            scoped.forEach((field, c) -> o.put(field, ScopedControls.encode(c)));
            f.put(SCOPED, o.toString());
        }
        return f;
    }

    /**
     * The controls held in a state hash; a field that is absent, empty or cannot be read holds nothing (a state hash of
     * an earlier release, or one edited by hand: then the new leader's own reads decide).
     */
    public static HeldControls decode(Map<String, String> state) {
        Optional<ControlHash> control = Optional.empty();
        JsonNode c = json(state.get(CONTROL));
        if (c != null && c.isObject()) {
            Map<String, String> fields = new LinkedHashMap<>();
            c.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
            if (ControlHash.decode(fields) instanceof Decoded.Valid<ControlHash> v) {
                control = Optional.of(v.value());
            }
        }
        Map<String, ScopedControl> scoped = new TreeMap<>();
        JsonNode s = json(state.get(SCOPED));
        if (s != null && s.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext() && scoped.size() < ScopedControls.MAX_FIELDS; ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (ScopedControls.decode(e.getKey(), e.getValue().asText()) instanceof Decoded.Valid<ScopedControl> v) {
                    scoped.put(e.getKey(), v.value());
                }
            }
        }
        return new HeldControls(control, scoped);
    }

    private static JsonNode json(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
