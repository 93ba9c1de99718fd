package io.smainer.relayer.store;

import io.smainer.InvalidFieldException;
import io.smainer.internal.Require;
import java.time.Duration;

/**
 * How much of the past a {@link RelayerStore} keeps: finished tasks (SETTLED or FAILED) stay readable at least
 * {@link #finishedFor()} after they finished, unless more than {@link #maxFinished()} finished tasks are held,
 * when the oldest-finished go first. Tasks that are not finished are never dropped, whatever their age. The
 * relayer's settings {@code store.finished_retention_seconds} and {@code store.max_finished_tasks}.
 *
 * @param finishedFor how long a finished task is kept at least (unless the count cap pushes it out)
 * @param maxFinished the most finished tasks kept
 */
public record Retention(Duration finishedFor, int maxFinished) {
    /** {@code store.finished_retention_seconds}: an hour, long past any client's polling of a task it sent. */
    public static final Duration DEFAULT_FINISHED_FOR = Duration.ofHours(1);
    /**
     * {@code store.max_finished_tasks}: at about 1.7 KiB of heap each in a {@link MemoryStore} plus the job's payload
     * and result, some 170 MiB for small jobs.
     */
    public static final int DEFAULT_MAX_FINISHED = 100_000;
    /** The defaults. */
    public static final Retention DEFAULT = new Retention(DEFAULT_FINISHED_FOR, DEFAULT_MAX_FINISHED);

    /** Validates both. */
    public Retention {
        Require.present("finished_retention", finishedFor);
        if (finishedFor.isNegative() || finishedFor.isZero()) {
            throw new InvalidFieldException("finished_retention", "a positive duration", finishedFor);
        }
        Require.range("max_finished_tasks", maxFinished, 1, Integer.MAX_VALUE);
    }

    /** @return {@link #finishedFor()} in milliseconds, at least 1 */
    public long finishedForMillis() {
        return Math.max(1, finishedFor.toMillis());
    }
}
