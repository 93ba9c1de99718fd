package io.smainer.escrow;

import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;

/**
 * The outcome of {@link Escrow#createTask}.
 *
 * @param taskId the on-chain id, read from the {@code TaskCreated} event
 * @param escrowed the amount locked (the tier-adjusted reward)
 * @param tx the transaction
 */
public record CreatedTask(U256 taskId, TokenAmount escrowed, TxResult tx) {
}
