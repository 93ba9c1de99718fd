package io.smainer.relayer.store;

import java.util.Optional;
import java.util.function.Function;

/**
 * The one compare-and-set retry over a task: decide the next record from the one read, write it only if
 * the stored task is still that one, and on a lost race read it again and decide again.
 */
public final class TaskUpdates {
    /** Races lost before giving up; more means something rewrites the task in a loop. */
    public static final int MAX_TRIES = 8;

    private TaskUpdates() {
    }

    /**
     * @param store the store
     * @param read the task as last read
     * @param change the next record for a task as read, or empty to write nothing (the task moved on); it
     *     may throw to refuse
     * @return the record written, or empty when {@code change} wrote nothing or the task is no longer kept
     * @throws IllegalStateException when the task changed {@value #MAX_TRIES} times in a row under it
     */
    public static Optional<TaskRecord> retry(TaskStore store, TaskRecord read,
            Function<TaskRecord, Optional<TaskRecord>> change) {
        TaskRecord t = read;
        for (int i = 0; i < MAX_TRIES; i++) {
            Optional<TaskRecord> next = change.apply(t);
            if (next.isEmpty()) {
                return next;
            }
            if (store.replace(t, next.get())) {
                return next;
            }
            Optional<TaskRecord> again = store.task(t.id());
            if (again.isEmpty()) {
                return again; // finished meanwhile and no longer kept
            }
            t = again.get();
        }
        throw new IllegalStateException("task " + read.id() + " kept changing while it was updated");
    }
}
