package io.smainer.job.internal;

import io.smainer.job.JobContext;
import io.smainer.job.JobException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The {@link JobContext} of one run: a deadline read from an injected clock, a stop flag the runner sets
 * on cancel, timeout or close, and a shared pool for {@link #parallelFor}, in which the calling thread
 * takes part (so a busy pool slows a job down but never deadlocks it). Not API.
 */
public final class RunContext implements JobContext {
    private final String kind;
    private final Clock clock;
    private final Instant deadline;
    private final int parallelism;
    private final ExecutorService pool;
    private final AtomicReference<JobException> stopped = new AtomicReference<>();

    /**
     * @param kind the job kind
     * @param clock the time source
     * @param deadline when the run's time is up
     * @param parallelism threads {@link #parallelFor} may use, the caller included
     * @param pool the helper threads, null when {@code parallelism} is 1
     */
    public RunContext(String kind, Clock clock, Instant deadline, int parallelism, ExecutorService pool) {
        this.kind = kind;
        this.clock = clock;
        this.deadline = deadline;
        this.parallelism = pool == null ? 1 : Math.max(1, parallelism);
        this.pool = pool;
    }

    /**
     * Tells the run to stop; the first reason wins.
     *
     * @param why what {@link #checkActive()} throws from now on
     */
    public void stop(JobException why) {
        stopped.compareAndSet(null, why);
    }

    /** @return why the run was stopped, if it was */
    public Optional<JobException> stopReason() {
        return Optional.ofNullable(stopped.get());
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    @Override
    public boolean isStopped() {
        return stopped.get() != null || clock.instant().isAfter(deadline);
    }

    @Override
    public void checkActive() {
        JobException why = stopped.get();
        if (why != null) {
            throw new JobException(kind, why.reason(), why.getMessage().substring(kind.length() + 2), why.retryable(), why);
        }
        if (clock.instant().isAfter(deadline)) {
            throw new JobException(kind, JobException.Reason.TIMED_OUT, "ran past its deadline " + deadline, true, null);
        }
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    @Override
    public void parallelFor(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        if (pool == null || count == 1) {
            for (int i = 0; i < count; i++) {
                checkActive();
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable loop = () -> {
            try {
                int i;
                while (failure.get() == null && !isStopped() && (i = next.getAndIncrement()) < count) {
                    body.accept(i);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        // Each helper is claimed once: by a pool thread that runs it, or by the caller that retires it
        // unstarted once it has run the loop dry itself; either way its latch opens when it is done.
        List<AtomicInteger> claims = new ArrayList<>();
        List<CountDownLatch> done = new ArrayList<>();
        for (int h = 1; h < Math.min(parallelism, count); h++) {
            AtomicInteger claim = new AtomicInteger();
            CountDownLatch latch = new CountDownLatch(1);
            claims.add(claim);
            done.add(latch);
            try {
                pool.execute(() -> {
                    if (claim.compareAndSet(0, 1)) {
                        try {
                            loop.run();
                        } finally {
                            latch.countDown();
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                claim.set(2);
                latch.countDown();
            }
        }
        loop.run();
        boolean interrupted = false;
        for (int h = 0; h < claims.size(); h++) {
            if (claims.get(h).compareAndSet(0, 2)) {
                continue;
            }
            while (true) {
                try {
                    done.get(h).await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        checkActive();
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (next.get() < count) {
            checkActive();
        }
    }
}
