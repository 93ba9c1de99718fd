package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;

/**
 * The conformance suite against the Starknet client: over HTTP to the local JSON-RPC node, every
 * transaction a real v3 invoke signed with the account's key, every receipt polled (the node answers
 * "not found" once first).
 */
class StarknetEscrowConformanceIT extends EscrowConformance {
    @Override
    protected Network open(Ledger ledger) {
        StarknetClients clients = new StarknetClients(ledger);
        return new Network() {
            @Override
            public Escrow connect(ContractAddress account, Felt accountKey) {
                return clients.connect(account, accountKey);
            }

            @Override
            public EscrowAdmin admin(Escrow client) {
                return ((StarknetEscrow) client).admin();
            }

            @Override
            public void close() {
                clients.close();
            }
        };
    }
}
