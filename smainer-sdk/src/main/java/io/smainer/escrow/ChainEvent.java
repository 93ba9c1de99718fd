package io.smainer.escrow;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.util.List;

/**
 * An event as the chain stores it: emitter, keys (the first is the event's selector) and data felts,
 * with its place in the chain.
 *
 * @param from the contract that emitted it
 * @param keys {@code keys[0] = sn_keccak(event name)}, then the {@code #[key]} fields
 * @param data the other fields
 * @param block the block it is in
 * @param index its position among the events of {@code from} within that block, from 0
 * @param txHash the transaction that emitted it
 */
public record ChainEvent(ContractAddress from, List<Felt> keys, List<Felt> data, long block, int index, Felt txHash) {
    /** Validates presence and copies the lists. */
    public ChainEvent {
        Require.present("from_address", from);
        keys = List.copyOf(Require.present("keys", keys));
        data = List.copyOf(Require.present("data", data));
        Require.range("block_number", block, 0, Long.MAX_VALUE);
        Require.range("index", index, 0, Integer.MAX_VALUE);
        Require.present("transaction_hash", txHash);
    }

    /** @return the position of this event in its emitter's stream */
    public EventCursor cursor() {
        return new EventCursor(block, index);
    }
}
