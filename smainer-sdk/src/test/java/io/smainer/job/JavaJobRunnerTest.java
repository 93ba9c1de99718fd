package io.smainer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the Java runner does beyond the shared contract: handlers of one's own, clocks, stopping. */
class JavaJobRunnerTest {
    /** A handler that upper-cases its payload and reports effort. */
    private static final JobHandler UPPER = new JobHandler() {
        @Override
        public String kind() {
            return "upper";
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            byte[] out = new String(spec.payload(), StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8);
            return new JobOutput(out, Optional.of(new EffortMetrics(spec.payload().length, out.length, 0, 0)),
                    Optional.empty());
        }
    };

    /** A handler that waits on a latch, checking its context, so tests control how long it runs. */
    private static final class Gate implements JobHandler {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<JobException> sawStop = new AtomicReference<>();
        final AtomicBoolean returned = new AtomicBoolean();

        @Override
        public String kind() {
            return "gate";
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            started.countDown();
            try {
                while (true) {
                    try {
                        if (release.await(1, TimeUnit.MILLISECONDS)) {
                            return JobOutput.of(new byte[] {1});
                        }
                    } catch (InterruptedException e) {
                        // told to stop: the context says why
                    }
                    try {
                        context.checkActive();
                    } catch (JobException e) {
                        sawStop.set(e);
                        throw e;
                    }
                }
            } finally {
                returned.set(true);
            }
        }
    }

    private static JobSpec spec(String kind, long timeoutMillis) {
        return new JobSpec(kind, Map.of(), new byte[0], timeoutMillis, 0);
    }

    private static void awaitTrue(AtomicBoolean flag) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!flag.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void runsAHandlerOfOnesOwnAlongsideTheBuiltInKinds() throws Exception {
        try (JavaJobRunner r = JavaJobRunner.builder().handler(UPPER).build()) {
            assertThat(r.kinds()).contains("upper").containsAll(Jobs.PORTABLE_KINDS);
            JobResult res = r.submit(JobSpec.of("upper", Map.of(), "hello".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
            assertThat(new String(res.output(), StandardCharsets.UTF_8)).isEqualTo("HELLO");
            assertThat(res.effort()).contains(new EffortMetrics(5, 5, 0, 0));
            assertThat(res.device()).startsWith("cpu");
        }
    }

    @Test
    void refusesTwoHandlersOfTheSameKindAndMalformedKinds() {
        assertThatThrownBy(() -> JavaJobRunner.builder().handler(UPPER).handler(UPPER))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("one handler per kind");
        JobHandler bad = new JobHandler() {
            @Override
            public String kind() {
                return "Bad Kind";
            }

            @Override
            public JobOutput run(JobSpec spec, JobContext context) {
                return JobOutput.of(new byte[0]);
            }
        };
        assertThatThrownBy(() -> JavaJobRunner.builder().handler(bad)).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("handler.kind");
        assertThatThrownBy(() -> JavaJobRunner.builder().standardKinds(false).build())
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("handlers");
    }

    @Test
    void tellsACooperativeHandlerToStopAtItsDeadlineAndFreesTheWorker() throws Exception {
        Gate gate = new Gate();
        try (JavaJobRunner r = JavaJobRunner.builder().standardKinds(false).handler(gate).handler(UPPER).build()) {
            CompletableFuture<JobResult> f = r.submit(spec("gate", 50));
            assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(JobException.class)
                    .satisfies(e -> assertThat(((JobException) e).reason()).isEqualTo(JobException.Reason.TIMED_OUT));
            awaitTrue(gate.returned);
            assertThat(gate.sawStop.get().reason()).isEqualTo(JobException.Reason.TIMED_OUT);
            assertThat(r.submit(JobSpec.of("upper", Map.of(), new byte[] {'a'})).get(10, TimeUnit.SECONDS).output())
                    .containsExactly('A');
        }
    }

    @Test
    void failsAnUncooperativeHandlerOnTimeForTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JobHandler stubborn = new JobHandler() {
            @Override
            public String kind() {
                return "stubborn";
            }

            @Override
            public JobOutput run(JobSpec spec, JobContext context) {
                while (true) {
                    try {
                        if (release.await(10, TimeUnit.SECONDS)) {
                            return JobOutput.of(new byte[0]);
                        }
                    } catch (InterruptedException e) {
                        // ignores interrupts and its context on purpose
                    }
                }
            }
        };
        try (JavaJobRunner r = JavaJobRunner.builder().standardKinds(false).handler(stubborn)
                .closeWait(Duration.ofMillis(100)).build()) {
            long t0 = System.nanoTime();
            CompletableFuture<JobResult> f = r.submit(spec("stubborn", 100));
            assertThat(f).failsWithin(Duration.ofSeconds(10));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(9));
            release.countDown();
        }
    }

    @Test
    void cancellingAQueuedJobRemovesItSoItNeverRuns() throws Exception {
        Gate gate = new Gate();
        AtomicInteger runs = new AtomicInteger();
        JobHandler counted = new JobHandler() {
            @Override
            public String kind() {
                return "counted";
            }

            @Override
            public JobOutput run(JobSpec spec, JobContext context) {
                runs.incrementAndGet();
                return JobOutput.of(new byte[0]);
            }
        };
        try (JavaJobRunner r = JavaJobRunner.builder().standardKinds(false).handler(gate).handler(counted)
                .queueCapacity(1).build()) {
            CompletableFuture<JobResult> first = r.submit(spec("gate", 60_000));
            assertThat(gate.started.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<JobResult> queued = r.submit(spec("counted", 60_000));
            assertThat(r.pendingJobs()).isEqualTo(2);
            queued.cancel(true);
            assertThat(r.pendingJobs()).isEqualTo(1);
            // the queue of one has room again
            CompletableFuture<JobResult> next = r.submit(spec("counted", 60_000));
            assertThat(next.isCompletedExceptionally()).isFalse();
            gate.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            next.get(10, TimeUnit.SECONDS);
            assertThat(runs.get()).isEqualTo(1);
        }
    }

    @Test
    void cancellingARunningJobStopsItsHandler() throws Exception {
        Gate gate = new Gate();
        try (JavaJobRunner r = JavaJobRunner.builder().standardKinds(false).handler(gate).build()) {
            CompletableFuture<JobResult> f = r.submit(spec("gate", 60_000));
            assertThat(gate.started.await(10, TimeUnit.SECONDS)).isTrue();
            f.cancel(true);
            awaitTrue(gate.returned);
            assertThat(gate.sawStop.get().reason()).isEqualTo(JobException.Reason.CANCELLED);
        }
    }

    @Test
    void measuresDeadlinesAndTimingsWithTheInjectedClock() throws Exception {
        AtomicLong millis = new AtomicLong(1_000_000);
        Clock manual = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis.get());
            }
        };
        AtomicReference<Instant> deadline = new AtomicReference<>();
        JobHandler ticking = new JobHandler() {
            @Override
            public String kind() {
                return "ticking";
            }

            @Override
            public JobOutput run(JobSpec spec, JobContext context) {
                deadline.set(context.deadline());
                millis.addAndGet(250);
                assertThat(context.remaining()).isEqualTo(Duration.ofMillis(750));
                context.checkActive();
                millis.addAndGet(1000);
                assertThat(context.isStopped()).isTrue();
                context.checkActive();
                return JobOutput.of(new byte[0]);
            }
        };
        try (JavaJobRunner r = JavaJobRunner.builder().standardKinds(false).handler(ticking).clock(manual).build()) {
            CompletableFuture<JobResult> f = r.submit(spec("ticking", 1000));
            assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(JobException.class).withMessageContaining("deadline");
            assertThat(deadline.get()).isEqualTo(Instant.ofEpochMilli(1_001_000));
        }
    }

    @Test
    void reportsTheDeviceTimeAHandlerMeasuredAsRan() throws Exception {
        JobHandler timed = new JobHandler() {
            @Override
            public String kind() {
                return "timed";
            }

            @Override
            public JobOutput run(JobSpec spec, JobContext context) {
                return new JobOutput(new byte[] {7}, Optional.empty(), Optional.of(Duration.ofMillis(1234)));
            }
        };
        try (JavaJobRunner r = JavaJobRunner.builder().handler(timed).device("test device").build()) {
            JobResult res = r.submit(spec("timed", 1000)).get(10, TimeUnit.SECONDS);
            assertThat(res.ran()).isEqualTo(Duration.ofMillis(1234));
            assertThat(res.device()).isEqualTo("test device");
        }
    }

    @Test
    void turnsAFailingHandlerIntoAJobFailureAndKeepsWorking() throws Exception {
        JobHandler broken = new JobHandler() {
            @Override
            public String kind() {
                return "broken";
            }

            @Override
            public JobOutput run(JobSpec spec, JobContext context) {
                throw new IllegalStateException("disk on fire");
            }
        };
        try (JavaJobRunner r = JavaJobRunner.builder().handler(broken).build()) {
            assertThat(r.submit(spec("broken", 1000))).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(JobException.class).withMessageContaining("disk on fire")
                    .satisfies(e -> assertThat(((JobException) e).reason()).isEqualTo(JobException.Reason.FAILED));
            JobSpec ok = Jobs.reduceSum(new float[] {2, 2});
            assertThat(Jobs.readReduceSumOutput(r.submit(ok).get(10, TimeUnit.SECONDS).output())).isEqualTo(4f);
        }
    }

    @Test
    void spreadsParallelLoopsOverTheComputeThreadsAndRunsEveryIndexOnce() throws Exception {
        AtomicInteger[] hits = new AtomicInteger[1000];
        for (int i = 0; i < hits.length; i++) {
            hits[i] = new AtomicInteger();
        }
        Set<String> threads = ConcurrentHashMap.newKeySet();
        JobHandler spread = new JobHandler() {
            @Override
            public String kind() {
                return "spread";
            }

            @Override
            public JobOutput run(JobSpec spec, JobContext context) {
                assertThat(context.parallelism()).isEqualTo(4);
                context.parallelFor(hits.length, i -> {
                    threads.add(Thread.currentThread().getName());
                    hits[i].incrementAndGet();
                    long until = System.nanoTime() + 100_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
                return JobOutput.of(new byte[0]);
            }
        };
        try (JavaJobRunner r = JavaJobRunner.builder().handler(spread).computeThreads(4).build()) {
            r.submit(spec("spread", 60_000)).get(30, TimeUnit.SECONDS);
        }
        for (AtomicInteger h : hits) {
            assertThat(h.get()).isEqualTo(1);
        }
        assertThat(threads.size()).isGreaterThan(1);
    }

    @Test
    void capsMemoryByTheRunnersLimitWhateverTheSpecAsks() {
        try (JavaJobRunner r = JavaJobRunner.builder().maxJobMemoryBytes(10_000).build()) {
            JobSpec big = Jobs.reduceSum(new float[10_000]);
            assertThat(r.submit(big)).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(JobException.class).withMessageContaining("per-job limit");
        }
    }

    @Test
    void closeCompletesEveryFutureEvenWhenItRacesWithJobsStarting() throws Exception {
        JobHandler brief = new JobHandler() {
            @Override
            public String kind() {
                return "brief";
            }

            @Override
            public JobOutput run(JobSpec spec, JobContext context) {
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(spec.param("ms")));
                while (System.nanoTime() < until) {
                    context.checkActive();
                    Thread.onSpinWait();
                }
                return JobOutput.of(new byte[0]);
            }
        };
        for (int round = 0; round < 200; round++) {
            List<CompletableFuture<JobResult>> futures = new ArrayList<>();
            JavaJobRunner r = JavaJobRunner.builder().handler(brief).workerThreads(2).queueCapacity(8).build();
            for (int i = 0; i < 6; i++) {
                futures.add(r.submit(JobSpec.of("brief", Map.of("ms", Integer.toString(i % 3)), new byte[0])));
            }
            if (round % 2 == 0) {
                Thread.yield();
            }
            r.close();
            for (CompletableFuture<JobResult> f : futures) {
                Throwable outcome = f.handle((x, e) -> e).get(10, TimeUnit.SECONDS);
                if (outcome != null) {
                    Throwable cause = outcome instanceof CompletionException ? outcome.getCause() : outcome;
                    assertThat(cause).as("round %d", round).isInstanceOf(JobException.class);
                    assertThat(((JobException) cause).reason()).isIn(JobException.Reason.REJECTED,
                            JobException.Reason.CANCELLED);
                }
            }
        }
    }
}
