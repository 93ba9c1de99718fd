package io.smainer.escrow;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A transaction the {@link Ledger} executed, in a block of its own. A reverted one took no effect and
 * emitted nothing, but still used its block and its sender's nonce, as on Starknet.
 *
 * @param hash the transaction hash
 * @param sender the account that sent it
 * @param block its block number
 * @param timestamp the block's time, from the ledger's clock
 * @param revertReason the contract's revert reason, empty when it succeeded
 * @param events what it emitted, in order
 */
public record LedgerTransaction(Felt hash, ContractAddress sender, long block, Instant timestamp,
        Optional<String> revertReason, List<ChainEvent> events) {
    /** Validates presence and copies the events. */
    public LedgerTransaction {
        Require.present("transaction_hash", hash);
        Require.present("sender_address", sender);
        Require.present("timestamp", timestamp);
        revertReason = Require.optional("revert_reason", revertReason);
        events = List.copyOf(Require.present("events", events));
    }

    /** @return true when it took effect */
    public boolean succeeded() {
        return revertReason.isEmpty();
    }

    /** @return the hash and block, for {@link Escrow} results */
    public TxResult toTxResult() {
        return new TxResult(hash, block);
    }
}
