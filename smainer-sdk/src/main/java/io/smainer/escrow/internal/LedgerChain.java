package io.smainer.escrow.internal;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.util.List;

/**
 * What a {@link LedgerContract} sees of the chain it runs on: calls to other contracts (a Cairo
 * dispatcher call: the callee sees the calling contract as its caller) and the shared journal. Not API.
 */
public interface LedgerChain {
    /**
     * Calls another contract inside the transaction in progress.
     *
     * @param caller the calling contract's address
     * @param to the callee
     * @param entryPoint the function's name
     * @param calldata its calldata
     * @return its return values
     * @throws Revert when the callee reverts, or {@code Contract not deployed} when nothing is at {@code to}
     */
    List<Felt> call(ContractAddress caller, ContractAddress to, String entryPoint, List<Felt> calldata);

    /** @return the transaction in progress */
    Journal journal();

    /** @return the block timestamp of the transaction in progress, in seconds (Cairo's {@code get_block_timestamp}) */
    long blockTimestamp();
}
