package com.quantumtrader.allocation.core;

import java.util.Objects;

/** Argument checks whose messages name the field, the rule and the actual value. */
final class Checks {
    private Checks() {
    }

    static double finite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": must be finite, was " + value);
        }
        return value;
    }

    static double finiteNonNegative(double value, String name) {
        if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(name + ": must be finite and >= 0, was " + value);
        }
        return value;
    }

    static double inClosed(double value, double min, double max, String name) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    name + ": must be in [" + plain(min) + ", " + plain(max) + "], was " + value);
        }
        return value;
    }

    static double inLeftOpen(double value, double min, double max, String name) {
        if (!(value > min && value <= max)) {
            throw new IllegalArgumentException(
                    name + ": must be in (" + plain(min) + ", " + plain(max) + "], was " + value);
        }
        return value;
    }

    static String name(String value, String name) {
        Objects.requireNonNull(value, name);
        if (!Scalars.isValidName(value)) {
            throw new IllegalArgumentException(
                    name + ": must be 1-64 characters of [A-Za-z0-9._-], was '" + Scalars.printable(value) + "'");
        }
        return value;
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
