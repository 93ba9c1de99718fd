package io.smainer.examples.demo;

import io.smainer.gpu.CudaJobRunner;
import io.smainer.gpu.JobRunners;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobRunner;

/**
 * Which job runner the demo's providers use: the GPU runner where CUDA works (smainer-gpu's
 * {@link JobRunners#best}), else the Java runner, with the reason shown in the demo's header.
 */
final class Runners {
    private final JobRunners.Choice first;

    private Runners(JobRunners.Choice first) {
        this.first = first;
    }

    /** @return the choice for this machine, probed once */
    static Runners detect() {
        return new Runners(JobRunners.best(CudaJobRunner.builder(), java(0)));
    }

    String description() {
        return first.reason();
    }

    /**
     * @param providerIndex which provider
     * @return a runner of its own (the first provider gets the probed one)
     */
    JobRunner create(int providerIndex) {
        if (providerIndex == 0) {
            return first.runner();
        }
        return first.gpu() ? JobRunners.best(CudaJobRunner.builder(), java(providerIndex)).runner()
                : java(providerIndex).build();
    }

    private static JavaJobRunner.Builder java(int providerIndex) {
        return JavaJobRunner.builder().name("java-" + providerIndex).computeThreads(1).workerThreads(2);
    }
}
