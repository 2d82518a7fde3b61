package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScalarsTest {

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "100000       | 100000",
            "0.07         | 0.07",
            "-0.15        | -0.15",
            "+2           | 2",
            "'  12.5  '   | 12.5",
            "'\t3\n'      | 3",
            "1e-05        | 0.00001",
            "1.5E3        | 1500",
            ".5           | 0.5",
            "5.           | 5",
            "250000.55    | 250000.55",
            "-0           | 0",
    })
    void parseNumber_plainOrExponentDecimal_parses(String text, double expected) {
        assertEquals(OptionalDouble.of(expected).getAsDouble(), Scalars.parseNumber(text).getAsDouble(), 0.0);
    }

    @ParameterizedTest(name = "''{0}'' is invalid")
    @ValueSource(strings = {"", " ", "\t\n", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "abc", "n/a",
            "1,5", "1_000", "0x10", "0x1p3", "1d", "2f", "1e", "e5", ".", "-", "+", "1.2.3", "12abc", "1e400", "-1e400",
            "None", "null", "１２"})
    void parseNumber_garbage_isEmpty(String text) {
        assertTrue(Scalars.parseNumber(text).isEmpty(), () -> "'" + text + "' must be invalid");
    }

    @Test
    void parseNumber_null_isEmpty() {
        assertTrue(Scalars.parseNumber(null).isEmpty());
    }

    @Test
    void parseNumber_overlongDigits_isEmpty() {
        assertTrue(Scalars.parseNumber("1".repeat(401)).isEmpty());
        assertTrue(Scalars.parseNumber("1".repeat(300)).isPresent());
    }

    @ParameterizedTest(name = "''{0}'' -> {1}s {2}ns")
    @CsvSource(delimiter = '|', value = {
            "1767225600          | 1767225600 | 0",
            "1767225598000       | 1767225598 | 0",
            "1767225598123       | 1767225598 | 123000000",
            "1767225598.5        | 1767225598 | 500000000",
            "1767225598123.0     | 1767225598 | 123000000",
            "' 1767225600 '      | 1767225600 | 0",
            "1.7672256e9         | 1767225600 | 0",
            "0                   | 0          | 0",
            "100000000000        | 100000000000 | 0",
    })
    void parseTimestamp_secondsOrMillis_parses(String text, long seconds, long nanos) {
        Instant parsed = Scalars.parseTimestamp(text).orElseThrow();
        assertEquals(seconds, parsed.getEpochSecond(), "seconds");
        assertEquals(nanos, parsed.getNano(), 1000.0, "nanos");
    }

    @ParameterizedTest(name = "''{0}'' is invalid")
    @ValueSource(strings = {"", " ", "nan", "inf", "-1", "-1767225600", "abc", "2026-01-01T00:00:00Z",
            "1767225600000000", "1e300", "1767225600.x"})
    void parseTimestamp_garbageNegativeOrMicros_isEmpty(String text) {
        assertEquals(Optional.empty(), Scalars.parseTimestamp(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BTCUSDT", "a", "BTC-PERP", "eth_usd.2", "0", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void isValidName_safeNames_areValid(String name) {
        assertTrue(Scalars.isValidName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "cluster:majors", "BTC USDT", "BTC\"}", "a{b}", "x\ny", "BTC*", "ÄÖ", "BTC/USDT"})
    void isValidName_unsafeNames_areInvalid(String name) {
        assertFalse(Scalars.isValidName(name));
    }

    @Test
    void isValidName_65Characters_isInvalid() {
        assertFalse(Scalars.isValidName("A".repeat(65)));
        assertFalse(Scalars.isValidName(null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "12548.780117029388 | 12548.780117029388",
            "20000.0            | 20000.0",
            "1.0E-7             | 0.00000010",
            "1.2E22             | 12000000000000000000000",
            "0.0                | 0.0",
            "-0.0               | 0.0",
            "0.125              | 0.125",
    })
    void formatDecimal_anyFinite_isPlainDecimal(double value, String expected) {
        assertEquals(expected, Scalars.formatDecimal(value));
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e-300, 4.9e-324, 1.7976931348623157e308, 0.1 + 0.2, 123456789.123456789, 1e15, 1e16, 3e-5})
    void formatDecimal_roundTrips_exactlyWithoutExponent(double value) {
        String text = Scalars.formatDecimal(value);
        assertFalse(text.contains("E") || text.contains("e"), text);
        assertEquals(value, Double.parseDouble(text), 0.0);
        assertEquals(value, Scalars.parseNumber(text).getAsDouble(), 0.0);
    }

    @Test
    void formatDecimal_nonFinite_throwsWithValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scalars.formatDecimal(Double.NaN));
        assertEquals("value: must be finite, was NaN", e.getMessage());
    }

    @Test
    void formatEpochSeconds_fractionalInstant_isInteger() {
        assertEquals("1767225600", Scalars.formatEpochSeconds(Instant.ofEpochSecond(1767225600, 999_000_000)));
    }

    @Test
    void printable_controlAndLongValues_areSafe() {
        assertEquals("a?b?", Scalars.printable("a\nb\u0000"));
        assertEquals("x".repeat(64) + "...", Scalars.printable("x".repeat(200)));
    }
}
