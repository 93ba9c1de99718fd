package io.smainer.relayer.http;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets by key (an API client, a demander address, a client address): {@code rate} tokens a second
 * up to {@code burst}. Thread-safe.
 *
 * <p>Its memory is bounded: it holds about {@code maxKeys} buckets. Only <em>full</em> buckets are forgotten
 * (a client idle for at least {@code burst / rate} seconds): a full bucket is the same as a new one, so
 * forgetting it gives no one a token they did not have, and no stream of new keys can push out a bucket that
 * is still holding a client back. When every bucket held is still refilling (a flood of new keys), a new key
 * is not given a bucket of its own: all such keys share one overflow bucket with the same rate and burst, so
 * together they get what one client gets until buckets fill up again. The table is swept for full buckets at
 * most once a second, only while it is at its size.
 */
public final class RateLimiter {
    /** Buckets held by default. */
    public static final int DEFAULT_MAX_KEYS = 100_000;
    private static final long SWEEP_EVERY_MILLIS = 1000;

    private final Clock clock;
    private final double ratePerMilli;
    private final double burst;
    private final int maxKeys;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE / 2);

    private static final class Bucket {
        double tokens; // guarded by this
        long at; // guarded by this
        boolean forgotten; // guarded by this: removed by a sweep, take a fresh one

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
        this(ratePerSecond, burst, DEFAULT_MAX_KEYS, clock);
    }

    /**
     * @param ratePerSecond tokens a second, at least 1
     * @param burst the most tokens held, at least 1
     * @param maxKeys buckets held at most (about: requests racing past the bound add one each)
     * @param clock time
     */
    public RateLimiter(int ratePerSecond, int burst, int maxKeys, Clock clock) {
        if (ratePerSecond < 1 || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate, burst and max keys must be positive: " + ratePerSecond + ", " + burst
                    + ", " + maxKeys);
        }
        this.ratePerMilli = ratePerSecond / 1000.0;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.clock = clock;
        this.overflow = new Bucket(burst, clock.millis());
    }

    /**
     * @param key whose budget
     * @return empty when allowed, else how long until a token is free
     */
    public Optional<Duration> acquire(String key) {
        long now = clock.millis();
        while (true) {
            Bucket b = buckets.get(key);
            if (b == null) {
                b = admit(key, now);
            }
            synchronized (b) {
                if (b.forgotten) {
                    continue; // a sweep took it between the lookup and here
                }
                b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.at) * ratePerMilli);
                b.at = Math.max(b.at, now);
                if (b.tokens >= 1) {
                    b.tokens -= 1;
                    return Optional.empty();
                }
                long wait = (long) Math.ceil((1 - b.tokens) / ratePerMilli);
                return Optional.of(Duration.ofMillis(Math.max(1, wait)));
            }
        }
    }

    /** @return buckets held now, the overflow bucket not counted */
    public int size() {
        return buckets.size();
    }

    private Bucket admit(String key, long now) {
        if (buckets.size() >= maxKeys) {
            sweep(now);
            if (buckets.size() >= maxKeys) {
                return overflow;
            }
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    }

    /** Forgets the full buckets, at most once a second. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_MILLIS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        buckets.values().removeIf(b -> {
            synchronized (b) {
                if (b.tokens + Math.max(0, now - b.at) * ratePerMilli >= burst) {
                    b.forgotten = true;
                    return true;
                }
                return false;
            }
        });
    }
}
