package io.smainer.client;

import io.smainer.SmainerException;
import io.smainer.protocol.TaskStatus;
import java.time.Duration;

/**
 * {@link SmainerClient#awaitResult} waited as long as it was told and the task is not settled yet. Nothing
 * failed: the task goes on, and waiting again is fine.
 */
public class ResultTimeoutException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String taskId;
    private final TaskStatus status;
    private final Duration waited;

    /**
     * @param taskId the relayer's task id
     * @param status where the task was at the last look
     * @param waited how long the caller waited
     */
    public ResultTimeoutException(String taskId, TaskStatus status, Duration waited) {
        super("task " + taskId + " not settled within " + waited + "; it is " + status);
        this.taskId = taskId;
        this.status = status;
        this.waited = waited;
    }

    /** @return the relayer's task id */
    public String taskId() {
        return taskId;
    }

    /** @return where the task was at the last look */
    public TaskStatus status() {
        return status;
    }

    /** @return how long the caller waited */
    public Duration waited() {
        return waited;
    }
}
