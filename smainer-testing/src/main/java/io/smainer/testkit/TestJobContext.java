package io.smainer.testkit;

import io.smainer.job.JobContext;
import io.smainer.job.JobException;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.protocol.JobSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A {@link JobContext} for unit tests of a {@link JobHandler}: a deadline on a clock the test chooses, a
 * cancel switch, and a real {@link #parallelFor} over {@link #parallelism()} threads, so a handler can be
 * tested without a runner, a relayer or a network.
 *
 * <pre>{@code
 * JobOutput out = TestJobContext.create().run(new WordCountHandler(), spec);
 * TestJobContext ctx = TestJobContext.builder().timeout(Duration.ofSeconds(-1)).build(); // already late
 * assertThatThrownBy(() -> ctx.run(handler, bigSpec)).isInstanceOf(JobException.class);
 * }</pre>
 */
public final class TestJobContext implements JobContext {
    private final String kind;
    private final Clock clock;
    private final Instant deadline;
    private final int parallelism;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    private TestJobContext(Builder b) {
        this.kind = b.kind;
        this.clock = b.clock;
        this.deadline = b.clock.instant().plus(b.timeout);
        this.parallelism = b.parallelism;
    }

    /** @return a context for kind {@code test}, one minute from now on the system clock, one thread */
    public static TestJobContext create() {
        return builder().build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs a handler the way a runner does: its memory estimate first (which must not be negative), then
     * the run, on the calling thread.
     *
     * @param handler the handler under test
     * @param spec the job
     * @return what the run returned
     * @throws JobException when the run fails, is cancelled or times out
     */
    public JobOutput run(JobHandler handler, JobSpec spec) {
        long memory = handler.requiredMemoryBytes(spec);
        if (memory < 0) {
            throw new IllegalStateException(handler.kind() + ": requiredMemoryBytes gave " + memory + ", expected at least 0");
        }
        return handler.run(spec, this);
    }

    /** Cancels the run: {@link #isStopped()} turns true and {@link #checkActive()} throws from now on. */
    public void cancel() {
        cancelled.set(true);
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
        return cancelled.get() || clock.instant().isAfter(deadline);
    }

    @Override
    public void checkActive() {
        if (cancelled.get()) {
            throw new JobException(kind, JobException.Reason.CANCELLED, "cancelled", false, null);
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
        int threads = Math.min(parallelism, count);
        AtomicInteger next = new AtomicInteger();
        Runnable loop = () -> {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                checkActive();
                body.accept(i);
            }
        };
        if (threads == 1) {
            loop.run();
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(pool.submit(loop));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new JobException(kind, "a parallelFor body failed: " + e.getCause(), false, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobException(kind, JobException.Reason.CANCELLED, "interrupted", false, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Builds a {@link TestJobContext}. */
    public static final class Builder {
        private String kind = "test";
        private Clock clock = Clock.systemUTC();
        private Duration timeout = Duration.ofMinutes(1);
        private int parallelism = 1;

        private Builder() {
        }

        /** @param v the job kind its exceptions name (default {@code test}) @return this */
        public Builder kind(String v) {
            this.kind = v;
            return this;
        }

        /** @param v the clock the deadline is read on (default the system clock) @return this */
        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        /** @param v time from now to the deadline (default one minute; negative: already past) @return this */
        public Builder timeout(Duration v) {
            this.timeout = v;
            return this;
        }

        /** @param v threads {@link TestJobContext#parallelFor} uses, at least 1 (default 1) @return this */
        public Builder parallelism(int v) {
            if (v < 1 || v > 256) {
                throw new IllegalArgumentException("parallelism: expected 1 to 256, got " + v);
            }
            this.parallelism = v;
            return this;
        }

        /** @return the context; its deadline counts from now */
        public TestJobContext build() {
            return new TestJobContext(this);
        }
    }
}
