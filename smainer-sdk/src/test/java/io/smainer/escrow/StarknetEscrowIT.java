package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.local.TestRpcNode;
import io.smainer.fee.Tier;
import io.smainer.testing.Await;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only the Starknet client does: nonces, receipts, chain id, node errors, round trips; over HTTP. */
class StarknetEscrowIT {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final ContractAddress OWNER = ContractAddress.of(0x0a11);
    private static final ContractAddress RELAYER = ContractAddress.of(0x0a12);
    private static final ContractAddress TREASURY = ContractAddress.of(0x0a13);
    private static final ContractAddress DEMANDER = ContractAddress.of(0x0a14);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x0a16);
    private static final Felt DEMANDER_KEY = Felt.parse("0x1234abcd");
    private static final Felt RELAYER_KEY = Felt.parse("0x1234abce");
    private static final Felt PROVIDER_ACCOUNT_KEY = Felt.parse("0x1234abcf");
    private static final KeyPair RECEIPT_KEY = KeyPair.fromPrivateKey(Felt.parse("0x5eed0001"), CRYPTO);

    private final Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private TestRpcNode node;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private TestRpcNode node(boolean autoMine) {
        node = TestRpcNode.builder().ledger(ledger).autoMine(autoMine).start();
        open.add(node);
        node.addAccount(DEMANDER, CRYPTO.publicKey(DEMANDER_KEY));
        node.addAccount(RELAYER, CRYPTO.publicKey(RELAYER_KEY));
        node.addAccount(PROVIDER, CRYPTO.publicKey(PROVIDER_ACCOUNT_KEY));
        return node;
    }

    private StarknetEscrow.Builder builder(ContractAddress account, Felt key) {
        return StarknetEscrow.builder().rpcUrl(node.url()).account(account).privateKey(key).contract(ledger.contract())
                .token(ledger.token()).chainId(ledger.chainId()).pollInterval(Duration.ofMillis(5))
                .receiptTimeout(Duration.ofSeconds(20));
    }

    private StarknetEscrow client(ContractAddress account, Felt key) {
        StarknetEscrow e = builder(account, key).build();
        open.add(e);
        return e;
    }

    private static Settlement.Flat flat(CreatedTask t, Felt result) {
        return new Settlement.Flat(t.escrowId(), PROVIDER, result,
                CRYPTO.sign(RECEIPT_KEY.privateKey(), Receipts.flatHash(CRYPTO, t.escrowId(), PROVIDER, result)));
    }

    private void registerProvider() {
        StarknetEscrow provider = client(PROVIDER, PROVIDER_ACCOUNT_KEY);
        provider.registerNode();
        provider.setProviderPublicKey(RECEIPT_KEY.publicKey());
    }

    private static void await(BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(20), condition);
    }

    @Test
    void createsSettlesEveryWayAndCancelsWithSignedInvokesAndRefusesAForgery() {
        node(true);
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000_000));
        registerProvider();
        StarknetEscrow demander = client(DEMANDER, DEMANDER_KEY);
        StarknetEscrow relayer = client(RELAYER, RELAYER_KEY);
        CreatedTask a = demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(10_000), Tier.BASIC, Felt.of(1));
        CreatedTask b = demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(10_000), Tier.PRO, Felt.of(2));
        CreatedTask c = demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(10_000), Tier.PREMIUM, Felt.of(3));
        CreatedTask d = demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(10_000), Tier.BASIC, Felt.of(4));
        assertThat(List.of(a.escrowed(), b.escrowed(), c.escrowed())).extracting(TokenAmount::baseUnits)
                .containsExactly(BigInteger.valueOf(10_000), BigInteger.valueOf(22_000),
                        BigInteger.valueOf(35_000));

        int sent = node.callCount("starknet_addInvokeTransaction");
        KeyPair forger = KeyPair.fromPrivateKey(Felt.parse("0xbad"), CRYPTO);
        Settlement.Flat forged = new Settlement.Flat(a.escrowId(), PROVIDER, Felt.of(9),
                CRYPTO.sign(forger.privateKey(), Receipts.flatHash(CRYPTO, a.escrowId(), PROVIDER, Felt.of(9))));
        assertThatThrownBy(() -> relayer.settle(forged)).isInstanceOfSatisfying(EscrowRevertedException.class,
                e -> assertThat(e.reason()).isEqualTo(EscrowRevertedException.INVALID_SIGNATURE));
        assertThat(node.callCount("starknet_addInvokeTransaction")).as("the estimate caught it; nothing was sent")
                .isEqualTo(sent);

        relayer.settle(flat(a, Felt.of(9)));
        TokenAmount cost = TokenAmount.ofBaseUnits(11_001);
        relayer.settle(new Settlement.Effort(b.escrowId(), PROVIDER, Felt.of(10), cost, 20_000, CRYPTO.sign(
                RECEIPT_KEY.privateKey(), Receipts.effortHash(CRYPTO, b.escrowId(), PROVIDER, Felt.of(10), cost))));
        relayer.settle(new Settlement.EffortWithAffiliate(c.escrowId(), PROVIDER, OWNER, Felt.of(11), cost, 30_000,
                CRYPTO.sign(RECEIPT_KEY.privateKey(), Receipts.effortHash(CRYPTO, c.escrowId(), PROVIDER, Felt.of(11), cost))));
        demander.cancelTask(d.escrowId());

        // flat 10_000: provider 8_800; effort 11_001: provider 9_680 (x2), affiliate 660
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(TokenAmount.ofBaseUnits(8_800 + 9_680 + 9_680));
        assertThat(ledger.balanceOf(OWNER)).isEqualTo(TokenAmount.ofBaseUnits(660));
        assertThat(ledger.balanceOf(TREASURY)).isEqualTo(TokenAmount.ofBaseUnits(1_200 + 1_321 + 661));
        assertThat(ledger.balanceOf(DEMANDER)).isEqualTo(TokenAmount.ofBaseUnits(1_000_000 - 10_000 - 11_001 - 11_001));
        assertThat(ledger.balanceOf(ledger.contract())).isEqualTo(TokenAmount.ZERO);
        assertThat(ledger.nonce(RELAYER)).isEqualTo(Felt.of(3));
    }

    @Test
    void aSteadyStateWriteTakesThreeRoundTrips() {
        node(true);
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000_000));
        StarknetEscrow demander = client(DEMANDER, DEMANDER_KEY);
        long afterStart = demander.rpcRoundTrips(); // chain id
        demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(100), Tier.BASIC, Felt.of(1));
        long first = demander.rpcRoundTrips() - afterStart;
        long before = demander.rpcRoundTrips();
        demander.cancelTask(Objects.requireNonNull(demander.taskCount()));
        long second = demander.rpcRoundTrips() - before - 1; // minus the taskCount view
        System.out.printf("StarknetEscrow round trips: first write %d (tier view, nonce, estimate, send, receipt),"
                + " later writes %d (estimate, send, receipt)%n", first, second);
        assertThat(first).isEqualTo(5);
        assertThat(second).isEqualTo(3);
    }

    @Test
    void concurrentWritesFromOneClientTakeConsecutiveNonces() throws Exception {
        node(true);
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000_000));
        StarknetEscrow demander = client(DEMANDER, DEMANDER_KEY);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CreatedTask>> done = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                done.add(pool.submit(() -> demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(100 + n), Tier.BASIC,
                        Felt.of(n))));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<CreatedTask> f : done) {
                ids.add(f.get(60, TimeUnit.SECONDS).escrowId().value().longValueExact());
            }
            assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.nonce(DEMANDER)).isEqualTo(Felt.of(12));
        assertThat(node.callCount("starknet_getNonce")).isEqualTo(1);
        assertThat(node.callCount("starknet_addInvokeTransaction")).isEqualTo(12);
    }

    @Test
    void aNonceTakenByAnotherClientIsReadAgainAndTheWriteRetried() {
        node(true);
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000_000));
        StarknetEscrow first = client(DEMANDER, DEMANDER_KEY);
        StarknetEscrow second = client(DEMANDER, DEMANDER_KEY);
        first.createTask(ledger.token(), TokenAmount.ofBaseUnits(100), Tier.BASIC, Felt.of(1));
        second.createTask(ledger.token(), TokenAmount.ofBaseUnits(100), Tier.BASIC, Felt.of(2));

        CreatedTask third = first.createTask(ledger.token(), TokenAmount.ofBaseUnits(100), Tier.BASIC, Felt.of(3));

        assertThat(third.escrowId().value().intValue()).isEqualTo(3);
        assertThat(node.callCount("starknet_getNonce")).isEqualTo(3);
    }

    @Test
    void aRevertAfterTheEstimateComesBackFromTheReceipt() throws Exception {
        node(false);
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000_000));
        registerProviderMined();
        StarknetEscrow demander = client(DEMANDER, DEMANDER_KEY);
        CompletableFuture<CreatedTask> created = CompletableFuture.supplyAsync(
                () -> demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000), Tier.BASIC, Felt.of(1)));
        await(() -> node.pendingCount() == 1);
        node.mine();
        CreatedTask task = created.get(20, TimeUnit.SECONDS);
        StarknetEscrow relayer = client(RELAYER, RELAYER_KEY);
        Settlement.Flat receipt = flat(task, Felt.of(5));

        // both settlements pass their estimate (the first is still in the mempool); the second reverts on-chain
        CompletableFuture<TxResult> one = CompletableFuture.supplyAsync(() -> relayer.settle(receipt));
        await(() -> node.pendingCount() == 1);
        CompletableFuture<TxResult> two = CompletableFuture.supplyAsync(() -> relayer.settle(receipt));
        await(() -> node.pendingCount() == 2);
        node.mine();

        assertThat(one.get(20, TimeUnit.SECONDS).blockNumber()).isPositive();
        assertThatThrownBy(() -> two.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(EscrowRevertedException.class)
                .cause().satisfies(e -> assertThat(((EscrowRevertedException) e).reason())
                        .isEqualTo(EscrowRevertedException.INVALID_TASK_STATUS)) // the status check comes first
                .hasMessageContaining("(tx 0x");
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(TokenAmount.ofBaseUnits(880));
    }

    private void registerProviderMined() throws Exception {
        StarknetEscrow provider = client(PROVIDER, PROVIDER_ACCOUNT_KEY);
        CompletableFuture<TxResult> r = CompletableFuture.supplyAsync(provider::registerNode);
        await(() -> node.pendingCount() == 1);
        node.mine();
        r.get(20, TimeUnit.SECONDS);
        CompletableFuture<TxResult> k = CompletableFuture.supplyAsync(() -> provider.setProviderPublicKey(
                RECEIPT_KEY.publicKey()));
        await(() -> node.pendingCount() == 1);
        node.mine();
        k.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aReceiptThatNeverComesTimesOut() {
        node(false);
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000));
        StarknetEscrow demander = builder(DEMANDER, DEMANDER_KEY).receiptTimeout(Duration.ofMillis(200)).build();
        open.add(demander);
        assertThatThrownBy(() -> demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(100), Tier.BASIC, Felt.ONE))
                .isInstanceOfSatisfying(ChainException.class, e -> assertThat(e.rpcCode()).isEqualTo(29))
                .hasMessageContaining("no accepted receipt");
        assertThat(node.pendingCount()).isEqualTo(1);
    }

    @Test
    void theChainIdIsCheckedAtStart() {
        node(true);
        assertThatThrownBy(() -> builder(DEMANDER, DEMANDER_KEY).chainId(ChainId.MAINNET).build())
                .isInstanceOfSatisfying(ChainMismatchException.class, e -> {
                    assertThat(e.expected()).isEqualTo(ChainId.MAINNET);
                    assertThat(e.actual()).isEqualTo(ledger.chainId());
                })
                .hasMessageContaining("SN_MAIN").hasMessageContaining("SMAINER_LOCAL");
    }

    @Test
    void anUnreachableNodeIsAChainException() {
        node(true);
        String url = node.url().toString();
        node.close();
        assertThatThrownBy(() -> StarknetEscrow.builder().rpcUrl(url).account(DEMANDER).privateKey(DEMANDER_KEY)
                .chainId(ledger.chainId()).requestTimeout(Duration.ofSeconds(2)).build())
                .isInstanceOf(ChainException.class);
    }

    @Test
    void anInvokeSignedWithAnotherKeyIsRefusedByTheNode() {
        node(true);
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(1_000));
        StarknetEscrow impostor = client(DEMANDER, Felt.parse("0x999"));
        assertThatThrownBy(() -> impostor.createTask(ledger.token(), TokenAmount.ofBaseUnits(100), Tier.BASIC, Felt.ONE))
                .isInstanceOfSatisfying(ChainException.class, e -> assertThat(e.rpcCode()).isEqualTo(55));
        assertThat(ledger.balanceOf(DEMANDER)).isEqualTo(TokenAmount.ofBaseUnits(1_000));
    }

    @Test
    void thePrivateKeyNeverShowsAndBadSettingsAreNamedTogether() {
        node(true);
        StarknetEscrow.Builder b = builder(DEMANDER, DEMANDER_KEY);
        StarknetEscrow e = client(DEMANDER, DEMANDER_KEY);
        for (String text : List.of(b.toString(), e.toString())) {
            assertThat(text).doesNotContain(DEMANDER_KEY.hex().substring(2)).doesNotContain(DEMANDER_KEY.value().toString());
        }
        assertThat(b.toString()).contains("(hidden)");
        assertThatThrownBy(() -> StarknetEscrow.builder().rpcUrl("ftp://x").privateKey(Felt.ZERO)
                .pollInterval(Duration.ZERO).build()).isInstanceOfSatisfying(InvalidFieldException.class, ex ->
                assertThat(ex.expected()).contains("rpc_url").contains("account").contains("private_key")
                        .contains("poll_interval"));
    }

    @Test
    void closeIsIdempotentAndAClosedClientRefusesWork() {
        node(true);
        StarknetEscrow e = builder(DEMANDER, DEMANDER_KEY).build();
        e.close();
        e.close();
        assertThatThrownBy(e::taskCount).isInstanceOf(IllegalStateException.class);
    }
}
