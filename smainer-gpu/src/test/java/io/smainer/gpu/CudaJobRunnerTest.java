package io.smainer.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.job.CheckResult;
import io.smainer.job.Freivalds;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobException;
import io.smainer.job.JobResult;
import io.smainer.job.Jobs;
import io.smainer.job.PtxKernel;
import io.smainer.job.ReferenceMath;
import io.smainer.job.ResultChecks;
import io.smainer.protocol.JobSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GPU-only behaviour: results that match the Java runner bit for bit (exact kinds) or pass Freivalds
 * (matmul), demander kernels in the sandbox, launch overhead. Skipped with the reason without a GPU.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaJobRunnerTest {
    private CudaJobRunner gpu;
    private JavaJobRunner cpu;

    @BeforeAll
    void start() {
        Gpu.assume();
        gpu = CudaJobRunner.builder().build();
        cpu = JavaJobRunner.create();
    }

    @AfterAll
    void stop() {
        if (gpu != null) {
            gpu.close();
            cpu.close();
        }
    }

    private static String testPtx() throws IOException {
        try (InputStream in = CudaJobRunnerTest.class.getResourceAsStream("/io/smainer/gpu/test_kernels.ptx")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JobResult get(CompletableFuture<JobResult> f) throws Exception {
        return f.get(120, TimeUnit.SECONDS);
    }

    private static JobException failure(CompletableFuture<JobResult> f) throws Exception {
        try {
            f.get(120, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return (JobException) e.getCause();
        }
    }

    @Test
    void exactKindsGiveTheJavaRunnersBitsSoHashesCompare() throws Exception {
        List<JobSpec> specs = List.of(
                Jobs.saxpy(0.3f, ReferenceMath.randomFloats(3_000_001, 1), ReferenceMath.randomFloats(3_000_001, 2)),
                Jobs.reduceSum(ReferenceMath.randomFloats(5_000_000, 3)),
                Jobs.sha256Batch(ReferenceMath.awkwardMessages(4)));
        for (JobSpec spec : specs) {
            JobResult onGpu = get(gpu.submit(spec));
            JobResult onCpu = get(cpu.submit(spec));
            assertThat(onGpu.resultHash()).as(spec.kind()).isEqualTo(onCpu.resultHash());
            assertThat(ResultChecks.sameHash(onCpu, onGpu).passed()).isTrue();
            assertThat(onGpu.effort()).isPresent();
        }
    }

    @Test
    void largeProductsPassFreivalds() throws Exception {
        int n = 2048;
        JobSpec spec = Jobs.matmul(n, ReferenceMath.randomFloats(n * n, 5), ReferenceMath.randomFloats(n * n, 6));
        JobResult r = get(gpu.submit(spec));
        CheckResult check = Freivalds.create().check(spec, r.output());
        assertThat(check.passed()).as(check.detail()).isTrue();
        assertThat(r.device()).contains("cuda:");
        System.out.printf("matmul %d on %s: kernel %.3f ms%n", n, r.device(), r.ran().toNanos() / 1e6);
    }

    @Test
    void runsADemandersKernelInTheSandbox() throws Exception {
        int n = 1000;
        float[] a = ReferenceMath.randomFloats(n, 7);
        float[] b = ReferenceMath.randomFloats(n, 8);
        PtxKernel k = PtxKernel.builder(testPtx(), "vec_add").grid(4, 1, 1).block(256, 1, 1).i32(n)
                .in(Jobs.floatBytes(a)).in(Jobs.floatBytes(b)).out(4L * n).build();
        JobResult r = get(gpu.submit(k.toSpec(60_000, 1 << 20)));
        float[] c = Jobs.floats(k.readOutput(r.output()).get(0), 0, n);
        for (int i = 0; i < n; i++) {
            assertThat(c[i]).isEqualTo(a[i] + b[i]);
        }
    }

    @Test
    void killsADemandersKernelThatNeverEndsAndKeepsWorking() throws Exception {
        PtxKernel k = PtxKernel.builder(testPtx(), "spin_forever").out(4).build();
        JobException e = failure(gpu.submit(k.toSpec(3_000, 0)));
        assertThat(e.reason()).isEqualTo(JobException.Reason.TIMED_OUT);
        JobSpec small = Jobs.reduceSum(new float[] {1, 2});
        assertThat(Jobs.readReduceSumOutput(get(gpu.submit(small)).output())).isEqualTo(3f);
    }

    @Test
    void reportsADemandersFaultingKernelAsItsOwnFault() throws Exception {
        PtxKernel k = PtxKernel.builder(testPtx(), "scribble").out(4).build();
        JobException e = failure(gpu.submit(k.toSpec(60_000, 0)));
        assertThat(e.reason()).isEqualTo(JobException.Reason.INVALID_INPUT);
        assertThat(e.retryable()).isFalse();
        PtxKernel bad = PtxKernel.builder(".version 9.0\n.target sm_75\nthis is not ptx", "x").build();
        assertThat(failure(gpu.submit(bad.toSpec(60_000, 0))).reason()).isEqualTo(JobException.Reason.INVALID_INPUT);
        JobSpec small = Jobs.saxpy(2f, new float[] {1}, new float[] {1});
        assertThat(Jobs.readSaxpyOutput(small, get(gpu.submit(small)).output())).containsExactly(3f);
    }

    @Test
    void measuresTheLaunchOverheadOfAnEmptyKernel() throws Exception {
        CudaJobRunner.LaunchOverhead o = gpu.launchOverhead(1000).get(60, TimeUnit.SECONDS);
        System.out.println("empty kernel: launch+sync " + o.launchAndWait().toNanos() / 1e3 + " us, device "
                + o.devicePerLaunch().toNanos() / 1e3 + " us per launch");
        assertThat(o.launchAndWait()).isPositive();
    }

    @Test
    void rejectsAProductTooBigForTheDeviceMemoryLimit() throws Exception {
        try (CudaJobRunner small = CudaJobRunner.builder().maxJobMemoryBytes(1 << 20).ptxKernels(false).build()) {
            int n = 512;
            JobSpec spec = Jobs.matmul(n, new float[n * n], new float[n * n]);
            JobException e = failure(small.submit(spec));
            assertThat(e.reason()).isEqualTo(JobException.Reason.OVER_LIMIT);
            assertThat(small.kinds()).doesNotContain(Jobs.PTX_KERNEL);
        }
    }
}
