package io.smainer.relayer.store;

import io.smainer.Require;
import io.smainer.protocol.TaskStatus;

/**
 * A notice the store publishes when it stores a task in a new status ({@link SignalBus}), so that every relayer
 * sharing it reacts at once (no polling).
 *
 * @param taskId the task
 * @param status its new status
 */
public record Signal(String taskId, TaskStatus status) {
    /** Validates every field. */
    public Signal {
        Require.text("task_id", taskId, 64);
        Require.present("status", status);
    }
}
