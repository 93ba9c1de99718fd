package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.local.TestRpcNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Starknet side of the conformance ITs: the local JSON-RPC node over a ledger (it answers "not found" once
 * for each receipt, so every receipt is polled) and the {@link StarknetEscrow} clients opened on it, each a real
 * v3 invoke signer with its account's key; closed together.
 */
final class StarknetClients implements AutoCloseable {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();

    private final Ledger ledger;
    private final TestRpcNode node;
    private final List<StarknetEscrow> opened = new ArrayList<>();

    StarknetClients(Ledger ledger) {
        this.ledger = ledger;
        this.node = TestRpcNode.builder().ledger(ledger).pendingPolls(1).start();
    }

    /** @return a client for the account, whose public key the node now knows */
    StarknetEscrow connect(ContractAddress account, Felt accountKey) {
        node.addAccount(account, CRYPTO.publicKey(accountKey));
        StarknetEscrow e = StarknetEscrow.builder().rpcUrl(node.url()).account(account).privateKey(accountKey)
                .contract(ledger.contract()).token(ledger.token()).chainId(ledger.chainId())
                .pollInterval(Duration.ofMillis(5)).receiptTimeout(Duration.ofSeconds(20)).build();
        opened.add(e);
        return e;
    }

    @Override
    public void close() {
        opened.forEach(StarknetEscrow::close);
        node.close();
    }
}
