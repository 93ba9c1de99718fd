package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.Calldata;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.internal.Abi;
import io.smainer.fee.Tier;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the ledger has: raw calldata, persistence, the local-network operations, concurrency. */
class LedgerTest {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final ContractAddress OWNER = ContractAddress.of(0x0a11);
    private static final ContractAddress RELAYER = ContractAddress.of(0x0a12);
    private static final ContractAddress TREASURY = ContractAddress.of(0x0a13);
    private static final ContractAddress DEMANDER = ContractAddress.of(0x0a14);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x0a16);
    private static final KeyPair KEY = KeyPair.fromPrivateKey(Felt.parse("0x5eed0001"), CRYPTO);

    private final Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).build();

    private LedgerTransaction raw(ContractAddress sender, String entryPoint, List<Felt> calldata) {
        return ledger.execute(sender, List.of(ContractCall.of(ledger.contract(), entryPoint, calldata)), Optional.empty());
    }

    private U256 fundedTask(long base) {
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(base));
        return ledger.client(DEMANDER).createTask(ledger.token(), TokenAmount.ofBaseUnits(base), Tier.BASIC, Felt.of(9))
                .escrowId();
    }

    private void registerProvider() {
        Escrow p = ledger.client(PROVIDER);
        p.registerNode();
        p.setProviderPublicKey(KEY.publicKey());
    }

    @Test
    void anEffortScoreOutsideItsRangeIsRefusedByTheContract() {
        registerProvider();
        U256 id = fundedTask(1_000);
        TokenAmount cost = TokenAmount.ofBaseUnits(500);
        Signature sig = CRYPTO.sign(KEY.privateKey(), Receipts.effortHash(CRYPTO, id, PROVIDER, Felt.of(1), cost));
        for (long score : new long[] {9_999, 75_001}) {
            LedgerTransaction tx = raw(RELAYER, Abi.SETTLE_WITH_EFFORT, Calldata.builder().u256(id).address(PROVIDER)
                    .felt(Felt.of(1)).u256(cost.toU256()).u256(U256.of(score)).felt(sig.r()).felt(sig.s()).build());
            assertThat(tx.revertReason()).contains(EscrowRevertedException.EFFORT_SCORE_OUT_OF_RANGE);
        }
        assertThat(ledger.balanceOf(ledger.contract())).isEqualTo(TokenAmount.ofBaseUnits(1_000));
    }

    @Test
    void malformedCalldataIsRefusedAsCairoWould() {
        assertThat(raw(DEMANDER, Abi.CANCEL_TASK, List.of(Felt.ONE)).revertReason())
                .contains("Failed to deserialize param #1");
        assertThat(raw(DEMANDER, Abi.CANCEL_TASK, List.of(Felt.ONE, Felt.ZERO, Felt.ONE)).revertReason())
                .contains("Failed to deserialize param #2");
        assertThat(raw(DEMANDER, "no_such_entry_point", List.of()).revertReason())
                .contains(EscrowRevertedException.ENTRYPOINT_NOT_FOUND);
        assertThat(ledger.execute(DEMANDER, List.of(ContractCall.of(ContractAddress.of(0xdead), Abi.APPROVE, List.of())),
                Optional.empty()).revertReason()).contains(EscrowRevertedException.CONTRACT_NOT_DEPLOYED);
        assertThat(raw(DEMANDER, Abi.CREATE_TIERED_TASK, Calldata.builder().address(ledger.token()).u256(U256.of(10))
                .u8(4).felt(Felt.ONE).build()).revertReason()).contains(EscrowRevertedException.INVALID_TIER);
    }

    @Test
    void aRevertedTransactionUsesABlockAndANonceButChangesNothing() {
        String before = stateWithoutTransactions();
        long block = ledger.blockNumber();
        LedgerTransaction tx = raw(DEMANDER, Abi.CANCEL_TASK, Calldata.builder().u256(U256.of(1)).build());
        assertThat(tx.succeeded()).isFalse();
        assertThat(tx.events()).isEmpty();
        assertThat(ledger.blockNumber()).isEqualTo(block + 1);
        assertThat(ledger.nonce(DEMANDER)).isEqualTo(Felt.ONE);
        assertThat(ledger.transaction(tx.hash())).contains(tx);
        assertThat(stateWithoutTransactions()).isEqualTo(before.replace("\"block_number\":" + block,
                "\"block_number\":" + (block + 1)));
    }

    private String stateWithoutTransactions() {
        String s = ledger.stateJson();
        return s.substring(0, s.indexOf("\"nonces\"")) + s.substring(s.indexOf("\"block_number\""), s.indexOf("\"transactions\""));
    }

    @Test
    void aBaseAboveTheTierBoundIsRefused() {
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(U256.MAX_VALUE.shiftRight(1)));
        BigInteger tooBig = BigInteger.ONE.shiftLeft(255).divide(BigInteger.valueOf(35_000))
                .add(BigInteger.ONE);
        LedgerTransaction tx = raw(DEMANDER, Abi.CREATE_TIERED_TASK, Calldata.builder().address(ledger.token())
                .u256(U256.of(tooBig)).u8(3).felt(Felt.ONE).build());
        assertThat(tx.revertReason()).contains(EscrowRevertedException.TIER_CALCULATION_OVERFLOW);
    }

    @Test
    void createTaskNeedsTheAllowanceForTheAdjustedAmount() {
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(10_000));
        ledger.execute(DEMANDER, List.of(ContractCall.of(ledger.token(), Abi.APPROVE,
                Calldata.builder().address(ledger.contract()).u256(U256.of(2_199)).build())), Optional.empty());
        LedgerTransaction tx = raw(DEMANDER, Abi.CREATE_TIERED_TASK, Calldata.builder().address(ledger.token())
                .u256(U256.of(1_000)).u8(2).felt(Felt.ONE).build());
        assertThat(tx.revertReason()).contains(EscrowRevertedException.INSUFFICIENT_ALLOWANCE);
    }

    @Test
    void theRelayerCanPullAnApprovedEscrowForAUser() {
        ledger.mint(DEMANDER, TokenAmount.ofBaseUnits(5_000));
        ledger.execute(DEMANDER, List.of(ContractCall.of(ledger.token(), Abi.APPROVE,
                Calldata.builder().address(ledger.contract()).u256(U256.of(5_000)).build())), Optional.empty());
        List<Felt> args = Calldata.builder().address(DEMANDER).address(ledger.token()).u256(U256.of(3_000)).felt(Felt.ONE)
                .build();
        assertThat(raw(DEMANDER, Abi.PULL_AND_EXECUTE, args).revertReason())
                .contains(EscrowRevertedException.UNAUTHORIZED_RELAYER);
        assertThat(raw(RELAYER, Abi.PULL_AND_EXECUTE, args).succeeded()).isTrue();
        EscrowTask task = ledger.client(DEMANDER).getTask(U256.of(1)).orElseThrow();
        assertThat(task.creator()).isEqualTo(DEMANDER);
        // 12% of 3000 went to the treasury at once; the escrow holds the rest
        assertThat(task.amount()).isEqualTo(TokenAmount.ofBaseUnits(2_640));
        assertThat(ledger.balanceOf(TREASURY)).isEqualTo(TokenAmount.ofBaseUnits(360));
        assertThat(ledger.balanceOf(DEMANDER)).isEqualTo(TokenAmount.ofBaseUnits(2_000));
    }

    @Test
    void theOwnerMovesTheRelayerAndTheTreasury() {
        ContractAddress newRelayer = ContractAddress.of(0x0c01);
        ContractAddress newTreasury = ContractAddress.of(0x0c02);
        assertThatThrownBy(() -> ledger.setRelayer(RELAYER, newRelayer)).isInstanceOfSatisfying(
                EscrowRevertedException.class, e -> assertThat(e.reason()).isEqualTo(EscrowRevertedException.NOT_OWNER));
        ledger.setRelayer(OWNER, newRelayer);
        ledger.setTreasury(OWNER, newTreasury);
        assertThat(ledger.relayer()).isEqualTo(newRelayer);
        assertThat(ledger.treasury()).isEqualTo(newTreasury);
        assertThat(ledger.owner()).isEqualTo(OWNER);

        registerProvider();
        U256 id = fundedTask(1_000);
        Signature sig = CRYPTO.sign(KEY.privateKey(), Receipts.flatHash(CRYPTO, id, PROVIDER, Felt.of(3)));
        Settlement.Flat s = new Settlement.Flat(id, PROVIDER, Felt.of(3), sig);
        assertThatThrownBy(() -> ledger.client(RELAYER).settle(s)).isInstanceOf(EscrowRevertedException.class);
        ledger.client(newRelayer).settle(s);
        assertThat(ledger.balanceOf(newTreasury)).isEqualTo(TokenAmount.ofBaseUnits(120));
    }

    @Test
    void aSavedLedgerLoadsBackTheSameStateAndCarriesOn(@TempDir Path dir) throws Exception {
        registerProvider();
        U256 settled = fundedTask(1_000);
        U256 open = fundedTask(2_000);
        Signature sig = CRYPTO.sign(KEY.privateKey(), Receipts.flatHash(CRYPTO, settled, PROVIDER, Felt.of(3)));
        Settlement.Flat receipt = new Settlement.Flat(settled, PROVIDER, Felt.of(3), sig);
        ledger.client(RELAYER).settle(receipt);
        ledger.pause(OWNER);
        Path file = dir.resolve("state").resolve("ledger.json");

        ledger.save(file);
        ledger.save(file); // overwrites atomically
        Ledger loaded = Ledger.load(file);

        assertThat(loaded.stateJson()).isEqualTo(ledger.stateJson());
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
        assertThat(loaded.client(DEMANDER).getTask(open)).isEqualTo(ledger.client(DEMANDER).getTask(open));
        assertThat(loaded.client(RELAYER).events(EventCursor.START, 100))
                .isEqualTo(ledger.client(RELAYER).events(EventCursor.START, 100));
        loaded.unpause(OWNER);
        // the used signatures came back: the settled receipt's (r, s) is refused on the open task
        assertThatThrownBy(() -> loaded.client(RELAYER).settle(new Settlement.Flat(open, receipt.provider(),
                receipt.resultHash(), receipt.signature()))).isInstanceOfSatisfying(EscrowRevertedException.class,
                e -> assertThat(e.reason()).isEqualTo(EscrowRevertedException.SIGNATURE_ALREADY_USED));
        loaded.client(DEMANDER).cancelTask(open);
        assertThat(loaded.balanceOf(DEMANDER)).isEqualTo(TokenAmount.ofBaseUnits(2_000));
        assertThat(loaded.blockNumber()).isEqualTo(ledger.blockNumber() + 3);
    }

    @Test
    void aLedgerBuiltWithDefaultsSettlesAndOneWithoutAnEntryPointKeepsItAbsentAcrossASave(@TempDir Path dir) {
        Ledger defaults = Ledger.builder().build();
        assertThat(List.of(defaults.owner(), defaults.relayer(), defaults.treasury()))
                .containsExactly(Ledger.DEFAULT_OWNER, Ledger.DEFAULT_RELAYER, Ledger.DEFAULT_TREASURY);
        assertThat(defaults.offers(Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE)).isTrue();
        assertThat(Ledger.builder().withoutRelayer().build().relayer()).isEqualTo(ContractAddress.ZERO);
        assertThatThrownBy(() -> Ledger.builder().withoutEntryPoints("no_such_function").build())
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("entry_points");

        Ledger older = Ledger.builder().withoutEntryPoints(Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE).build();
        assertThat(older.offers(Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE)).isFalse();
        assertThat(older.offers(Abi.SETTLE_WITH_EFFORT)).isTrue();
        Path file = dir.resolve("ledger.json");
        older.save(file);
        Ledger loaded = Ledger.load(file);
        assertThat(loaded.offers(Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE)).isFalse();
        assertThat(loaded.stateJson()).isEqualTo(older.stateJson());
    }

    @Test
    void aFileThatIsNotALedgerIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"version\": 1}");
        assertThatThrownBy(() -> Ledger.load(file)).isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void concurrentClientsKeepTheBooksExact() throws Exception {
        int threads = 4;
        int perThread = 25;
        List<ContractAddress> demanders = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ContractAddress d = ContractAddress.of(0x0d00 + i);
            demanders.add(d);
            ledger.mint(d, TokenAmount.ofBaseUnits(1_000_000));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (ContractAddress d : demanders) {
                done.add(pool.submit(() -> {
                    Escrow e = ledger.client(d);
                    for (int i = 0; i < perThread; i++) {
                        CreatedTask t = e.createTask(ledger.token(), TokenAmount.ofBaseUnits(100 + i), Tier.PRO, Felt.of(i));
                        if (i % 2 == 0) {
                            e.cancelTask(t.escrowId());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.client(OWNER).taskCount()).isEqualTo(U256.of((long) threads * perThread));
        long open = 0;
        for (int i = 1; i < perThread; i += 2) {
            open += (100 + i) * 22_000L / 10_000;
        }
        assertThat(ledger.balanceOf(ledger.contract())).isEqualTo(TokenAmount.ofBaseUnits(open * threads));
        assertThat(ledger.totalSupply()).isEqualTo(TokenAmount.ofBaseUnits(1_000_000L * threads));
    }

    @Test
    void theBuilderRefusesAnOwnerOrTreasurySetToNothing() {
        assertThatThrownBy(() -> Ledger.builder().owner(null).build())
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("owner"));
        assertThatThrownBy(() -> Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(null).build())
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("treasury"));
    }
}
