package io.smainer.job;

/** The Java runner against the shared runner contract. */
class JavaJobRunnerContractTest extends JobRunnerContract {
    @Override
    protected JobRunner createRunner(int queueCapacity) {
        return JavaJobRunner.builder().queueCapacity(queueCapacity).build();
    }
}
