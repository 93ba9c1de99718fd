package io.smainer.relayer.settlement;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.protocol.Messages;
import io.smainer.relayer.store.TaskRecord;

/**
 * What the completion handler tells a result auditor (the staking policy's spot-check verifier) about results
 * whose receipt verifies: a signed result the kind's checker refused is proof of a wrong result; a result that
 * passed may be re-checked. {@link #NONE} does nothing. Implementations are thread-safe.
 */
public interface ResultAudit {
    /** No auditing. */
    ResultAudit NONE = new ResultAudit() {
        @Override
        public void signedWrongResult(TaskRecord task, ContractAddress provider, Messages.TaskCompleted msg,
                Felt receiptHash, String why) {
            // nothing
        }

        @Override
        public void passed(TaskRecord task, ContractAddress provider, Messages.TaskCompleted msg, Felt receiptHash) {
            // nothing
        }
    };

    /**
     * A result the kind's checker refused, with a receipt signed by the provider's registered key.
     *
     * @param task the task
     * @param provider who signed
     * @param msg the completion
     * @param receiptHash the hash its signature covers
     * @param why the checker's verdict
     */
    void signedWrongResult(TaskRecord task, ContractAddress provider, Messages.TaskCompleted msg, Felt receiptHash,
            String why);

    /**
     * A result that passed every check, with a verifying receipt; about to be recorded.
     *
     * @param task the task
     * @param provider who signed
     * @param msg the completion
     * @param receiptHash the hash its signature covers
     * @throws ReceiptRejectedException when a re-check finds it wrong (it is then not recorded)
     */
    void passed(TaskRecord task, ContractAddress provider, Messages.TaskCompleted msg, Felt receiptHash);
}
