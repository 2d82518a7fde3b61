package com.quantumtrader.allocation.redis.wire;

import java.util.Locale;

/**
 * What started a cycle (the cycle stream's {@code trigger}, issue 28): the interval's timer, or a change the
 * service heard of the portfolio state, the regime stream or an operator control.
 */
public enum Trigger {
    TIMER, PORTFOLIO, REGIME, CONTROL;

    /** The name on the wire: {@code timer}, {@code portfolio}, {@code regime}, {@code control}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The trigger named {@code wire}; an entry written before the field existed (null) was the timer's. */
    public static Trigger fromWire(String wire) {
        if (wire == null) {
            return TIMER;
        }
        for (Trigger t : values()) {
            if (t.wireName().equals(wire)) {
                return t;
            }
        }
        throw new IllegalArgumentException(CycleEntry.TRIGGER + ": must be timer, portfolio, regime or control, was '"
                + com.quantumtrader.allocation.core.Scalars.printable(wire) + "'");
    }
}
