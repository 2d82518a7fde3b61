package com.quantumtrader.allocation.runner;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets log levels at run time ({@code LOG_LEVEL}). */
final class Logging {
    private Logging() {
    }

    static void setRootLevel(String level) {
        setLevel(org.slf4j.Logger.ROOT_LOGGER_NAME, level);
    }

    static void setLevel(String logger, String level) {
        ((Logger) LoggerFactory.getLogger(logger)).setLevel(Level.toLevel(level, Level.INFO));
    }
}
