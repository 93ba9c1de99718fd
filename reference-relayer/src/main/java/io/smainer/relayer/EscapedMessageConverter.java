package io.smainer.relayer;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg}, escaped with {@link LogText}: every log message, whatever it quotes (a provider's
 * display name, a client's header, a URL), stays on its own line. Registered in {@code logback.xml} as
 * {@code %safeMsg}; stack traces ({@code %ex}) are written as they are.
 */
public final class EscapedMessageConverter extends ClassicConverter {
    /** Logback creates it from the configuration. */
    public EscapedMessageConverter() {
        // nothing to set up
    }

    @Override
    public String convert(ILoggingEvent event) {
        return LogText.of(event.getFormattedMessage());
    }
}
