package com.quantumtrader.allocation.runner.config;

/** A bad configuration value. The message is the one line printed before exiting with code 2. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
