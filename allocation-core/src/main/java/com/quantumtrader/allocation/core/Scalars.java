package com.quantumtrader.allocation.core;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The scalar codec of the wire: numbers, timestamps and names as the strings the Python services
 * write and parse ({@code float()}, {@code int()}). It refers to nothing else in core; the field
 * names and hashes of the Redis contract live in allocation-redis ({@code InputCodec},
 * {@code TargetHash}, {@code DecisionEntry}).
 *
 * <p>Numbers: optional ASCII whitespace around an optional sign, digits with an optional fraction,
 * an optional exponent ({@code 1e-05} is what Python writes for small floats). {@code nan},
 * {@code inf}, {@code Infinity}, hex, text, empty and whitespace-only are invalid, and so is a
 * value that overflows to infinity. Timestamps: such a number of epoch seconds, {@code >= 0};
 * above {@code 1e11} it is read as epoch milliseconds; a result at or above {@code 1e11} seconds
 * (microseconds, garbage) is invalid.
 */
public final class Scalars {

    /** The cluster of a symbol no map assigns ({@link Allocator#UNKNOWN_CLUSTER}); no other cluster may take the name. */
    public static final String UNKNOWN_CLUSTER = "UNKNOWN";

    /** Above this a timestamp is read as epoch milliseconds (1e11 s is the year 5138). */
    public static final double MILLIS_THRESHOLD = 1e11;
    private static final int MAX_NUMBER_LENGTH = 400; // the longest plain double (4.9e-324) is 327 characters
    private static final int MAX_PRINTABLE = 64;

    private Scalars() {
    }

    /** A finite number, or empty for anything the contract calls invalid (see the class comment). */
    public static OptionalDouble parseNumber(String text) {
        double v = parseNumberOrNaN(text);
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** {@link #parseNumber} without the wrapper (10,000 budgets a cycle): the number, or NaN for anything invalid. */
    public static double parseNumberOrNaN(String text) {
        if (text == null) {
            return Double.NaN;
        }
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        if (end - start == 0 || end - start > MAX_NUMBER_LENGTH || !isDecimal(text, start, end)) {
            return Double.NaN;
        }
        double value = Double.parseDouble(text.substring(start, end));
        return Double.isFinite(value) ? value : Double.NaN;
    }

    /** An epoch timestamp in seconds or milliseconds (see the class comment), or empty. */
    public static Optional<Instant> parseTimestamp(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (!s.isEmpty() && s.length() <= 18 && allDigits(s)) {
            long whole = Long.parseLong(s); // exact path for integers, the common case
            if (whole > MILLIS_THRESHOLD) {
                return whole / 1000 < MILLIS_THRESHOLD ? Optional.of(Instant.ofEpochMilli(whole)) : Optional.empty();
            }
            return Optional.of(Instant.ofEpochSecond(whole));
        }
        OptionalDouble parsed = parseNumber(text);
        if (parsed.isEmpty() || parsed.getAsDouble() < 0) {
            return Optional.empty();
        }
        double seconds = parsed.getAsDouble();
        if (seconds > MILLIS_THRESHOLD) {
            seconds /= 1000.0;
        }
        if (seconds >= MILLIS_THRESHOLD) {
            return Optional.empty();
        }
        long whole = (long) Math.floor(seconds);
        long nanos = Math.min(999_999_999L, Math.round((seconds - whole) * 1e9));
        return Optional.of(Instant.ofEpochSecond(whole, nanos));
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** True for 1-64 characters of {@code [A-Za-z0-9._-]}: a symbol or cluster name safe in keys and labels. */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * A value made safe to echo in a log line or message: non-printable and non-ASCII characters
     * become {@code ?}, and it is cut at 64 characters with {@code ...}.
     */
    public static String printable(String value) {
        if (value == null) {
            return "null";
        }
        int len = Math.min(value.length(), MAX_PRINTABLE);
        StringBuilder sb = new StringBuilder(len + 3);
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (value.length() > MAX_PRINTABLE) {
            sb.append("...");
        }
        return sb.toString();
    }

    /**
     * A finite number as a plain decimal that Python's {@code float()} reads back to the same double:
     * {@code 12548.780117029388}, {@code 0.0000001}, {@code 20000.0}; never an exponent, NaN or Infinity.
     *
     * @throws IllegalArgumentException for a non-finite value
     */
    public static String formatDecimal(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value: must be finite, was " + value);
        }
        if (value == 0) {
            return "0.0"; // also turns -0.0 into 0.0
        }
        String shortest = Double.toString(value);
        if (shortest.indexOf('E') < 0) {
            return shortest;
        }
        return new BigDecimal(shortest).toPlainString();
    }

    /** Integer epoch seconds, as the Governor's {@code int(timestamp)} needs. */
    public static String formatEpochSeconds(Instant time) {
        return Long.toString(time.getEpochSecond());
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /** {@code [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?} over text[start, end). */
    private static boolean isDecimal(String s, int start, int end) {
        int i = start;
        if (s.charAt(i) == '+' || s.charAt(i) == '-') {
            i++;
        }
        int intDigits = 0;
        while (i < end && isDigit(s.charAt(i))) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < end && s.charAt(i) == '.') {
            i++;
            while (i < end && isDigit(s.charAt(i))) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return false;
        }
        if (i < end && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < end && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < end && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == end;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
