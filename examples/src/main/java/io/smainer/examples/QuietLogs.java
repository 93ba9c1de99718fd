package io.smainer.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** The examples print their own story; the apps' INFO logs would bury it. Warnings still show. */
public final class QuietLogs {
    private QuietLogs() {
    }

    /** Turns every logger set below WARN, and the root, up to WARN (when logback is the backend). */
    public static void apply() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            for (Logger logger : context.getLoggerList()) {
                if (logger.getLevel() != null && !logger.getLevel().isGreaterOrEqual(Level.WARN)) {
                    logger.setLevel(Level.WARN);
                }
            }
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }
}
