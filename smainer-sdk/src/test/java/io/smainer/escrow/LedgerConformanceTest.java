package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;

/** The conformance suite against the in-process ledger's clients. */
class LedgerConformanceTest extends EscrowConformance {
    @Override
    protected Network open(Ledger ledger) {
        return new Network() {
            @Override
            public Escrow connect(ContractAddress account, Felt accountKey) {
                return ledger.client(account);
            }

            @Override
            public EscrowAdmin admin(Escrow client) {
                return ledger.admin(client.caller());
            }

            @Override
            public void close() {
                // nothing to release: the ledger lives in this JVM
            }
        };
    }
}
