package io.smainer.relayer.store;

import io.smainer.protocol.TaskStatus;
import java.util.List;

/** The preconditions every {@link TaskStore} checks before a write, with one wording. */
final class StoreChecks {
    private StoreChecks() {
    }

    /**
     * @param task what {@link TaskStore#create} was given
     * @throws IllegalArgumentException unless it is a new PENDING task at version 0
     */
    static void creatable(TaskRecord task) {
        if (task.version() != 0 || task.status() != TaskStatus.PENDING) {
            throw new IllegalArgumentException("a new task is PENDING at version 0: " + task.id() + " is " + task.status()
                    + " at version " + task.version());
        }
    }

    /**
     * @param current the version read
     * @param next the version to write
     * @throws IllegalArgumentException unless {@code next} is the same task at the next version
     */
    static void nextVersion(TaskRecord current, TaskRecord next) {
        if (!current.id().equals(next.id()) || next.version() != current.version() + 1 || next.seq() != current.seq()) {
            throw new IllegalArgumentException("replace needs the same task at the next version: " + current.id() + " v"
                    + current.version() + " -> " + next.id() + " v" + next.version());
        }
    }

    /**
     * @param current the tasks read
     * @param next their next versions
     * @throws IllegalArgumentException unless there are as many of each, each the next version of its task
     */
    static void pairs(List<TaskRecord> current, List<TaskRecord> next) {
        if (current.size() != next.size()) {
            throw new IllegalArgumentException("replaceEach needs as many next versions as tasks: " + current.size()
                    + " and " + next.size());
        }
        for (int i = 0; i < current.size(); i++) {
            nextVersion(current.get(i), next.get(i));
        }
    }

    /**
     * @param current the version read
     * @param next the version written
     * @return true when the write stores a new status, which it publishes
     */
    static boolean changesStatus(TaskRecord current, TaskRecord next) {
        return current.status() != next.status();
    }
}
