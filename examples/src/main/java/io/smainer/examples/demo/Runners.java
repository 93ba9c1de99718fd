package io.smainer.examples.demo;

import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobRunner;

/** Which job runner the demo's providers use: the GPU runner where there is a GPU, else the Java runner. */
final class Runners {
    private final String description;

    private Runners(String description) {
        this.description = description;
    }

    static Runners detect() {
        return new Runners("Java runner (pure Java, on the CPU)");
    }

    String description() {
        return description;
    }

    JobRunner create(int providerIndex) {
        return JavaJobRunner.builder().name("java-" + providerIndex).computeThreads(1).workerThreads(2).build();
    }
}
