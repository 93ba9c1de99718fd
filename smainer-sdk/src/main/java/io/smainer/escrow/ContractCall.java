package io.smainer.escrow;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.internal.Abi;
import java.util.List;

/**
 * One call of a Starknet multicall: a contract, an entry-point selector and its calldata (already
 * encoded as felts). Used by the {@link Ledger}'s raw interface, which the JSON-RPC test node drives.
 *
 * @param to the contract called
 * @param selector {@code sn_keccak(entry point name)}
 * @param calldata the encoded arguments
 */
public record ContractCall(ContractAddress to, Felt selector, List<Felt> calldata) {
    /** Validates presence and copies the calldata. */
    public ContractCall {
        Require.present("to", to);
        Require.present("selector", selector);
        calldata = List.copyOf(Require.present("calldata", calldata));
    }

    /**
     * @param to the contract called
     * @param entryPoint the entry point's name, e.g. {@code approve}
     * @param calldata the encoded arguments
     * @return the call
     */
    public static ContractCall of(ContractAddress to, String entryPoint, List<Felt> calldata) {
        return new ContractCall(to, Abi.selector(entryPoint), calldata);
    }
}
