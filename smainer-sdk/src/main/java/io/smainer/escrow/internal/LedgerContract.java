package io.smainer.escrow.internal;

import io.smainer.chain.ContractAddress;

/**
 * A contract deployed on a {@link LedgerMachine}: an address and its entry-point table. It keeps its own
 * storage, writes it through the machine's shared {@link Journal} (so a revert anywhere in a multicall
 * undoes every contract's changes) and calls other contracts through {@link LedgerChain}, as Cairo
 * dispatchers do. The ERC-20 token and the Smainer contract are two; another (a staking contract) is
 * one more class deployed the same way. Not API.
 */
public interface LedgerContract {
    /** @return where it is deployed */
    ContractAddress address();

    /** @return its external functions */
    EntryPoints entryPoints();
}
