package io.smainer.relayer.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key (an API client, a demander address, a remote address): {@code rate} tokens a
 * second up to {@code burst}. Thread-safe. Forgets idle keys when it holds many.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 100_000;

    private final Clock clock;
    private final double ratePerMilli;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /**
     * @param ratePerSecond tokens a second
     * @param burst the most tokens held
     * @param clock time
     */
    public RateLimiter(int ratePerSecond, int burst, Clock clock) {
        this.ratePerMilli = ratePerSecond / 1000.0;
        this.burst = burst;
        this.clock = clock;
    }

    /**
     * @param key whose budget
     * @return empty when allowed, else how long until a token is free
     */
    public java.util.Optional<Duration> acquire(String key) {
        long now = clock.millis();
        if (buckets.size() > MAX_KEYS) {
            buckets.entrySet().removeIf(e -> now - e.getValue().at > 60_000);
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * ratePerMilli);
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return java.util.Optional.empty();
            }
            long wait = (long) Math.ceil((1 - b.tokens) / ratePerMilli);
            return java.util.Optional.of(Duration.ofMillis(Math.max(1, wait)));
        }
    }
}
