package io.smainer.gpu;

import io.smainer.job.JobRunner;
import io.smainer.job.JobRunnerContract;
import io.smainer.job.Jobs;
import io.smainer.job.ReferenceMath;
import io.smainer.protocol.JobSpec;

/** The CUDA runner against the shared runner contract; skipped, with the reason printed, without a GPU. */
class CudaJobRunnerContractTest extends JobRunnerContract {
    private static JobSpec slow;

    @Override
    protected void assumeAvailable() {
        Gpu.assume();
    }

    @Override
    protected JobRunner createRunner(int queueCapacity) {
        return CudaJobRunner.builder().queueCapacity(queueCapacity).build();
    }

    /** A 4096^3 product: 128 MiB to upload, a few ms of kernel, tens of ms in all on an H100. */
    @Override
    protected synchronized JobSpec slowJob(long timeoutMillis) {
        if (slow == null) {
            int n = 4096;
            slow = Jobs.matmul(n, ReferenceMath.randomFloats(n * n, 1), ReferenceMath.randomFloats(n * n, 2));
        }
        return new JobSpec(slow.kind(), slow.params(), slow.payload(), timeoutMillis, 0);
    }
}
