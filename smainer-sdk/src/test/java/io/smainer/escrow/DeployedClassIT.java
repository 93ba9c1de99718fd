package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.internal.CallEscrow;
import io.smainer.escrow.local.LedgerRpcServer;
import io.smainer.fee.Tier;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A deployed class may be older than the contract's public source: the contracts repository's status page listed
 * {@code settle_with_effort_and_affiliate} as not yet deployed on mainnet. The Starknet client reads the class
 * the node serves for the contract ({@code starknet_getClassAt}) when it is built and refuses, before sending,
 * a settlement through an entry point the class lacks.
 */
class DeployedClassIT {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final ContractAddress DEMANDER = ContractAddress.of(0x0a14);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x0a16);
    private static final KeyPair RECEIPT_KEY = KeyPair.fromPrivateKey(Felt.parse("0x5eed0001"), CRYPTO);
    private static final String AFFILIATE_ENTRY_POINT = "settle_with_effort_and_affiliate";

    private final List<AutoCloseable> open = new ArrayList<>();
    private LedgerRpcServer chainNode;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static Felt key(ContractAddress a) {
        return Felt.of(a.felt().value().add(BigInteger.valueOf(0x7000)));
    }

    private StarknetEscrow connect(LedgerRpcServer node, ContractAddress account) {
        node.addAccount(account, CRYPTO.publicKey(key(account)));
        StarknetEscrow e = StarknetEscrow.builder().rpcUrl(node.url()).account(account).privateKey(key(account))
                .contract(node.ledger().contract()).token(node.ledger().token()).chainId(node.ledger().chainId())
                .pollInterval(Duration.ofMillis(5)).receiptTimeout(Duration.ofSeconds(20)).build();
        open.add(e);
        return e;
    }

    private LedgerRpcServer node(Ledger ledger) {
        chainNode = LedgerRpcServer.builder().ledger(ledger).crypto(CRYPTO).start();
        open.add(chainNode);
        ledger.mint(DEMANDER, TokenAmount.parseStrk("100"));
        return chainNode;
    }

    /** Registers the provider and funds a one-STRK task, through the node the relayer's client talks to. */
    private CreatedTask fundedTask(StarknetEscrow relayer) {
        StarknetEscrow provider = connect(chainNode, PROVIDER);
        StarknetEscrow demander = connect(chainNode, DEMANDER);
        provider.registerNode();
        provider.setProviderPublicKey(RECEIPT_KEY.publicKey());
        return demander.createTask(relayer.token(), TokenAmount.parseStrk("1"), Tier.BASIC, Felt.of(5));
    }

    private static Settlement.EffortWithAffiliate affiliateSettlement(CreatedTask t, TokenAmount cost) {
        Signature sig = CRYPTO.sign(RECEIPT_KEY.privateKey(), Receipts.effortHash(CRYPTO, t.escrowId(), PROVIDER, Felt.of(9),
                cost));
        return new Settlement.EffortWithAffiliate(t.escrowId(), PROVIDER, ContractAddress.of(0x0a18), Felt.of(9), cost, 10_000,
                sig);
    }

    private static Settlement.Effort effortSettlement(CreatedTask t, TokenAmount cost) {
        Signature sig = CRYPTO.sign(RECEIPT_KEY.privateKey(), Receipts.effortHash(CRYPTO, t.escrowId(), PROVIDER, Felt.of(9),
                cost));
        return new Settlement.Effort(t.escrowId(), PROVIDER, Felt.of(9), cost, 10_000, sig);
    }

    @Test
    void aClassWithoutTheAffiliateEntryPointIsSeenAtStartAndItsSettlementIsRefusedBeforeAnythingIsSent() {
        Ledger ledger = Ledger.builder().withoutEntryPoints(AFFILIATE_ENTRY_POINT).crypto(CRYPTO).build();
        StarknetEscrow relayer = connect(node(ledger), Ledger.DEFAULT_RELAYER);
        CreatedTask t = fundedTask(relayer);

        assertThat(relayer.offers(AFFILIATE_ENTRY_POINT)).isFalse();
        assertThat(relayer.offers(Abi.SETTLE_WITH_EFFORT)).isTrue();
        assertThat(relayer.offers(Abi.SUBMIT_PROOF_AND_CLAIM)).isTrue();
        Felt nonce = ledger.nonce(Ledger.DEFAULT_RELAYER);
        long block = ledger.blockNumber();
        TokenAmount cost = TokenAmount.parseStrk("0.5");
        assertThatThrownBy(() -> relayer.settle(affiliateSettlement(t, cost)))
                .isInstanceOfSatisfying(EntryPointMissingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(EscrowRevertedException.ENTRYPOINT_NOT_FOUND);
                    assertThat(e.entryPoint()).isEqualTo(AFFILIATE_ENTRY_POINT);
                    assertThat(e.getMessage()).contains("not sent", ledger.contract().hex(), AFFILIATE_ENTRY_POINT,
                            "Settlement.Effort");
                });
        assertThatThrownBy(() -> relayer.settleBatch(List.of(effortSettlement(t, cost), affiliateSettlement(t, cost))))
                .isInstanceOf(EntryPointMissingException.class);
        assertThat(ledger.nonce(Ledger.DEFAULT_RELAYER)).isEqualTo(nonce); // nothing was sent
        assertThat(ledger.blockNumber()).isEqualTo(block);
        assertThat(relayer.getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.CREATED);
        // the in-process client sees the same class
        assertThat(ledger.client(Ledger.DEFAULT_RELAYER).offers(AFFILIATE_ENTRY_POINT)).isFalse();
        // a call sent anyway, around the client, reverts on the ledger behind the node as on Starknet
        LedgerTransaction raw = ledger.execute(Ledger.DEFAULT_RELAYER, List.of(
                CallEscrow.settlement(ledger.contract(), affiliateSettlement(t, cost))), Optional.empty());
        assertThat(raw.revertReason()).contains(EscrowRevertedException.ENTRYPOINT_NOT_FOUND);

        relayer.settle(effortSettlement(t, cost));
        assertThat(relayer.getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.SETTLED);
    }

    @Test
    void theFullClassOffersTheAffiliateSettlementAndItSettles() {
        Ledger ledger = Ledger.builder().crypto(CRYPTO).build();
        StarknetEscrow relayer = connect(node(ledger), Ledger.DEFAULT_RELAYER);
        CreatedTask t = fundedTask(relayer);

        assertThat(relayer.offers(AFFILIATE_ENTRY_POINT)).isTrue();
        relayer.settle(affiliateSettlement(t, TokenAmount.parseStrk("0.5")));
        assertThat(relayer.getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.SETTLED);
    }
}
