package io.smainer.relayer.scheduling;

import io.smainer.relayer.store.TaskRecord;

/** Told when the scheduler gives up on a task (for the webhook and metrics). */
@FunctionalInterface
public interface TaskNotices {
    /** Tells nothing. */
    TaskNotices NONE = t -> { };

    /**
     * @param task the task, now FAILED after its last attempt
     */
    void failed(TaskRecord task);

    /**
     * @param task the task, just assigned to a node
     */
    default void assigned(TaskRecord task) {
    }

    /**
     * @param task the task, back in the queue after a failed attempt
     */
    default void requeued(TaskRecord task) {
    }
}
