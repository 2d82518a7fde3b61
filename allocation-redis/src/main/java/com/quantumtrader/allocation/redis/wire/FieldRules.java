package com.quantumtrader.allocation.redis.wire;

import static com.quantumtrader.allocation.core.Scalars.isValidName;

import static com.quantumtrader.allocation.core.Scalars.parseTimestamp;
import static com.quantumtrader.allocation.core.Scalars.printable;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.RejectReason;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One field's rule, as every input decoder applies it: a finite number, an epoch timestamp (seconds or milliseconds, or
 * an alternative field), a valid name; a value that breaks it is a {@link Rejection} naming the field, the rule and the
 * value, never an exception. Used by {@link InputCodec}.
 */
final class FieldRules {

    private FieldRules() {
    }

    /** Keys in sorted order, so decisions and rejections never depend on the order Redis returned them in. */
    static String[] sortedKeys(Map<String, ?> map) {
        String[] keys = map.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        return keys;
    }

    static Rejection badName(DataSource source, String subject, String what, String value) {
        return new Rejection(source, RejectReason.BAD_NAME, subject,
                what + " '" + printable(value) + "' is not 1-64 characters of [A-Za-z0-9._-]");
    }

    static OptionalDouble number(DataSource source, String subject, Map<String, String> hash, String field, List<Rejection> rejections) {
        double v = numberOrNaN(source, subject, field, hash.get(field), rejections);
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** A field's finite number, or NaN after rejecting it (missing or not a finite number). */
    static double numberOrNaN(DataSource source, String subject, String field, String raw, List<Rejection> rejections) {
        if (raw == null) {
            rejections.add(new Rejection(source, RejectReason.MISSING_FIELD, subject, field + " is missing"));
            return Double.NaN;
        }
        double value = Scalars.parseNumberOrNaN(raw);
        if (Double.isNaN(value)) {
            rejections.add(new Rejection(source, RejectReason.INVALID_VALUE, subject,
                    field + "='" + printable(raw) + "' is not a finite number"));
        }
        return value;
    }

    static Optional<Instant> timestamp(DataSource source, String subject, Map<String, String> hash,
                                               String field, String alternative, List<Rejection> rejections) {
        return Optional.ofNullable(timestampOrNull(source, subject, field, hash.get(field), alternative,
                alternative == null ? null : hash.get(alternative), rejections));
    }

    /** {@code field}'s timestamp, else {@code alternative}'s when {@code field} is absent; null after rejecting it. */
    static Instant timestampOrNull(DataSource source, String subject, String field, String raw,
                                           String alternative, String alternativeRaw, List<Rejection> rejections) {
        String name = field;
        if (raw == null && alternative != null) {
            name = alternative;
            raw = alternativeRaw;
        }
        if (raw == null) {
            rejections.add(new Rejection(source, RejectReason.MISSING_FIELD, subject,
                    field + (alternative == null ? "" : " (or " + alternative + ")") + " is missing"));
            return null;
        }
        Optional<Instant> value = parseTimestamp(raw);
        if (value.isEmpty()) {
            rejections.add(new Rejection(source, RejectReason.INVALID_VALUE, subject,
                    name + "='" + printable(raw) + "' is not an epoch timestamp in seconds or milliseconds"));
            return null;
        }
        return value.get();
    }

    static List<String> valuesOf(Map<String, String> hash, String[] fields) {
        String[] values = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = hash.get(fields[i]);
        }
        return Arrays.asList(values);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Adds the array's valid names to {@code members}; false when {@code json} is not a JSON array of strings. */
    static boolean symbolArray(String json, String id, List<String> members, List<Rejection> rejections) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return false;
        }
        if (node == null || !node.isArray()) {
            return false;
        }
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                return false;
            }
        }
        for (JsonNode element : node) {
            String symbol = element.textValue();
            if (isValidName(symbol)) {
                members.add(symbol);
            } else {
                rejections.add(badName(DataSource.CLUSTER_MAP, id, "member", symbol));
            }
        }
        return true;
    }
}
