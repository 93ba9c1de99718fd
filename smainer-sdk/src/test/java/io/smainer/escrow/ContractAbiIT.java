package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.local.TestRpcNode;
import io.smainer.fee.Tier;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Starknet client checked against {@code contracts/*.abi.json} on the wire: every call inside every
 * invoke it sends and every view it makes has a selector of the ABI and the ABI's argument count; every
 * view answer has the ABI's output size; every event of the contract has the ABI's key and data layout.
 */
class ContractAbiIT {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();

    @Test
    void theStarknetClientSpeaksTheContractsAbi() {
        ContractAbi contract = ContractAbi.repositoryFile("smainer_contract.abi.json");
        ContractAbi token = ContractAbi.repositoryFile("erc20.abi.json");
        ContractAddress owner = ContractAddress.of(0x0a11);
        ContractAddress relayer = ContractAddress.of(0x0a12);
        ContractAddress demander = ContractAddress.of(0x0a14);
        ContractAddress provider = ContractAddress.of(0x0a16);
        Ledger ledger = Ledger.builder().owner(owner).relayer(relayer).treasury(ContractAddress.of(0x0a13)).build();
        ledger.mint(demander, TokenAmount.ofBaseUnits(1_000_000));
        KeyPair receipts = KeyPair.fromPrivateKey(Felt.parse("0x5eed0001"), CRYPTO);
        try (TestRpcNode node = TestRpcNode.builder().ledger(ledger).start();
                Escrow d = connect(node, ledger, demander, Felt.parse("0x71"));
                Escrow r = connect(node, ledger, relayer, Felt.parse("0x72"));
                Escrow p = connect(node, ledger, provider, Felt.parse("0x73"))) {
            p.registerNode();
            p.setProviderPublicKey(receipts.publicKey());
            CreatedTask a = d.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000), Tier.BASIC, Felt.ONE);
            CreatedTask b = d.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000), Tier.PRO, Felt.ONE);
            CreatedTask c = d.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000), Tier.PREMIUM, Felt.ONE);
            CreatedTask e = d.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000), Tier.BASIC, Felt.ONE);
            TokenAmount cost = TokenAmount.ofBaseUnits(500);
            r.settleBatch(List.of(
                    new Settlement.Flat(a.escrowId(), provider, Felt.of(7), CRYPTO.sign(receipts.privateKey(),
                            Receipts.flatHash(CRYPTO, a.escrowId(), provider, Felt.of(7)))),
                    new Settlement.Effort(b.escrowId(), provider, Felt.of(7), cost, 10_000, CRYPTO.sign(receipts.privateKey(),
                            Receipts.effortHash(CRYPTO, b.escrowId(), provider, Felt.of(7), cost)))));
            r.settle(new Settlement.EffortWithAffiliate(c.escrowId(), provider, owner, Felt.of(7), cost, 10_000,
                    CRYPTO.sign(receipts.privateKey(), Receipts.effortHash(CRYPTO, c.escrowId(), provider, Felt.of(7), cost))));
            d.cancelTask(e.escrowId());
            p.deactivateNode();
            d.getTask(a.escrowId());
            d.getTask(U256.of(99));
            d.taskCount();
            d.nodeStatus(provider);
            d.providerPublicKey(provider);
            d.isPaused();
            d.balanceOf(demander);
            for (Tier t : Tier.values()) {
                d.tierMultiplier(t);
            }
            d.events(EventCursor.START, 100);

            Set<String> used = new HashSet<>();
            for (TestRpcNode.Observed o : node.observedCalls()) {
                ContractAbi abi = o.call().to().equals(ledger.contract()) ? contract : token;
                assertThat(abi.check(o.call())).as(o.toString()).isEmpty();
                ContractAbi.Function f = abi.functions().get(o.call().selector());
                used.add(f.name());
                assertThat(f.view()).as(f.name() + " called as a view or sent in an invoke").isEqualTo(o.view());
                if (o.view()) {
                    assertThat(o.resultFelts()).as(f.name() + " answer").isEqualTo(f.outputFelts());
                }
            }
            assertThat(used).contains("approve", "create_tiered_task", "submit_proof_and_claim", "settle_with_effort",
                    "settle_with_effort_and_affiliate", "cancel_task", "register_node", "deactivate_node",
                    "set_provider_public_key", "get_task", "get_task_count", "get_node_status", "get_provider_public_key",
                    "is_paused", "balance_of", "get_tier_multiplier");
            for (ChainEvent ev : ledger.events(0, Long.MAX_VALUE, Optional.empty(), List.of(), 0, 10_000)) {
                ContractAbi abi = ev.from().equals(ledger.contract()) ? contract : token;
                assertThat(abi.check(ev)).as(ev.toString()).isEmpty();
            }
        }
    }

    private static Escrow connect(TestRpcNode node, Ledger ledger, ContractAddress account, Felt key) {
        node.addAccount(account, CRYPTO.publicKey(key));
        return StarknetEscrow.builder().rpcUrl(node.url()).account(account).privateKey(key).contract(ledger.contract())
                .token(ledger.token()).chainId(ledger.chainId()).pollInterval(Duration.ofMillis(5)).build();
    }
}
