package com.quantumtrader.allocation.runner.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end the service cleanly with exit code 0: the handler only asks the loop to
 * stop, and main returns normally after the cycle in flight (a JVM shutdown hook would exit 143).
 */
public final class Signals {
    private Signals() {
    }

    public static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> action.run());
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the default behaviour stays
            }
        }
    }
}
