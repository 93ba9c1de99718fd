package io.smainer.client;

import io.smainer.Require;
import io.smainer.chain.Felt;
import io.smainer.job.CheckResult;

/**
 * A sealed task's result, opened and checked by its demander's client.
 *
 * @param taskId the task
 * @param result the plain result
 * @param sealedResultHash the hash of the sealed result, which the provider's receipt signed and the chain settled
 * @param settlementTx the settlement transaction
 * @param check what the client checked: the envelope's authentication, and the kind's check where it has one
 * @param fileKey the result envelope's content key: revealed with the provider's receipt, it lets a third party open
 *     the sealed result (and see that it is wrong)
 */
public record OpenedResult(String taskId, byte[] result, Felt sealedResultHash, Felt settlementTx, CheckResult check,
        byte[] fileKey) {
    /** Checks presence and copies the arrays. */
    public OpenedResult {
        Require.present("task_id", taskId);
        result = Require.present("result", result).clone();
        Require.present("result_hash", sealedResultHash);
        Require.present("settlement_tx", settlementTx);
        Require.present("check", check);
        fileKey = Require.present("file_key", fileKey).clone();
    }

    @Override
    public byte[] result() {
        return result.clone();
    }

    @Override
    public byte[] fileKey() {
        return fileKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpenedResult r && taskId.equals(r.taskId) && sealedResultHash.equals(r.sealedResultHash);
    }

    @Override
    public int hashCode() {
        return taskId.hashCode() * 31 + sealedResultHash.hashCode();
    }

    @Override
    public String toString() {
        return "OpenedResult[taskId=" + taskId + ", result=" + result.length + " bytes, sealedResultHash="
                + sealedResultHash + ", check=" + check + ", fileKey=(hidden)]";
    }
}
