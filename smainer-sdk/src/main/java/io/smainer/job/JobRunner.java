package io.smainer.job;

import io.smainer.protocol.JobSpec;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Runs jobs. Implementations: the pure-Java runner in this package and the GPU runner in
 * {@code smainer-gpu}; both pass the same contract test suite. Thread-safe; {@link #close()} is
 * idempotent and fails whatever is still queued.
 */
public interface JobRunner extends AutoCloseable {
    /** @return a short name for logs, e.g. {@code java} or {@code cuda:0} */
    String name();

    /** @return the job kinds this runner accepts */
    Set<String> kinds();

    /**
     * Queues a job. The future completes with the result, or exceptionally with a {@link JobException};
     * cancelling the future cancels the run and frees what it held.
     *
     * @param spec the job
     * @return the result to come
     */
    CompletableFuture<JobResult> submit(JobSpec spec);

    @Override
    void close();
}
