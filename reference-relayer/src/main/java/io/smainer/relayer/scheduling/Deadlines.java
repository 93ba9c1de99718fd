package io.smainer.relayer.scheduling;

import io.smainer.concurrent.DaemonThreads;
import io.smainer.concurrent.Loop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action at an instant of the injected clock: task timeouts and node liveness are deadlines,
 * one per task or node, never a sweep over the queue.
 */
public interface Deadlines {
    /** Cancels a deadline. */
    interface Handle {
        /** Cancels it; harmless once it ran. */
        void cancel();
    }

    /**
     * @param when the instant, by the clock
     * @param action what to run then (on a deadline thread; hand real work to your own executor)
     * @return a handle to cancel it
     */
    Handle at(Instant when, Runnable action);

    /** @return the clock deadlines are measured by */
    Clock clock();

    /**
     * One daemon thread for deadlines that forgets a cancelled deadline at once. Every task arms a timeout
     * minutes away that its completion cancels, and every heartbeat re-arms a node's liveness: with the
     * executor's default policy each cancelled one stays queued until it would have fired, about 600,000 of
     * them at 2,000 tasks/s with the five-minute default timeout.
     *
     * @param name the thread's name
     * @return the executor; the caller shuts it down
     */
    static ScheduledThreadPoolExecutor timerThread(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(name));
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /**
     * @param loop the loop that runs actions
     * @param clock the clock
     * @return deadlines on a loop: the delay is {@code when - clock.instant()}; none is armed once it closed
     */
    static Deadlines on(Loop loop, Clock clock) {
        return new Deadlines() {
            @Override
            public Handle at(Instant when, Runnable action) {
                ScheduledFuture<?> f = loop.schedule(action, Duration.between(clock.instant(), when));
                return () -> Loop.cancel(f);
            }

            @Override
            public Clock clock() {
                return clock;
            }
        };
    }

    /**
     * @param executor the thread that runs actions
     * @param clock the clock
     * @return deadlines on a scheduled executor: the delay is {@code when - clock.instant()}
     */
    static Deadlines on(ScheduledExecutorService executor, Clock clock) {
        return new Deadlines() {
            @Override
            public Handle at(Instant when, Runnable action) {
                long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
                ScheduledFuture<?> f = executor.schedule(action, delay, TimeUnit.MILLISECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public Clock clock() {
                return clock;
            }
        };
    }
}
