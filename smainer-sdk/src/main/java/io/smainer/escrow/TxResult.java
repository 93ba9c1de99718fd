package io.smainer.escrow;

import io.smainer.chain.Felt;

/**
 * An accepted transaction.
 *
 * @param hash the transaction hash
 * @param blockNumber the block it landed in
 */
public record TxResult(Felt hash, long blockNumber) {
}
