package com.quantumtrader.allocation.runner.cli;

/** The exit codes of every command, in one place: {@code Main}'s error handlers and the commands return these. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** A runtime failure: Redis unreachable or refusing, a file that cannot be written. */
    public static final int FAILURE = 1;
    /** A bad configuration or usage: the command did nothing. */
    public static final int CONFIG = 2;

    private ExitCodes() {
    }
}
