package io.smainer.client;

import io.smainer.SmainerException;

/**
 * A sealed task's result was refused by the demander's client: its bytes do not match the hash the provider signed,
 * the envelope does not open with the demander's key (it was changed, or sealed to someone else), or the opened
 * result fails its check (Freivalds for {@code matmul-f32}). The escrow was already paid (results are released
 * after settlement); a wrong result is provable to a third party with the revealed content keys and the provider's
 * signed receipt (see docs/trust-model.md, "Sealed tasks").
 */
public class SealedResultRefusedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String taskId;

    /**
     * @param taskId the task
     * @param reason why the result was refused
     * @param cause the underlying failure, or null
     */
    public SealedResultRefusedException(String taskId, String reason, Throwable cause) {
        super("the sealed result of task " + taskId + " was refused: " + reason, cause);
        this.taskId = taskId;
    }

    /** @return the task */
    public String taskId() {
        return taskId;
    }
}
