package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;

/** The staking conformance suite against the in-process ledger's model of the contract. */
class LedgerStakingConformanceTest extends StakingConformance {
    @Override
    protected Network open(Ledger ledger) {
        return new Network() {
            @Override
            public Staking connect(ContractAddress account, Felt accountKey) {
                return ledger.staking(account);
            }

            @Override
            public void close() {
                // nothing to release: the ledger lives in this JVM
            }
        };
    }
}
