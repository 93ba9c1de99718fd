package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.local.TestRpcNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The conformance suite against the Starknet client: over HTTP to the local JSON-RPC node, every
 * transaction a real v3 invoke signed with the account's key, every receipt polled (the node answers
 * "not found" once first).
 */
class StarknetEscrowConformanceIT extends EscrowConformance {
    @Override
    protected Network open(Ledger ledger) {
        TestRpcNode node = TestRpcNode.builder().ledger(ledger).pendingPolls(1).start();
        List<StarknetEscrow> opened = new ArrayList<>();
        return new Network() {
            @Override
            public Escrow connect(ContractAddress account, Felt accountKey) {
                node.addAccount(account, CRYPTO.publicKey(accountKey));
                StarknetEscrow e = StarknetEscrow.builder().rpcUrl(node.url()).account(account).privateKey(accountKey)
                        .contract(ledger.contract()).token(ledger.token()).chainId(ledger.chainId())
                        .pollInterval(Duration.ofMillis(5)).receiptTimeout(Duration.ofSeconds(20)).build();
                opened.add(e);
                return e;
            }

            @Override
            public EscrowAdmin admin(Escrow client) {
                return ((StarknetEscrow) client).admin();
            }

            @Override
            public void close() {
                opened.forEach(StarknetEscrow::close);
                node.close();
            }
        };
    }
}
