package io.smainer.client;

import io.smainer.SmainerException;
import io.smainer.chain.U256;

/**
 * A task failed on the relayer after its last attempt. Its escrow was not paid: the demander may take
 * it back in full with {@code Escrow.cancelTask(escrowId)}.
 */
public class TaskFailedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String taskId;
    private final U256 escrowId;

    /**
     * @param taskId the task
     * @param escrowId its escrow, to cancel for a refund
     * @param reason what the relayer reported
     */
    public TaskFailedException(String taskId, U256 escrowId, String reason) {
        super("task " + taskId + " failed: " + reason);
        this.taskId = taskId;
        this.escrowId = escrowId;
    }

    /** @return the task */
    public String taskId() {
        return taskId;
    }

    /** @return the escrow to cancel for a refund */
    public U256 escrowId() {
        return escrowId;
    }
}
