package io.smainer.relayer.store;

import io.smainer.SmainerException;
import java.time.Duration;

/**
 * The store could not be reached or refused to write (Redis down, paused or out of disk; the journal's disk
 * failing): nothing is known to have been written, and the same request may succeed once it is back. The HTTP
 * layer answers 503 {@code store_unavailable} with {@code Retry-After} {@link #RETRY_AFTER}; {@link GuardedStore}
 * logs the outage once, not each failure.
 */
public final class StoreUnavailableException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** What {@code Retry-After} says while the store is down. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final String reason;

    /**
     * @param message what is down and since when
     * @param cause the store's own failure, or null when the request was refused without trying (an outage is known)
     */
    public StoreUnavailableException(String message, Throwable cause) {
        this(message, "", cause);
    }

    /**
     * @param message what is down and since when
     * @param reason why, in words a client may read (no host, path or key): {@code its disk is full (No space left on
     *     device)}; empty when not known
     * @param cause the store's own failure, or null when the request was refused without trying (an outage is known)
     */
    public StoreUnavailableException(String message, String reason, Throwable cause) {
        super(message, cause);
        this.reason = reason == null ? "" : reason;
    }

    /** @return why the store is unavailable, in words a client may read; empty when not known */
    public String reason() {
        return reason;
    }
}
