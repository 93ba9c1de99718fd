package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;

/**
 * The staking conformance suite against the Starknet client: over HTTP to the JSON-RPC test node with the
 * staking contract deployed beside the escrow, every write a real v3 invoke signed with the account's key,
 * every receipt polled (the node answers "not found" once first), events read with {@code starknet_getEvents}.
 */
class StarknetStakingConformanceIT extends StakingConformance {
    @Override
    protected Network open(Ledger ledger) {
        StarknetClients clients = new StarknetClients(ledger);
        return new Network() {
            @Override
            public Staking connect(ContractAddress account, Felt accountKey) {
                return clients.connect(account, accountKey).staking(ledger.stakingContract().orElseThrow());
            }

            @Override
            public void close() {
                clients.close();
            }
        };
    }
}
