package io.smainer.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand. Thread-safe. */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    /** @param start the first instant */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** @param by how far to move forward */
    public void advance(Duration by) {
        now.updateAndGet(i -> i.plus(by));
    }

    /** @param to the instant it reads from now on (may go back) */
    public void set(Instant to) {
        now.set(to);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
