package io.smainer.relayer.scheduling;

import io.smainer.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Deadlines on a hand-moved clock: {@link #advance} moves it and runs what fell due, in order. */
public final class ManualDeadlines implements Deadlines {
    private final MutableClock clock;
    private final List<Entry> pending = new ArrayList<>();
    private long seq;

    private static final class Entry {
        final Instant when;
        final long seq;
        final Runnable action;
        boolean cancelled;

        Entry(Instant when, long seq, Runnable action) {
            this.when = when;
            this.seq = seq;
            this.action = action;
        }
    }

    /** @param clock the clock it moves */
    public ManualDeadlines(MutableClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Handle at(Instant when, Runnable action) {
        Entry e = new Entry(when, seq++, action);
        pending.add(e);
        return () -> e.cancelled = true;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** @return deadlines armed and not cancelled */
    public synchronized int armed() {
        return (int) pending.stream().filter(e -> !e.cancelled).count();
    }

    /**
     * Moves the clock by {@code by}, running each deadline that falls due at its instant, in order.
     *
     * @param by how far
     */
    public void advance(Duration by) {
        Instant target = clock.instant().plus(by);
        while (true) {
            Entry next;
            synchronized (this) {
                next = pending.stream().filter(e -> !e.cancelled && !e.when.isAfter(target))
                        .min(Comparator.comparing((Entry e) -> e.when).thenComparingLong(e -> e.seq)).orElse(null);
                if (next != null) {
                    pending.remove(next);
                }
            }
            if (next == null) {
                break;
            }
            if (next.when.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), next.when));
            }
            next.action.run();
        }
        if (target.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), target));
        }
    }
}
