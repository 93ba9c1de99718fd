package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The apps' class path routes the SDK's {@link System.Logger} into SLF4J (and so into logback's appenders). */
class LoggingRouteTest {
    @Test
    void theSdksSystemLoggerWritesThroughSlf4j() {
        System.Logger logger = System.getLogger("io.smainer.sdk");

        assertThat(logger.getClass().getName()).startsWith("org.slf4j.jdk.platform.logging.");
    }
}
