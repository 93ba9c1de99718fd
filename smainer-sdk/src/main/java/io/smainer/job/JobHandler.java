package io.smainer.job;

import io.smainer.InvalidFieldException;
import io.smainer.protocol.JobSpec;

/**
 * One job kind's work, for integrators who sell a workload of their own: register it with
 * {@link JavaJobRunner.Builder#handler(JobHandler)} and the runner queues, times, cancels and hashes
 * its runs like the built-in kinds.
 *
 * <p>Implementations are thread-safe (a runner may call {@link #run} from several workers at once)
 * and cooperative: a long run calls {@link JobContext#checkActive()} now and then, so that a timeout
 * or a cancellation stops it promptly and frees what it holds. A run that ignores its context is still
 * failed on time for the caller, but keeps its worker busy until it returns.
 */
public interface JobHandler {
    /** @return the job kind this handler runs, e.g. {@code my-render}; lower-case letters, digits, dashes */
    String kind();

    /**
     * Checks a spec before it is queued and says how much memory a run needs; the runner rejects the
     * job when that is over the spec's {@code max_memory_bytes} or the runner's own limit. The default
     * counts the payload twice (input plus an output of the same size).
     *
     * @param spec the job
     * @return the bytes of memory a run will use, at least 0
     * @throws InvalidFieldException naming the bad parameter or the payload
     */
    default long requiredMemoryBytes(JobSpec spec) {
        return 2L * spec.payload().length;
    }

    /**
     * Runs the job.
     *
     * @param spec the job, already checked by {@link #requiredMemoryBytes(JobSpec)}
     * @param context the deadline, cancellation and the threads the run may use
     * @return the canonical output bytes and, optionally, effort metrics
     * @throws JobException when the run fails (use {@link JobContext#checkActive()} for timeouts)
     * @throws InvalidFieldException when the input turns out bad while running
     */
    JobOutput run(JobSpec spec, JobContext context);
}
