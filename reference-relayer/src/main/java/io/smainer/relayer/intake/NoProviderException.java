package io.smainer.relayer.intake;

import io.smainer.SmainerException;
import java.time.Duration;

/**
 * A task no online provider can run (its kind, tier or memory) was refused because its demander, or all demanders
 * together, already have as many such tasks pending as allowed ({@code limits.max_unmatched_per_demander},
 * {@code limits.max_unmatched_tasks}): nothing was stored and the nonce is unused (503 {@code no_provider}, with
 * {@code Retry-After}).
 */
public final class NoProviderException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** What {@code Retry-After} says. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(60);

    /** @param message why, and which setting */
    public NoProviderException(String message) {
        super(message);
    }
}
