package io.smainer.relayer.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    private static int allowed(RateLimiter limiter, String key, int tries) {
        int ok = 0;
        for (int i = 0; i < tries; i++) {
            if (limiter.acquire(key).isEmpty()) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void allowsTheBurstThenRefillsAtTheRateAndSaysWhenToComeBack() {
        RateLimiter limiter = new RateLimiter(10, 20, clock);

        assertThat(allowed(limiter, "a", 25)).isEqualTo(20);
        assertThat(limiter.acquire("a")).contains(Duration.ofMillis(100));
        clock.advance(Duration.ofMillis(500));
        assertThat(allowed(limiter, "a", 10)).isEqualTo(5);
        clock.advance(Duration.ofSeconds(60));
        assertThat(allowed(limiter, "a", 30)).as("refilled to the burst, no further").isEqualTo(20);
        assertThat(allowed(limiter, "b", 30)).as("another key has its own bucket").isEqualTo(20);
    }

    @Test
    void holdsNoMoreThanItsBoundOfBucketsWhateverTheNumberOfKeys() {
        RateLimiter limiter = new RateLimiter(1, 5, 100, clock);

        for (int i = 0; i < 10_000; i++) {
            limiter.acquire("k" + i);
            if (i % 1000 == 0) {
                clock.advance(Duration.ofMillis(1500)); // a sweep may run and forget the buckets that refilled
            }
        }

        assertThat(limiter.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void aFloodOfNewKeysSharesOneBucketAndCannotPushOutAClientThatIsStillLimited() {
        RateLimiter limiter = new RateLimiter(1, 5, 100, clock);
        assertThat(allowed(limiter, "held-back", 10)).isEqualTo(5);

        // 99 more keys fill the table, each spending its bucket; the rest share the overflow bucket
        int floodAllowed = 0;
        for (int i = 0; i < 1_000; i++) {
            floodAllowed += allowed(limiter, "flood" + i, 5);
            clock.advance(Duration.ofMillis(2)); // 2 s over the flood: buckets refill 2 of 5 tokens, none is full
        }

        assertThat(floodAllowed).as("99 own buckets of 5, then one shared bucket of 5 refilling at 1/s")
                .isLessThanOrEqualTo(99 * 5 + 5 + 2);
        assertThat(limiter.size()).isEqualTo(100);
        assertThat(allowed(limiter, "held-back", 5)).as("still held back: its bucket was not forgotten, 2 s refilled 2")
                .isEqualTo(2);
    }

    @Test
    void forgetsOnlyBucketsThatHaveRefilledSoForgettingGivesNoOneExtraTokens() {
        RateLimiter limiter = new RateLimiter(1, 5, 3, clock);
        assertThat(allowed(limiter, "idle", 5)).isEqualTo(5);
        assertThat(allowed(limiter, "busy", 5)).isEqualTo(5);
        assertThat(allowed(limiter, "x", 5)).isEqualTo(5);
        clock.advance(Duration.ofSeconds(5)); // every bucket is full again
        assertThat(allowed(limiter, "busy", 5)).isEqualTo(5);
        assertThat(allowed(limiter, "x", 5)).isEqualTo(5);

        // the table is at its bound: a new key makes it forget the full bucket ("idle"), not the spent ones
        assertThat(allowed(limiter, "new", 5)).isEqualTo(5);

        assertThat(limiter.size()).isEqualTo(3);
        assertThat(allowed(limiter, "busy", 1)).as("busy kept its empty bucket").isZero();
        assertThat(allowed(limiter, "x", 1)).as("x kept its empty bucket").isZero();
    }
}
