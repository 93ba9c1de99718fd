package io.smainer.relayer.settlement;

import io.smainer.SmainerException;

/** A node reported on a task that is not (or no longer) its own. */
public final class TaskNotAssignedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String taskId;

    /**
     * @param taskId the task
     * @param message what was expected and what came
     */
    public TaskNotAssignedException(String taskId, String message) {
        super(message);
        this.taskId = taskId;
    }

    /** @return the task */
    public String taskId() {
        return taskId;
    }
}
