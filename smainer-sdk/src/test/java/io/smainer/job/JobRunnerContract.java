package io.smainer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.smainer.crypto.Receipts;
import io.smainer.protocol.JobSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link JobRunner} must have, run against the Java runner here and the CUDA
 * runner in smainer-gpu (shipped in smainer-sdk's test-jar). A subclass says how to build its runner and,
 * where it needs to, skips the whole suite in {@link #assumeAvailable()} with the reason printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class JobRunnerContract {
    /** How long a test waits for a result before calling the runner stuck. */
    protected static final Duration WAIT = Duration.ofSeconds(60);

    private static JobSpec slowMatmul;
    private JobRunner shared;

    /**
     * @param queueCapacity jobs that may wait (per device, for multi-device runners)
     * @return a fresh runner the test owns and closes
     */
    protected abstract JobRunner createRunner(int queueCapacity);

    /** Skips the suite (JUnit assumption with a message) when the runner cannot exist here. */
    protected void assumeAvailable() {
    }

    /**
     * @param timeoutMillis the spec's time limit
     * @return a job long enough for this runner that several can be queued before the first one ends
     *     (tens of milliseconds at least); the default is a 1024^3 product, built once
     */
    protected JobSpec slowJob(long timeoutMillis) {
        synchronized (JobRunnerContract.class) {
            if (slowMatmul == null) {
                int n = 1024;
                slowMatmul = Jobs.matmul(n, ReferenceMath.randomFloats(n * n, 1), ReferenceMath.randomFloats(n * n, 2));
            }
        }
        return new JobSpec(slowMatmul.kind(), slowMatmul.params(), slowMatmul.payload(), timeoutMillis, 0);
    }

    @BeforeAll
    void startShared() {
        assumeAvailable();
        shared = createRunner(64);
    }

    @AfterAll
    void closeShared() {
        if (shared != null) {
            shared.close();
        }
    }

    /** @return the runner shared by the tests that do not close it */
    protected JobRunner runner() {
        return shared;
    }

    protected static JobResult await(CompletableFuture<JobResult> f) {
        try {
            return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("job failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no result within " + WAIT, e);
        }
    }

    protected static JobException awaitFailure(CompletableFuture<JobResult> f) {
        try {
            JobResult r = f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got a result of " + r.output().length + " bytes");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(JobException.class);
            return (JobException) e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no outcome within " + WAIT, e);
        }
    }

    @Test
    void runsEveryPortableKind() {
        assertThat(runner().kinds()).containsAll(Jobs.PORTABLE_KINDS);
        assertThat(runner().name()).isNotBlank();
    }

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @CsvSource({"1,1,1", "3,5,7", "64,64,64", "130,70,257", "257,300,129", "512,512,512"})
    void multipliesMatricesThatPassFreivaldsAndMatchADoubleReference(int m, int k, int n) {
        float[] a = ReferenceMath.randomFloats(m * k, 11);
        float[] b = ReferenceMath.randomFloats(k * n, 12);
        JobSpec spec = Jobs.matmul(m, k, n, a, b);
        JobResult r = await(runner().submit(spec));
        float[] c = Jobs.readMatmulOutput(spec, r.output());
        CheckResult check = Freivalds.create().check(spec, r.output());
        assertThat(check.passed()).as(check.detail()).isTrue();
        double[] ref = ReferenceMath.matmulDouble(m, k, n, a, b);
        for (int i = 0; i < c.length; i++) {
            assertThat((double) c[i]).as("C[%d][%d]", i / n, i % n).isCloseTo(ref[i], Offset.offset(1e-4 * Math.sqrt(k) + 1e-6));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 1 << 20})
    void saxpyIsBitExactWithAFusedMultiplyAdd(int n) {
        float a = 1.37f;
        float[] x = ReferenceMath.randomFloats(n, 3);
        float[] y = ReferenceMath.randomFloats(n, 4);
        JobSpec spec = Jobs.saxpy(a, x, y);
        float[] out = Jobs.readSaxpyOutput(spec, await(runner().submit(spec)).output());
        for (int i = 0; i < n; i++) {
            if (Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(Math.fma(a, x[i], y[i]))) {
                fail("element %d: %s, expected fma = %s", i, out[i], Math.fma(a, x[i], y[i]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 1023, 1024, 1025, 5000, 1_048_577, 3_000_000})
    void sumsInTheDefinedOrderToTheSameBits(int n) {
        float[] x = ReferenceMath.randomFloats(n, 5);
        for (int i = 0; i < n; i += 7) {
            x[i] *= 1000f;
        }
        JobSpec spec = Jobs.reduceSum(x);
        float sum = Jobs.readReduceSumOutput(await(runner().submit(spec)).output());
        assertThat(Float.floatToRawIntBits(sum)).as("sum %s vs %s", sum, ReferenceMath.fixedOrderSum(x))
                .isEqualTo(Float.floatToRawIntBits(ReferenceMath.fixedOrderSum(x)));
    }

    @Test
    void hashesEveryMessageAsTheJdkDoes() throws Exception {
        List<byte[]> messages = ReferenceMath.awkwardMessages(9);
        JobSpec spec = Jobs.sha256Batch(messages);
        List<byte[]> digests = Jobs.readSha256BatchOutput(spec, await(runner().submit(spec)).output());
        List<byte[]> expected = ReferenceMath.sha256(messages);
        for (int i = 0; i < messages.size(); i++) {
            assertThat(digests.get(i)).as("digest of message %d (%d bytes)", i, messages.get(i).length)
                    .isEqualTo(expected.get(i));
        }
    }

    @Test
    void hashesAnEmptyBatchToAnEmptyOutput() {
        JobSpec spec = Jobs.sha256Batch(List.of());
        assertThat(await(runner().submit(spec)).output()).isEmpty();
    }

    @Test
    void reportsTheResultHashOfItsOutputTheDeviceAndTimings() {
        JobSpec spec = Jobs.saxpy(2f, new float[] {1, 2, 3}, new float[] {4, 5, 6});
        JobResult r = await(runner().submit(spec));
        assertThat(Jobs.readSaxpyOutput(spec, r.output())).containsExactly(6f, 9f, 12f);
        assertThat(r.resultHash()).isEqualTo(Receipts.resultHash(r.output()));
        assertThat(r.device()).isNotBlank();
        assertThat(r.queued().isNegative()).isFalse();
        assertThat(r.ran().isNegative()).isFalse();
    }

    @Test
    void rejectsAPayloadThatDoesNotMatchTheDimensionsNamingThePayload() {
        JobSpec bad = JobSpec.of(Jobs.MATMUL_F32, Map.of("m", "4", "k", "4", "n", "4"), new byte[60]);
        JobException e = awaitFailure(runner().submit(bad));
        assertThat(e.reason()).isEqualTo(JobException.Reason.INVALID_INPUT);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("payload").contains("128 bytes");
    }

    @Test
    void rejectsAMissingParameterNamingIt() {
        JobSpec bad = JobSpec.of(Jobs.SAXPY_F32, Map.of("n", "1"), new byte[8]);
        JobException e = awaitFailure(runner().submit(bad));
        assertThat(e.reason()).isEqualTo(JobException.Reason.INVALID_INPUT);
        assertThat(e.getMessage()).contains("params.a");
    }

    @Test
    void rejectsAnUnknownKindWithoutRetry() {
        JobException e = awaitFailure(runner().submit(JobSpec.of("no-such-kind", Map.of(), new byte[0])));
        assertThat(e.reason()).isEqualTo(JobException.Reason.REJECTED);
        assertThat(e.retryable()).isFalse();
        assertThat(e.kind()).isEqualTo("no-such-kind");
    }

    @Test
    void rejectsAJobOverItsMemoryLimit() {
        JobSpec s = Jobs.matmul(64, ReferenceMath.randomFloats(64 * 64, 1), ReferenceMath.randomFloats(64 * 64, 2));
        JobSpec limited = new JobSpec(s.kind(), s.params(), s.payload(), 60_000, 4096);
        JobException e = awaitFailure(runner().submit(limited));
        assertThat(e.reason()).isEqualTo(JobException.Reason.OVER_LIMIT);
        assertThat(e.getMessage()).contains("4096");
    }

    @Test
    void failsAJobThatRunsPastItsTimeLimitAndKeepsWorking() {
        JobException e = awaitFailure(runner().submit(slowJob(1)));
        assertThat(e.reason()).isEqualTo(JobException.Reason.TIMED_OUT);
        assertThat(e.retryable()).isTrue();
        JobSpec small = Jobs.saxpy(1f, new float[] {1}, new float[] {1});
        assertThat(Jobs.readSaxpyOutput(small, await(runner().submit(small)).output())).containsExactly(2f);
    }

    @Test
    void cancellingAJobLeavesTheRunnerWorking() {
        CompletableFuture<JobResult> running = runner().submit(slowJob(60_000));
        CompletableFuture<JobResult> queued = runner().submit(slowJob(60_000));
        queued.cancel(true);
        running.cancel(true);
        assertThat(queued).isCancelled();
        assertThat(running).isCancelled();
        JobSpec small = Jobs.reduceSum(new float[] {1, 2, 3});
        assertThat(Jobs.readReduceSumOutput(await(runner().submit(small)).output())).isEqualTo(6f);
    }

    @Test
    void runsJobsSubmittedFromManyThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<CompletableFuture<JobResult>>> submitted = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                float v = t;
                submitted.add(CompletableFuture.supplyAsync(
                        () -> runner().submit(Jobs.saxpy(v, new float[] {1, 2}, new float[] {0, 1})), pool));
            }
            for (int t = 0; t < 32; t++) {
                JobSpec spec = Jobs.saxpy(t, new float[] {1, 2}, new float[] {0, 1});
                JobResult r = await(submitted.get(t).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                assertThat(Jobs.readSaxpyOutput(spec, r.output())).containsExactly(t, 2f * t + 1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFullQueueRejectsWithARetryableError() {
        try (JobRunner small = createRunner(1)) {
            List<CompletableFuture<JobResult>> futures = new ArrayList<>();
            JobException rejected = null;
            for (int i = 0; i < 64 && rejected == null; i++) {
                CompletableFuture<JobResult> f = small.submit(slowJob(60_000));
                futures.add(f);
                if (f.isCompletedExceptionally()) {
                    rejected = awaitFailure(f);
                }
            }
            assertThat(rejected).as("a rejection once the queue of 1 is full").isNotNull();
            assertThat(rejected.reason()).isEqualTo(JobException.Reason.REJECTED);
            assertThat(rejected.retryable()).isTrue();
            assertThat(rejected.getMessage()).contains("queue");
            futures.forEach(f -> f.cancel(true));
        }
    }

    @Test
    void closeFailsWhatIsQueuedOrRunningAndIsIdempotent() {
        JobRunner r = createRunner(8);
        List<CompletableFuture<JobResult>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            futures.add(r.submit(slowJob(60_000)));
        }
        r.close();
        r.close();
        for (CompletableFuture<JobResult> f : futures) {
            JobException e = awaitFailure(f);
            assertThat(e.retryable()).isTrue();
            assertThat(e.reason()).isIn(JobException.Reason.REJECTED, JobException.Reason.CANCELLED);
        }
        JobException after = awaitFailure(r.submit(Jobs.reduceSum(new float[] {1})));
        assertThat(after.reason()).isEqualTo(JobException.Reason.REJECTED);
        assertThat(after.getMessage()).contains("closed");
    }

    @Test
    void aCompletedFutureIsNotAffectedByCancel() {
        CompletableFuture<JobResult> f = runner().submit(Jobs.reduceSum(new float[] {1, 2}));
        JobResult r = await(f);
        assertThat(f.cancel(true)).isFalse();
        assertThat(Jobs.readReduceSumOutput(r.output())).isEqualTo(3f);
        assertThatThrownBy(() -> Jobs.readReduceSumOutput(new byte[3])).hasMessageContaining("output");
        assertThat(f.join()).isSameAs(r);
    }
}
