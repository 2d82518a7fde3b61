package com.quantumtrader.allocation.runner.config;

import com.quantumtrader.allocation.core.Scalars;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A variable's type and range: how its text is parsed, what a bad value's message says, and how the docs describe it.
 * Every message is one line naming the variable, the rule and the value.
 */
public sealed interface Kind {

    /** What is allowed, as the docs write it (Markdown). */
    String describe();

    /** A whole number in {@code [min, max]}. */
    static Whole whole(long min, long max) {
        return new Whole(min, max);
    }

    /** A decimal number in {@code [min, max]}; {@code unit} ("of seconds") and {@code hint} ("0.001 = 0.1 %") go into the message. */
    static Decimal decimal(double min, double max, String unit, String hint) {
        return new Decimal(min, max, unit, hint);
    }

    /** {@code true} or {@code false}, any case. */
    static Flag flag() {
        return new Flag();
    }

    /** One of {@code values}, any case. */
    static Choice choice(String... values) {
        return new Choice(List.of(values));
    }

    /** Free text whose rules its reader checks ({@code allowed} says them); the rules' variables are checked by core's policy. */
    static Text text(String allowed) {
        return new Text(allowed);
    }

    /** A number as the docs and the env file write it: no trailing zeros, no exponent ({@code 0.001}, {@code 3600}). */
    static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A whole number in {@code [min, max]}. */
    record Whole(long min, long max) implements Kind {
        @Override
        public String describe() {
            return "whole number in [" + min + ", " + max + "]";
        }

        long parse(String name, String raw) {
            String s = raw.strip();
            if (!s.matches("[0-9]{1,10}")) {
                throw new ConfigException(name + ": must be a whole number in [" + min + ", " + max + "], was '" + Scalars.printable(raw) + "'");
            }
            long v = Long.parseLong(s);
            if (v < min || v > max) {
                throw new ConfigException(name + ": must be in [" + min + ", " + max + "], was " + v);
            }
            return v;
        }
    }

    /** A decimal number in {@code [min, max]}. */
    record Decimal(double min, double max, String unit, String hint) implements Kind {
        @Override
        public String describe() {
            return "number" + (unit.isEmpty() ? "" : " " + unit) + " in [" + plain(min) + ", " + plain(max) + "]";
        }

        double parse(String name, String raw) {
            OptionalDouble v = Scalars.parseNumber(raw.strip());
            if (v.isEmpty() || v.getAsDouble() < min || v.getAsDouble() > max) {
                throw new ConfigException(name + ": must be a " + describe() + (hint.isEmpty() ? "" : " (" + hint + ")") + ", was '"
                        + Scalars.printable(raw) + "'");
            }
            return v.getAsDouble();
        }
    }

    /** {@code true} or {@code false}, any case. */
    record Flag() implements Kind {
        @Override
        public String describe() {
            return "`true`, `false` (any case)";
        }

        boolean parse(String name, String raw) {
            return switch (raw.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(name + ": must be true or false, was '" + Scalars.printable(raw) + "'");
            };
        }
    }

    /** One of a few words, any case; the value is the word as declared. */
    record Choice(List<String> values) implements Kind {
        public Choice {
            values = List.copyOf(values);
        }

        @Override
        public String describe() {
            return String.join(", ", values.stream().map(v -> "`" + v + "`").toList()) + " (any case)";
        }

        String parse(String name, String raw) {
            for (String v : values) {
                if (v.equalsIgnoreCase(raw.strip())) {
                    return v;
                }
            }
            String rule = values.size() == 2 ? values.get(0) + " or " + values.get(1) : "one of " + String.join(", ", values);
            throw new ConfigException(name + ": must be " + rule + ", was '" + Scalars.printable(raw) + "'");
        }
    }

    /** Text whose rules its reader checks. */
    record Text(String allowed) implements Kind {
        @Override
        public String describe() {
            return allowed;
        }
    }
}
