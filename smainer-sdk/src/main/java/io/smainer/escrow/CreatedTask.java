package io.smainer.escrow;

import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;

/**
 * The outcome of {@link Escrow#createTask}.
 *
 * @param escrowId the escrow's on-chain id (the contract's {@code task_id}, a {@code u256}), read from the
 *     {@code TaskCreated} event; not the relayer's task id, which is a UUID it gives on submit
 * @param escrowed the amount locked (the tier-adjusted reward)
 * @param tx the transaction
 */
public record CreatedTask(U256 escrowId, TokenAmount escrowed, TxResult tx) {
    /**
     * @return the escrow's on-chain id
     * @deprecated the on-chain id is the escrow id; use {@link #escrowId()} (the relayer's task id is another thing)
     */
    @Deprecated(since = "0.1.0")
    public U256 taskId() {
        return escrowId;
    }
}
