package io.smainer.client;

import io.smainer.SmainerException;

/**
 * {@link SmainerClient#disputeSealedResult} found nothing to dispute: the sealed result opened, authenticated and
 * passed its check, so no content key was revealed and nothing was sent to the relayer.
 */
public class NothingToDisputeException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String taskId;

    /**
     * @param taskId the task
     * @param verdict what the check found
     */
    public NothingToDisputeException(String taskId, String verdict) {
        super("the sealed result of task " + taskId + " passes its check (" + verdict + "): nothing to dispute");
        this.taskId = taskId;
    }

    /** @return the task */
    public String taskId() {
        return taskId;
    }
}
