package io.smainer.relayer.store;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import java.time.Duration;

/**
 * How much of the past a {@link RelayerStore} keeps: finished tasks (SETTLED or FAILED) stay readable at least
 * {@link #finishedFor()} after they finished, unless more than {@link #maxFinished()} finished tasks are held,
 * or their payload and result bytes ({@link TaskRecord#heldBytes()}) add up to more than
 * {@link #maxFinishedBytes()}, when the oldest-finished go first (the one that finished last is never dropped
 * for bytes, so it can still be read). A running relayer drops a task at most about {@link #pruneEvery()} after
 * its time, also when it is idle. Tasks that are not finished are never dropped, whatever their age. The
 * relayer's settings {@code store.finished_retention_seconds}, {@code store.max_finished_tasks} and
 * {@code store.max_finished_bytes}.
 *
 * @param finishedFor how long a finished task is kept at least (unless a cap pushes it out)
 * @param maxFinished the most finished tasks kept
 * @param maxFinishedBytes the most payload and result bytes of finished tasks kept, in
 *     [{@value #MIN_FINISHED_BYTES}, {@value #MAX_FINISHED_BYTES}]
 */
public record Retention(Duration finishedFor, int maxFinished, long maxFinishedBytes) {
    /** {@code store.finished_retention_seconds}: an hour, long past any client's polling of a task it sent. */
    public static final Duration DEFAULT_FINISHED_FOR = Duration.ofHours(1);
    /**
     * {@code store.max_finished_tasks}: at about 1.7 KiB of heap each in a {@link MemoryStore} plus the job's payload
     * and result, some 170 MiB for small jobs.
     */
    public static final int DEFAULT_MAX_FINISHED = 100_000;
    /**
     * {@code store.max_finished_bytes}: 256 MiB of job payloads and results. The count cap alone does not bound
     * memory: a payload may be {@code limits.max_body_bytes} (8 MiB) and a result {@code limits.max_frame_bytes}
     * (16 MiB), so a few hundred large tasks would fill a 1 GiB heap.
     */
    public static final long DEFAULT_MAX_FINISHED_BYTES = 256L << 20;
    /** The least {@link #maxFinishedBytes()}: 1 MiB. */
    public static final long MIN_FINISHED_BYTES = 1L << 20;
    /** The most {@link #maxFinishedBytes()}: 1 TiB. */
    public static final long MAX_FINISHED_BYTES = 1L << 40;
    /** The shortest {@link #pruneEvery()}. */
    public static final Duration MIN_PRUNE_EVERY = Duration.ofSeconds(1);
    /** The longest {@link #pruneEvery()}. */
    public static final Duration MAX_PRUNE_EVERY = Duration.ofMinutes(1);
    /** The defaults. */
    public static final Retention DEFAULT = new Retention(DEFAULT_FINISHED_FOR, DEFAULT_MAX_FINISHED,
            DEFAULT_MAX_FINISHED_BYTES);

    /** Validates every field. */
    public Retention {
        Require.present("finished_retention", finishedFor);
        if (finishedFor.isNegative() || finishedFor.isZero()) {
            throw new InvalidFieldException("finished_retention", "a positive duration", finishedFor);
        }
        Require.range("max_finished_tasks", maxFinished, 1, Integer.MAX_VALUE);
        Require.range("max_finished_bytes", maxFinishedBytes, MIN_FINISHED_BYTES, MAX_FINISHED_BYTES);
    }

    /**
     * With the default byte budget ({@link #DEFAULT_MAX_FINISHED_BYTES}).
     *
     * @param finishedFor how long a finished task is kept at least
     * @param maxFinished the most finished tasks kept
     */
    public Retention(Duration finishedFor, int maxFinished) {
        this(finishedFor, maxFinished, DEFAULT_MAX_FINISHED_BYTES);
    }

    /**
     * How often a relayer calls {@link RelayerStore#pruneFinished()}, so that tasks go within about a tenth of
     * {@link #finishedFor()} of their time even when no write comes: a tenth of it, at least a second and at most
     * a minute.
     *
     * @return the period
     */
    public Duration pruneEvery() {
        Duration tenth = finishedFor.dividedBy(10);
        if (tenth.compareTo(MIN_PRUNE_EVERY) < 0) {
            return MIN_PRUNE_EVERY;
        }
        return tenth.compareTo(MAX_PRUNE_EVERY) > 0 ? MAX_PRUNE_EVERY : tenth;
    }

    /** @return {@link #finishedFor()} in milliseconds, at least 1 */
    public long finishedForMillis() {
        return Math.max(1, finishedFor.toMillis());
    }
}
