package io.smainer.job;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.concurrent.DaemonThreads;
import io.smainer.job.internal.RunContext;
import io.smainer.job.internal.StandardHandlers;
import io.smainer.protocol.JobSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pure-Java job runner: a fixed set of worker threads behind a bounded queue, running
 * {@link JobHandler}s (the built-in kinds of {@link Jobs#PORTABLE_KINDS} and any the integrator adds).
 *
 * <p>Each job gets the spec's time limit from the moment it starts; at the deadline its future fails
 * with {@link JobException.Reason#TIMED_OUT} whether or not the handler has noticed, and the handler is
 * interrupted and told to stop through its {@link JobContext}. Cancelling the returned future does the
 * same for one job, and removes it from the queue if it has not started. A full queue fails the
 * submission at once with {@link JobException.Reason#REJECTED} (retryable). {@link #close()} is
 * idempotent: it fails everything queued or running (retryable) and stops the threads.
 *
 * <p>Thread-safe and immutable after {@link Builder#build()}.
 */
public final class JavaJobRunner implements JobRunner {
    /** Jobs running at once, by default: one; a job spreads over {@link #DEFAULT_COMPUTE_THREADS}. */
    public static final int DEFAULT_WORKER_THREADS = 1;
    /** Threads one job's data-parallel loops use, by default: every core. */
    public static final int DEFAULT_COMPUTE_THREADS = Runtime.getRuntime().availableProcessors();
    /** Jobs waiting for a worker, by default. */
    public static final int DEFAULT_QUEUE_CAPACITY = 64;
    /** How long {@link #close()} waits for running handlers to return. */
    public static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(5);
    /** The runner's name, by default. */
    public static final String DEFAULT_NAME = "java";

    private final String name;
    private final String device;
    private final Map<String, JobHandler> handlers;
    private final Clock clock;
    private final long maxJobMemoryBytes;
    private final int computeThreads;
    private final Duration closeWait;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor compute;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<Task> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lifecycle = new Object();

    private JavaJobRunner(Builder b) {
        this.name = b.name;
        this.device = b.device != null ? b.device : "cpu (java, " + b.computeThreads + " threads)";
        this.handlers = Map.copyOf(b.handlers());
        this.clock = b.clock;
        this.maxJobMemoryBytes = b.maxJobMemoryBytes;
        this.computeThreads = b.computeThreads;
        this.closeWait = b.closeWait;
        this.workers = new ThreadPoolExecutor(b.workerThreads, b.workerThreads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(b.queueCapacity), DaemonThreads.numbered(name + "-worker"));
        this.compute = computeThreads > 1
                ? new ThreadPoolExecutor(computeThreads - 1, computeThreads - 1, 0, TimeUnit.MILLISECONDS,
                        new LinkedBlockingQueue<>(), DaemonThreads.numbered(name + "-compute"))
                : null;
        this.timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.numbered(name + "-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** @return a builder with the built-in kinds and the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a runner with the built-in kinds and the defaults */
    public static JavaJobRunner create() {
        return builder().build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> kinds() {
        return handlers.keySet();
    }

    /** @return the device string results carry */
    public String device() {
        return device;
    }

    /** @return jobs queued or running now */
    public int pendingJobs() {
        return pending.get();
    }

    /** @return the most memory one job may use, whatever its spec asks */
    public long maxJobMemoryBytes() {
        return maxJobMemoryBytes;
    }

    @Override
    public CompletableFuture<JobResult> submit(JobSpec spec) {
        if (spec == null) {
            return CompletableFuture.failedFuture(new InvalidFieldException("spec", "a job spec", null));
        }
        String kind = spec.kind();
        if (closed.get()) {
            return failed(kind, JobException.Reason.REJECTED, "runner " + name + " is closed", true, null);
        }
        JobHandler handler = handlers.get(kind);
        if (handler == null) {
            return failed(kind, JobException.Reason.REJECTED, "runner " + name + " does not run this kind; it runs "
                    + new TreeSet<>(handlers.keySet()), false, null);
        }
        long required;
        try {
            required = handler.requiredMemoryBytes(spec);
        } catch (InvalidFieldException e) {
            return failed(kind, JobException.Reason.INVALID_INPUT, e.getMessage(), false, e);
        } catch (RuntimeException e) {
            return failed(kind, JobException.Reason.INVALID_INPUT, "the spec could not be read: " + e, false, e);
        }
        long limit = spec.maxMemoryBytes() == 0 ? maxJobMemoryBytes : Math.min(spec.maxMemoryBytes(), maxJobMemoryBytes);
        if (required > limit) {
            String whose = spec.maxMemoryBytes() != 0 && spec.maxMemoryBytes() <= maxJobMemoryBytes
                    ? "the spec's max_memory_bytes" : "runner " + name + "'s per-job limit";
            InvalidFieldException cause = new InvalidFieldException("max_memory_bytes", "at least " + required
                    + " bytes for this job", limit + " (" + whose + ")");
            return failed(kind, JobException.Reason.OVER_LIMIT, "needs " + required + " bytes of memory, over "
                    + whose + " of " + limit, false, cause);
        }
        Task task = new Task(spec, handler, clock.instant());
        pending.incrementAndGet();
        task.future.whenComplete((r, e) -> {
            pending.decrementAndGet();
            task.futureDone();
        });
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            boolean shut = closed.get() || workers.isShutdown();
            task.fail(new JobException(kind, JobException.Reason.REJECTED, shut ? "runner " + name + " is closed"
                    : "runner " + name + "'s queue is full (" + workers.getQueue().size() + " waiting)", true, null));
        }
        return task.future;
    }

    /**
     * Fails every queued and running job (retryable) and stops the threads, waiting up to
     * {@link Builder#closeWait(Duration)} for running handlers to return. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
        }
        List<Runnable> queued = workers.shutdownNow();
        for (Runnable r : queued) {
            if (r instanceof Task t) {
                t.fail(new JobException(t.spec.kind(), JobException.Reason.REJECTED,
                        "runner " + name + " closed before the job ran", true, null));
            }
        }
        for (Task t : running) {
            t.fail(new JobException(t.spec.kind(), JobException.Reason.CANCELLED,
                    "runner " + name + " closed while the job ran", true, null));
        }
        timer.shutdownNow();
        try {
            workers.awaitTermination(closeWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (compute != null) {
            compute.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "JavaJobRunner[" + name + ", kinds=" + new TreeSet<>(handlers.keySet()) + "]";
    }

    private static CompletableFuture<JobResult> failed(String kind, JobException.Reason reason, String message,
            boolean retryable, Throwable cause) {
        return CompletableFuture.failedFuture(new JobException(kind, reason, message, retryable, cause));
    }

    /** One submitted job: queued, then run on a worker. */
    private final class Task implements Runnable {
        final JobSpec spec;
        final JobHandler handler;
        final Instant submitted;
        final CompletableFuture<JobResult> future = new CompletableFuture<>();
        private Thread thread;
        private RunContext context;
        private ScheduledFuture<?> timeout;

        Task(JobSpec spec, JobHandler handler, Instant submitted) {
            this.spec = spec;
            this.handler = handler;
            this.submitted = submitted;
        }

        @Override
        public void run() {
            try {
                runTask();
            } catch (Throwable t) {
                // never leave a future behind: whatever went wrong here fails the job
                fail(new JobException(spec.kind(), JobException.Reason.FAILED, "runner error: " + t, true, t));
            }
        }

        private void runTask() {
            if (future.isDone()) {
                return;
            }
            // Either close() sees this task in `running` and stops it, or this task sees `closed`.
            synchronized (lifecycle) {
                if (closed.get()) {
                    fail(new JobException(spec.kind(), JobException.Reason.REJECTED,
                            "runner " + name + " closed before the job ran", true, null));
                    return;
                }
                running.add(this);
            }
            Instant started = clock.instant();
            Instant deadline = started.plusMillis(spec.timeoutMillis());
            RunContext ctx = new RunContext(spec.kind(), clock, deadline, computeThreads, compute);
            synchronized (this) {
                if (future.isDone()) {
                    running.remove(this);
                    return;
                }
                thread = Thread.currentThread();
                context = ctx;
                try {
                    timeout = timer.schedule(() -> fail(new JobException(spec.kind(), JobException.Reason.TIMED_OUT,
                            "ran past its limit of " + spec.timeoutMillis() + " ms", true, null)),
                            Math.max(0, Duration.between(clock.instant(), deadline).toMillis()), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    thread = null;
                    running.remove(this);
                    fail(new JobException(spec.kind(), JobException.Reason.CANCELLED,
                            "runner " + name + " closed while the job started", true, e));
                    return;
                }
            }
            JobResult result = null;
            Throwable failure = null;
            try {
                JobOutput out = handler.run(spec, ctx);
                if (out == null) {
                    throw new IllegalStateException("handler for " + spec.kind() + " returned nothing");
                }
                Instant ended = clock.instant();
                Duration ran = out.deviceTime().orElse(Duration.between(started, ended));
                result = JobResult.of(out.output(), Duration.between(submitted, started), ran, device, out.effort());
            } catch (Throwable t) {
                failure = t;
            } finally {
                synchronized (this) {
                    thread = null;
                    if (timeout != null) {
                        timeout.cancel(false);
                    }
                    running.remove(this);
                }
                Thread.interrupted();
            }
            if (result != null) {
                future.complete(result);
            } else {
                fail(classify(failure, ctx));
            }
        }

        /** Completes the future with a failure, if it is not done yet, and stops the run. */
        void fail(JobException e) {
            future.completeExceptionally(e);
        }

        /** Called once the future is done, however: tells a still-running handler to stop. */
        void futureDone() {
            synchronized (this) {
                if (context != null && thread != null) {
                    JobException why = future.isCancelled()
                            ? new JobException(spec.kind(), JobException.Reason.CANCELLED, "cancelled by the caller", false, null)
                            : exceptionOf(future);
                    context.stop(why);
                    thread.interrupt();
                } else if (thread == null && context == null) {
                    workers.remove(this);
                }
            }
        }

        private JobException exceptionOf(CompletableFuture<JobResult> f) {
            try {
                f.join();
                return new JobException(spec.kind(), JobException.Reason.CANCELLED, "finished", false, null);
            } catch (CompletionException e) {
                return e.getCause() instanceof JobException je ? je
                        : new JobException(spec.kind(), JobException.Reason.CANCELLED, String.valueOf(e.getCause()), false, e);
            } catch (CancellationException e) {
                return new JobException(spec.kind(), JobException.Reason.CANCELLED, "cancelled by the caller", false, e);
            }
        }

        private JobException classify(Throwable t, RunContext ctx) {
            Optional<JobException> stopped = ctx.stopReason();
            if (stopped.isPresent()) {
                return stopped.get();
            }
            if (t instanceof JobException je) {
                return je;
            }
            if (t instanceof InvalidFieldException e) {
                return new JobException(spec.kind(), JobException.Reason.INVALID_INPUT, e.getMessage(), false, e);
            }
            if (t instanceof OutOfMemoryError e) {
                return new JobException(spec.kind(), JobException.Reason.OVER_LIMIT, "ran out of memory: " + e.getMessage(),
                        true, e);
            }
            if (ctx.isStopped()) {
                return new JobException(spec.kind(), JobException.Reason.TIMED_OUT, "ran past its limit of "
                        + spec.timeoutMillis() + " ms", true, t);
            }
            return new JobException(spec.kind(), JobException.Reason.FAILED, "handler failed: " + t, false, t);
        }
    }

    /** Builds a {@link JavaJobRunner}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, JobHandler> custom = new LinkedHashMap<>();
        private boolean standardKinds = true;
        private int workerThreads = DEFAULT_WORKER_THREADS;
        private int computeThreads = DEFAULT_COMPUTE_THREADS;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Clock clock = Clock.systemUTC();
        private long maxJobMemoryBytes = Runtime.getRuntime().maxMemory() / 2;
        private Duration closeWait = DEFAULT_CLOSE_WAIT;
        private String name = DEFAULT_NAME;
        private String device;

        private Builder() {
        }

        /**
         * Adds a handler; it replaces a built-in handler of the same kind.
         *
         * @param handler a handler for a kind of one's own
         * @return this
         * @throws InvalidFieldException when another added handler has the same kind, or the kind is malformed
         */
        public Builder handler(JobHandler handler) {
            if (handler == null) {
                throw new InvalidFieldException("handler", "a job handler", null);
            }
            String kind = handler.kind();
            if (kind == null || !kind.matches("[a-z0-9][a-z0-9-]{0,63}")) {
                throw new InvalidFieldException("handler.kind", "lower-case letters, digits and dashes", kind);
            }
            if (custom.putIfAbsent(kind, handler) != null) {
                throw new InvalidFieldException("handler.kind", "one handler per kind", kind);
            }
            return this;
        }

        /**
         * @param on whether to include the built-in kinds of {@link Jobs#PORTABLE_KINDS} (default true)
         * @return this
         */
        public Builder standardKinds(boolean on) {
            this.standardKinds = on;
            return this;
        }

        /**
         * @param n jobs running at once, in {@code [1, 256]}
         * @return this
         */
        public Builder workerThreads(int n) {
            this.workerThreads = (int) Require.range("worker_threads", n, 1, 256);
            return this;
        }

        /**
         * @param n threads one job's {@link JobContext#parallelFor} uses, in {@code [1, 1024]}
         * @return this
         */
        public Builder computeThreads(int n) {
            this.computeThreads = (int) Require.range("compute_threads", n, 1, 1024);
            return this;
        }

        /**
         * @param n jobs waiting for a worker before submissions are rejected, in {@code [1, 1000000]}
         * @return this
         */
        public Builder queueCapacity(int n) {
            this.queueCapacity = (int) Require.range("queue_capacity", n, 1, 1_000_000);
            return this;
        }

        /**
         * @param clock the time source for deadlines and timings
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Require.present("clock", clock);
            return this;
        }

        /**
         * @param bytes the most memory one job may need, whatever its spec asks (default: half the heap)
         * @return this
         */
        public Builder maxJobMemoryBytes(long bytes) {
            this.maxJobMemoryBytes = Require.range("max_job_memory_bytes", bytes, 1, Long.MAX_VALUE);
            return this;
        }

        /**
         * @param wait how long {@link JavaJobRunner#close()} waits for running handlers
         * @return this
         */
        public Builder closeWait(Duration wait) {
            this.closeWait = Require.present("close_wait", wait);
            return this;
        }

        /**
         * @param name the runner's name, for logs and thread names
         * @return this
         */
        public Builder name(String name) {
            this.name = Require.text("name", name, 64);
            return this;
        }

        /**
         * @param device the device string results carry (default {@code cpu (java, N threads)})
         * @return this
         */
        public Builder device(String device) {
            this.device = Require.text("device", device, 256);
            return this;
        }

        Map<String, JobHandler> handlers() {
            Map<String, JobHandler> all = new LinkedHashMap<>();
            if (standardKinds) {
                for (JobHandler h : StandardHandlers.all()) {
                    all.put(h.kind(), h);
                }
            }
            all.putAll(custom);
            if (all.isEmpty()) {
                throw new InvalidFieldException("handlers", "at least one job kind", "none");
            }
            return all;
        }

        /** @return the runner, its threads started lazily */
        public JavaJobRunner build() {
            return new JavaJobRunner(this);
        }
    }
}
