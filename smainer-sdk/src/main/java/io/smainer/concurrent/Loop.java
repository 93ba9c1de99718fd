package io.smainer.concurrent;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs steps one at a time, in the order posted: the serial actor the provider
 * node, the scheduler, the settler and the webhooks run on. State touched only by a loop's steps needs no
 * locks. A step that throws is logged and swallowed, so one bad step never stops the loop; a step posted
 * or scheduled after {@link #shutdown()} is refused quietly ({@code false} or {@code null}), which is what
 * a closing actor wants from late callbacks. Cancelled timers are removed at once.
 *
 * <pre>{@code
 * Loop loop = Loop.named("my-actor");
 * loop.post(() -> state.apply(event));
 * ScheduledFuture<?> t = loop.schedule(this::onTimeout, Duration.ofSeconds(5));
 * loop.every(this::tick, Duration.ofSeconds(1));   // one second after each tick ended
 * loop.close();
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Loop implements Executor, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Loop.class.getName());

    private final String name;
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    private Loop(String name) {
        this.name = name;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = DaemonThreads.named(name).newThread(r);
            thread = t;
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * @param name the thread's name
     * @return a loop; its thread starts with the first step
     */
    public static Loop named(String name) {
        return new Loop(Objects.requireNonNull(name, "name"));
    }

    /** @return the thread's name */
    public String name() {
        return name;
    }

    /** @return whether the caller runs on this loop's thread */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs a step soon.
     *
     * @param step the step
     * @return false when the loop is shut down and the step will not run
     */
    public boolean post(Runnable step) {
        Objects.requireNonNull(step, "step");
        try {
            executor.execute(guarded(step));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * {@link #post(Runnable)}, for code that takes an {@link Executor}.
     *
     * @param step the step
     * @throws RejectedExecutionException when the loop is shut down
     */
    @Override
    public void execute(Runnable step) {
        executor.execute(guarded(Objects.requireNonNull(step, "step")));
    }

    /**
     * Runs a step once after a delay.
     *
     * @param step the step
     * @param delay the wait; zero or negative runs it soon
     * @return its timer, or {@code null} when the loop is shut down
     */
    public ScheduledFuture<?> schedule(Runnable step, Duration delay) {
        Objects.requireNonNull(step, "step");
        try {
            return executor.schedule(guarded(step), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * Runs a step every period, the first time one period from now; see {@link #every(Runnable, Duration, Duration)}.
     *
     * @param step the step
     * @param period the period, positive
     * @return its timer, or {@code null} when the loop is shut down
     */
    public ScheduledFuture<?> every(Runnable step, Duration period) {
        return every(step, period, period);
    }

    /**
     * Runs a step repeatedly: first after {@code initialDelay}, then {@code period} after each run ended (so a
     * slow run never bunches the next ones). A step that throws is logged and the next one still runs.
     *
     * @param step the step
     * @param initialDelay the wait before the first run; zero or negative runs it soon
     * @param period the wait between runs, positive
     * @return its timer, or {@code null} when the loop is shut down
     */
    public ScheduledFuture<?> every(Runnable step, Duration initialDelay, Duration period) {
        Objects.requireNonNull(step, "step");
        long nanos = period.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        try {
            return executor.scheduleWithFixedDelay(guarded(step), Math.max(0, initialDelay.toNanos()), nanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /**
     * Cancels a timer this loop returned, without interrupting a step that runs; {@code null} is ignored.
     *
     * @param timer the timer
     */
    public static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Refuses new steps and drops pending timers; the steps already posted still run. */
    public void shutdown() {
        executor.shutdown();
    }

    /** Refuses new steps, drops the pending ones and interrupts the step that runs. */
    public void shutdownNow() {
        executor.shutdownNow();
    }

    /**
     * @param timeout how long to wait
     * @return whether the loop's thread finished within it
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** {@link #close(Duration)} with five seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /**
     * Shuts down and waits up to {@code wait} for the steps already posted to run (the step in progress
     * finishes before, say, the store under it is closed), then stops the thread. Called from a step of this
     * loop, it only shuts down. Idempotent.
     *
     * @param wait how long the posted steps may take
     */
    public void close(Duration wait) {
        executor.shutdown();
        if (inLoop()) {
            return;
        }
        try {
            if (!executor.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "loop {0} did not finish its steps in {1} ms; stopping it", name,
                        wait.toMillis());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private Runnable guarded(Runnable step) {
        return () -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "step on " + name + " failed", e);
            }
        };
    }
}
