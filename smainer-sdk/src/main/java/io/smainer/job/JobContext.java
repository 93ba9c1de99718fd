package io.smainer.job;

import java.time.Duration;
import java.time.Instant;
import java.util.function.IntConsumer;

/**
 * What a running job may ask its runner: its deadline, whether it should stop, and threads for
 * data-parallel loops. Handed to {@link JobHandler#run}; valid only during that call.
 */
public interface JobContext {
    /** @return the job kind, for error messages */
    String kind();

    /** @return when the run's time limit ends */
    Instant deadline();

    /** @return the time left before the deadline, zero when past it */
    Duration remaining();

    /** @return true when the run should stop: cancelled, runner closing, or past its deadline */
    boolean isStopped();

    /**
     * Returns normally while the run may go on.
     *
     * @throws JobException with reason {@link JobException.Reason#TIMED_OUT} past the deadline, or
     *     {@link JobException.Reason#CANCELLED} when cancelled or the runner is closing
     */
    void checkActive();

    /** @return how many threads {@link #parallelFor} spreads work over, at least 1 */
    int parallelism();

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, count)}, spread over
     * {@link #parallelism()} threads, and returns when all have run. Checks {@link #checkActive()}
     * before each index; a failure in any index fails the whole loop.
     *
     * @param count how many indices
     * @param body the work for one index; must be safe to run concurrently for different indices
     * @throws JobException when stopped, or wrapping what a body threw
     */
    void parallelFor(int count, IntConsumer body);
}
