package com.quantumtrader.allocation.runner.cli;

import com.quantumtrader.allocation.runner.config.Config;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/** Sets log levels ({@code LOG_LEVEL}) and the line format ({@code LOG_FORMAT}) at run time. */
public final class Logging {
    private Logging() {
    }

    public static void setRootLevel(String level) {
        setLevel(org.slf4j.Logger.ROOT_LOGGER_NAME, level);
    }

    public static void setLevel(String logger, String level) {
        ((Logger) LoggerFactory.getLogger(logger)).setLevel(Level.toLevel(level, Level.INFO));
    }

    /**
     * Applies {@code LOG_FORMAT}: for {@code json}, every appender of the root logger writes one
     * JSON object per line with Logback's own {@link JsonEncoder} (timestamp in epoch ms, level,
     * thread, logger, the event's key-value pairs such as the cycle's figures under
     * {@code kvpList}, the formatted message, the throwable).
     */
    static void apply(Config.LogFormat format) {
        if (format != Config.LogFormat.JSON || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                JsonEncoder json = new JsonEncoder();
                json.setContext(context);
                json.setWithSequenceNumber(false);
                json.setWithNanoseconds(false);
                json.setWithContext(false);
                json.setWithMessage(false);       // the template with {} ...
                json.setWithArguments(false);     // ... and its arguments: replaced by
                json.setWithFormattedMessage(true); // the message as the text format prints it
                json.start();
                appender.stop();
                appender.setEncoder(json);
                appender.start();
            }
        }
    }
}
