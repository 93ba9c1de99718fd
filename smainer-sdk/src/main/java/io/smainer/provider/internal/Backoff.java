package io.smainer.provider.internal;

import io.smainer.InvalidFieldException;
import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with jitter: try {@code n} waits a random time in {@code [d/2, d]} where
 * {@code d = min(max, min * 2^n)}. Immutable. Not API.
 *
 * @param min the first wait's upper bound
 * @param max the cap
 */
public record Backoff(Duration min, Duration max) {
    /** Validates the bounds. */
    public Backoff {
        if (min == null || min.isNegative() || min.isZero()) {
            throw new InvalidFieldException("reconnect_min_delay", "a positive duration", min);
        }
        if (max == null || max.compareTo(min) < 0) {
            throw new InvalidFieldException("reconnect_max_delay", "a duration at least " + min, max);
        }
    }

    /**
     * @param attempt 0 for the first retry
     * @param random given a bound {@code b > 0}, a value in {@code [0, b)}
     * @return the wait before that retry
     */
    public Duration delay(int attempt, LongUnaryOperator random) {
        long minMs = Math.max(1, min.toMillis());
        long capMs = Math.max(minMs, max.toMillis());
        long d = attempt >= 30 ? capMs : Math.min(capMs, minMs << Math.max(0, attempt));
        long half = d / 2;
        long jitter = d - half <= 0 ? 0 : random.applyAsLong(d - half + 1);
        return Duration.ofMillis(half + jitter);
    }
}
