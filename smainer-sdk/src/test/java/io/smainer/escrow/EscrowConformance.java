package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The escrow conformance suite: the same scenarios, balances and errors for every {@link Escrow}
 * implementation. A subclass says how to reach a {@link Ledger} (directly, or through the JSON-RPC test
 * node and the Starknet client); the ledger itself is the chain's state in both cases, and is used for the
 * local-network operations the {@link Escrow} interface does not have (mint, pause, suspend).
 *
 * <p>Shipped in smainer-sdk's test-jar so that other implementations can run it too.
 */
public abstract class EscrowConformance {
    /** A way of reaching one ledger as several accounts. */
    protected interface Network extends AutoCloseable {
        /**
         * @param account the account's address
         * @param accountKey the account's private key (signs its transactions where that applies)
         * @return an escrow client acting for the account
         */
        Escrow connect(ContractAddress account, Felt accountKey);

        @Override
        void close();
    }

    /**
     * @param ledger the chain state
     * @return a network over it
     */
    protected abstract Network open(Ledger ledger);

    protected static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    protected static final ContractAddress OWNER = ContractAddress.of(0x0a11);
    protected static final ContractAddress RELAYER = ContractAddress.of(0x0a12);
    protected static final ContractAddress TREASURY = ContractAddress.of(0x0a13);
    protected static final ContractAddress DEMANDER = ContractAddress.of(0x0a14);
    protected static final ContractAddress OTHER_DEMANDER = ContractAddress.of(0x0a15);
    protected static final ContractAddress PROVIDER = ContractAddress.of(0x0a16);
    protected static final ContractAddress OTHER_PROVIDER = ContractAddress.of(0x0a17);
    protected static final ContractAddress AFFILIATE = ContractAddress.of(0x0a18);
    /** The provider's receipt key (registered on-chain). */
    protected static final KeyPair PROVIDER_KEY = KeyPair.fromPrivateKey(Felt.parse("0x5eed0001"), CRYPTO);
    /** A key nobody registered: its receipts are forgeries. */
    protected static final KeyPair FORGER_KEY = KeyPair.fromPrivateKey(Felt.parse("0x5eed0002"), CRYPTO);
    protected static final TokenAmount FUNDS = TokenAmount.parseStrk("1000 STRK");

    protected Ledger ledger;
    protected Network network;
    private final Map<ContractAddress, Escrow> clients = new HashMap<>();

    @BeforeEach
    void openNetwork() {
        ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY)
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).crypto(CRYPTO).build();
        ledger.mint(DEMANDER, FUNDS);
        ledger.mint(OTHER_DEMANDER, FUNDS);
        network = open(ledger);
    }

    @AfterEach
    void closeNetwork() {
        clients.values().forEach(Escrow::close);
        clients.clear();
        network.close();
    }

    /** @return the account key of an address in this suite (any deterministic key will do) */
    protected static Felt accountKey(ContractAddress a) {
        return Felt.of(a.felt().value().add(BigInteger.valueOf(0x1000_0000L)));
    }

    protected Escrow as(ContractAddress account) {
        return clients.computeIfAbsent(account, a -> network.connect(a, accountKey(a)));
    }

    protected static TokenAmount units(long n) {
        return TokenAmount.ofBaseUnits(n);
    }

    protected void registerProvider(ContractAddress provider, KeyPair key) {
        as(provider).registerNode();
        as(provider).setProviderPublicKey(key.publicKey());
    }

    protected CreatedTask create(ContractAddress demander, TokenAmount base, Tier tier) {
        return as(demander).createTask(ledger.token(), base, tier, Felt.of(base.baseUnits().add(BigInteger.valueOf(tier.code()))));
    }

    protected static Settlement.Flat flat(U256 taskId, ContractAddress provider, Felt result, KeyPair key) {
        Signature sig = CRYPTO.sign(key.privateKey(), Receipts.flatHash(CRYPTO, taskId, provider, result));
        return new Settlement.Flat(taskId, provider, result, sig);
    }

    protected static Settlement.Effort effort(U256 taskId, ContractAddress provider, Felt result, TokenAmount cost,
            int score, KeyPair key) {
        Signature sig = CRYPTO.sign(key.privateKey(), Receipts.effortHash(CRYPTO, taskId, provider, result, cost));
        return new Settlement.Effort(taskId, provider, result, cost, score, sig);
    }

    protected static Settlement.EffortWithAffiliate affiliate(U256 taskId, ContractAddress provider,
            ContractAddress affiliate, Felt result, TokenAmount cost, int score, KeyPair key) {
        Signature sig = CRYPTO.sign(key.privateKey(), Receipts.effortHash(CRYPTO, taskId, provider, result, cost));
        return new Settlement.EffortWithAffiliate(taskId, provider, affiliate, result, cost, score, sig);
    }

    protected Map<ContractAddress, TokenAmount> balances(ContractAddress... accounts) {
        Map<ContractAddress, TokenAmount> out = new HashMap<>();
        for (ContractAddress a : accounts) {
            out.put(a, as(RELAYER).balanceOf(a));
        }
        return out;
    }

    protected TokenAmount balance(ContractAddress a) {
        return as(RELAYER).balanceOf(a);
    }

    private static void assertReverts(Runnable call, String reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(EscrowRevertedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    // ------------------------------------------------------------------ scenarios

    @Test
    void createTaskLocksExactlyTheTierAdjustedAmount() {
        CreatedTask t = create(DEMANDER, units(1_000_003), Tier.PRO);

        assertThat(t.escrowId()).isEqualTo(U256.of(1));
        assertThat(t.escrowed()).isEqualTo(units(2_200_006)); // floor(1_000_003 * 22000 / 10000)
        assertThat(balance(DEMANDER)).isEqualTo(FUNDS.minus(units(2_200_006)));
        assertThat(balance(ledger.contract())).isEqualTo(units(2_200_006));
        assertThat(as(DEMANDER).taskCount()).isEqualTo(U256.of(1));
        EscrowTask task = as(OTHER_DEMANDER).getTask(t.escrowId()).orElseThrow();
        assertThat(task.creator()).isEqualTo(DEMANDER);
        assertThat(task.token()).isEqualTo(ledger.token());
        assertThat(task.amount()).isEqualTo(units(2_200_006));
        assertThat(task.baseReward()).isEqualTo(units(1_000_003));
        assertThat(task.tierMultiplier()).isEqualTo(BasisPoints.of(22_000));
        assertThat(task.adjustedReward()).isEqualTo(units(2_200_006));
        assertThat(task.requiredTier()).isEqualTo(Tier.PRO);
        assertThat(task.status()).isEqualTo(EscrowStatus.CREATED);
        assertThat(t.tx().blockNumber()).isPositive();
    }

    @Test
    void anUnknownTaskReadsAsEmpty() {
        assertThat(as(DEMANDER).getTask(U256.of(42))).isEmpty();
        assertThat(as(DEMANDER).taskCount()).isEqualTo(U256.ZERO);
    }

    @Test
    void theCreatorPaysTheMultiplierInForceAfterTheOwnerChangesIt() {
        ledger.setTierMultipliers(OWNER, BasisPoints.of(10_000), BasisPoints.of(30_000), BasisPoints.of(100_000));
        assertThat(as(DEMANDER).tierMultiplier(Tier.PREMIUM)).isEqualTo(BasisPoints.of(100_000));
        CreatedTask t = create(DEMANDER, units(7), Tier.PREMIUM);
        assertThat(t.escrowed()).isEqualTo(units(70));
        assertThat(balance(DEMANDER)).isEqualTo(FUNDS.minus(units(70)));
    }

    @Test
    void onlyTheOwnerSetsMultipliersAndOnlyWithinTheirBounds() {
        assertReverts(() -> ledger.setTierMultipliers(DEMANDER, BasisPoints.of(10_000), BasisPoints.of(22_000),
                BasisPoints.of(35_000)), EscrowRevertedException.NOT_OWNER);
        assertReverts(() -> ledger.setTierMultipliers(OWNER, BasisPoints.of(9_999), BasisPoints.of(22_000),
                BasisPoints.of(35_000)), EscrowRevertedException.INVALID_MULTIPLIER);
        assertThat(as(DEMANDER).tierMultiplier(Tier.BASIC)).isEqualTo(BasisPoints.of(10_000));
    }

    @Test
    void aZeroBaseAmountMakesAnEmptyTaskAsTheContractAllows() {
        CreatedTask t = create(DEMANDER, TokenAmount.ZERO, Tier.PREMIUM);
        assertThat(t.escrowed()).isEqualTo(TokenAmount.ZERO);
        assertThat(balance(DEMANDER)).isEqualTo(FUNDS);
        assertThat(as(DEMANDER).getTask(t.escrowId()).orElseThrow().amount()).isEqualTo(TokenAmount.ZERO);
    }

    @Test
    void aCreatorWithoutEnoughTokensIsRefusedByTheToken() {
        ContractAddress poor = ContractAddress.of(0x0b01);
        ledger.mint(poor, units(99));
        assertReverts(() -> create(poor, units(100), Tier.BASIC), EscrowRevertedException.INSUFFICIENT_BALANCE);
        assertThat(balance(poor)).isEqualTo(units(99));
        assertThat(as(poor).taskCount()).isEqualTo(U256.ZERO);
    }

    @Test
    void flatSettlementPaysTheProviderAndTreasuryWithTheDustToTheProvider() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000_003), Tier.BASIC);

        as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(77), PROVIDER_KEY));

        // a = 1_000_003: treasury floor(12%) = 120_000, gas floor(3%) = 30_000, provider = a - 120_000
        assertThat(balance(TREASURY)).isEqualTo(units(120_000));
        assertThat(balance(PROVIDER)).isEqualTo(units(880_003));
        assertThat(balance(ledger.contract())).isEqualTo(TokenAmount.ZERO);
        FlatSplit split = FeeMath.flatSplit(units(1_000_003));
        assertThat(split.providerTotal()).isEqualTo(units(880_003));
        // a flat settlement leaves the task COMPLETED (smainer.cairo:633), not SETTLED
        assertThat(as(DEMANDER).getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.COMPLETED);
    }

    @Test
    void effortSettlementPaysTheCostAndRefundsTheRestWithTheDustToTheTreasury() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000_003), Tier.BASIC);

        as(RELAYER).settle(effort(t.escrowId(), PROVIDER, Felt.of(78), units(500_001), 25_000, PROVIDER_KEY));

        // c = 500_001: provider floor(88%) = 440_000, treasury = 60_001, refund = 500_002
        assertThat(balance(PROVIDER)).isEqualTo(units(440_000));
        assertThat(balance(TREASURY)).isEqualTo(units(60_001));
        assertThat(balance(DEMANDER)).isEqualTo(FUNDS.minus(units(500_001)));
        assertThat(balance(ledger.contract())).isEqualTo(TokenAmount.ZERO);
        EffortSplit split = FeeMath.effortSplit(units(1_000_003), units(500_001));
        assertThat(split.refund()).isEqualTo(units(500_002));
    }

    @Test
    void affiliateSettlementGivesTheAffiliateSixPercent() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000_003), Tier.BASIC);

        as(RELAYER).settle(affiliate(t.escrowId(), PROVIDER, AFFILIATE, Felt.of(79), units(500_001), 75_000, PROVIDER_KEY));

        // c = 500_001: provider 440_000, affiliate floor(6%) = 30_000, treasury 30_001, refund 500_002
        assertThat(balance(PROVIDER)).isEqualTo(units(440_000));
        assertThat(balance(AFFILIATE)).isEqualTo(units(30_000));
        assertThat(balance(TREASURY)).isEqualTo(units(30_001));
        assertThat(balance(DEMANDER)).isEqualTo(FUNDS.minus(units(500_001)));
        assertThat(balance(ledger.contract())).isEqualTo(TokenAmount.ZERO);
    }

    @Test
    void aZeroAffiliateGetsTheEffortSplit() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000_003), Tier.BASIC);
        as(RELAYER).settle(affiliate(t.escrowId(), PROVIDER, ContractAddress.ZERO, Felt.of(80), units(500_001), 10_000,
                PROVIDER_KEY));
        assertThat(balance(PROVIDER)).isEqualTo(units(440_000));
        assertThat(balance(TREASURY)).isEqualTo(units(60_001));
    }

    @Test
    void aForgedReceiptIsRefusedAndNothingMoves() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);

        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(1), FORGER_KEY)),
                EscrowRevertedException.INVALID_SIGNATURE);
        // a receipt for another result than signed
        Settlement.Flat good = flat(t.escrowId(), PROVIDER, Felt.of(1), PROVIDER_KEY);
        assertReverts(() -> as(RELAYER).settle(new Settlement.Flat(t.escrowId(), PROVIDER, Felt.of(2), good.signature())),
                EscrowRevertedException.INVALID_SIGNATURE);
        // an effort receipt whose cost was raised after signing
        Settlement.Effort signed = effort(t.escrowId(), PROVIDER, Felt.of(1), units(10), 10_000, PROVIDER_KEY);
        assertReverts(() -> as(RELAYER).settle(new Settlement.Effort(t.escrowId(), PROVIDER, Felt.of(1), units(999), 10_000,
                signed.signature())), EscrowRevertedException.INVALID_SIGNATURE);

        assertThat(balance(ledger.contract())).isEqualTo(units(1_000));
        assertThat(balance(PROVIDER)).isEqualTo(TokenAmount.ZERO);
        assertThat(as(DEMANDER).getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.CREATED);
    }

    @Test
    void aReplayedReceiptIsRefused() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        Settlement.Flat receipt = flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY);
        as(RELAYER).settle(receipt);

        assertReverts(() -> as(RELAYER).settle(receipt), EscrowRevertedException.SIGNATURE_ALREADY_USED);
        // a fresh receipt for the settled task meets the status check
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(6), PROVIDER_KEY)),
                EscrowRevertedException.INVALID_TASK_STATUS);
        assertThat(balance(PROVIDER)).isEqualTo(FeeMath.flatSplit(units(1_000)).providerTotal());
    }

    @Test
    void onlyTheRelayerSettles() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        assertReverts(() -> as(PROVIDER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.UNAUTHORIZED_RELAYER);
    }

    @Test
    void theRegistryGatesWhoCanBePaid() {
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.PROVIDER_NOT_ACTIVE);
        assertReverts(() -> as(PROVIDER).setProviderPublicKey(PROVIDER_KEY.publicKey()),
                EscrowRevertedException.PROVIDER_NOT_ACTIVE);

        as(PROVIDER).registerNode();
        assertThat(as(RELAYER).nodeStatus(PROVIDER)).isEqualTo(NodeStatus.ACTIVE);
        assertReverts(() -> as(PROVIDER).registerNode(), EscrowRevertedException.NODE_ALREADY_REGISTERED);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.PUBLIC_KEY_NOT_SET);
        assertThat(as(RELAYER).providerPublicKey(PROVIDER)).isEmpty();

        as(PROVIDER).setProviderPublicKey(PROVIDER_KEY.publicKey());
        assertThat(as(RELAYER).providerPublicKey(PROVIDER)).contains(PROVIDER_KEY.publicKey());

        as(PROVIDER).deactivateNode();
        assertThat(as(RELAYER).nodeStatus(PROVIDER)).isEqualTo(NodeStatus.INACTIVE);
        assertReverts(() -> as(PROVIDER).deactivateNode(), EscrowRevertedException.NODE_NOT_ACTIVE);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.PROVIDER_NOT_ACTIVE);

        as(PROVIDER).registerNode();
        ledger.suspendNode(OWNER, PROVIDER);
        assertThat(as(RELAYER).nodeStatus(PROVIDER)).isEqualTo(NodeStatus.SUSPENDED);
        assertReverts(() -> as(PROVIDER).registerNode(), EscrowRevertedException.NODE_SUSPENDED);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.PROVIDER_NOT_ACTIVE);
        assertReverts(() -> ledger.suspendNode(DEMANDER, OTHER_PROVIDER), EscrowRevertedException.NOT_OWNER);
    }

    @Test
    void anEffortCostAboveTheEscrowIsRefused() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        assertReverts(() -> as(RELAYER).settle(effort(t.escrowId(), PROVIDER, Felt.of(5), units(1_001), 10_000, PROVIDER_KEY)),
                EscrowRevertedException.EXCEEDS_ESCROWED_AMOUNT);
        // exactly the escrow is fine: nothing refunded
        as(RELAYER).settle(effort(t.escrowId(), PROVIDER, Felt.of(5), units(1_000), 10_000, PROVIDER_KEY));
        assertThat(balance(PROVIDER)).isEqualTo(units(880));
        assertThat(balance(TREASURY)).isEqualTo(units(120));
        assertThat(balance(DEMANDER)).isEqualTo(FUNDS.minus(units(1_000)));
    }

    @Test
    void theCreatorCancelsACreatedTaskForAFullRefundAndNobodyElseCan() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_234_567), Tier.PREMIUM);
        assertReverts(() -> as(OTHER_DEMANDER).cancelTask(t.escrowId()), EscrowRevertedException.ONLY_CREATOR_CAN_CANCEL);
        assertReverts(() -> as(DEMANDER).cancelTask(U256.of(99)), EscrowRevertedException.ONLY_CREATOR_CAN_CANCEL);

        as(DEMANDER).cancelTask(t.escrowId());

        assertThat(balance(DEMANDER)).isEqualTo(FUNDS);
        assertThat(balance(ledger.contract())).isEqualTo(TokenAmount.ZERO);
        assertThat(as(DEMANDER).getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.CANCELLED);
        assertReverts(() -> as(DEMANDER).cancelTask(t.escrowId()), EscrowRevertedException.TASK_CANNOT_BE_CANCELLED);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.INVALID_TASK_STATUS);
    }

    @Test
    void aSettledTaskCannotBeCancelled() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY));
        assertReverts(() -> as(DEMANDER).cancelTask(t.escrowId()), EscrowRevertedException.TASK_CANNOT_BE_CANCELLED);
    }

    @Test
    void settlingAnUnknownTaskIsRefused() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        assertReverts(() -> as(RELAYER).settle(flat(U256.of(7), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.INVALID_TASK_STATUS);
    }

    @Test
    void pauseStopsCreationAndSettlementUntilUnpaused() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        assertReverts(() -> ledger.pause(DEMANDER), EscrowRevertedException.NOT_OWNER);
        ledger.pause(OWNER);
        assertThat(as(DEMANDER).isPaused()).isTrue();
        assertReverts(() -> create(DEMANDER, units(1_000), Tier.BASIC), EscrowRevertedException.PAUSED);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.PAUSED);
        assertReverts(() -> ledger.pause(OWNER), EscrowRevertedException.PAUSED);

        ledger.unpause(OWNER);
        assertThat(as(DEMANDER).isPaused()).isFalse();
        assertReverts(() -> ledger.unpause(OWNER), EscrowRevertedException.NOT_PAUSED);
        as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY));
        assertThat(balance(PROVIDER)).isEqualTo(units(880));
    }

    @Test
    void aBatchWithOneBadReceiptRevertsWholeAndPaysNobody() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask a = create(DEMANDER, units(1_000), Tier.BASIC);
        CreatedTask b = create(DEMANDER, units(2_000), Tier.BASIC);
        CreatedTask c = create(OTHER_DEMANDER, units(3_000), Tier.BASIC);
        List<Settlement> batch = List.of(flat(a.escrowId(), PROVIDER, Felt.of(1), PROVIDER_KEY),
                flat(b.escrowId(), PROVIDER, Felt.of(2), FORGER_KEY),
                effort(c.escrowId(), PROVIDER, Felt.of(3), units(1_500), 20_000, PROVIDER_KEY));

        assertReverts(() -> as(RELAYER).settleBatch(batch), EscrowRevertedException.INVALID_SIGNATURE);
        assertThat(balance(PROVIDER)).isEqualTo(TokenAmount.ZERO);
        assertThat(balance(ledger.contract())).isEqualTo(units(6_000));
        assertThat(as(DEMANDER).getTask(a.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.CREATED);

        TxResult tx = as(RELAYER).settleBatch(List.of(batch.get(0), flat(b.escrowId(), PROVIDER, Felt.of(2), PROVIDER_KEY),
                batch.get(2)));
        assertThat(tx.blockNumber()).isPositive();
        // 880 + 1760 + floor(1500 * 0.88) = 1320
        assertThat(balance(PROVIDER)).isEqualTo(units(880 + 1_760 + 1_320));
        assertThat(balance(TREASURY)).isEqualTo(units(120 + 240 + 180));
        assertThat(balance(OTHER_DEMANDER)).isEqualTo(FUNDS.minus(units(1_500)));
        assertThat(balance(ledger.contract())).isEqualTo(TokenAmount.ZERO);
    }

    @Test
    void aBatchThatSettlesTheSameTaskTwiceRevertsWhole() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask a = create(DEMANDER, units(1_000), Tier.BASIC);
        Settlement.Flat s = flat(a.escrowId(), PROVIDER, Felt.of(1), PROVIDER_KEY);
        assertReverts(() -> as(RELAYER).settleBatch(List.of(s, s)), EscrowRevertedException.SIGNATURE_ALREADY_USED);
        assertThat(balance(ledger.contract())).isEqualTo(units(1_000));
    }

    @Test
    void fiftySettlementsGoOutAsOneTransaction() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        registerProvider(OTHER_PROVIDER, FORGER_KEY);
        List<Settlement> batch = new ArrayList<>();
        BigInteger providerExpected = BigInteger.ZERO;
        BigInteger otherExpected = BigInteger.ZERO;
        BigInteger treasuryExpected = BigInteger.ZERO;
        for (int i = 0; i < 50; i++) {
            TokenAmount base = units(10_000 + 37L * i);
            CreatedTask t = create(i % 2 == 0 ? DEMANDER : OTHER_DEMANDER, base, Tier.values()[i % 3]);
            switch (i % 3) {
                case 0 -> {
                    batch.add(flat(t.escrowId(), PROVIDER, Felt.of(i), PROVIDER_KEY));
                    FlatSplit f = FeeMath.flatSplit(t.escrowed());
                    providerExpected = providerExpected.add(f.providerTotal().baseUnits());
                    treasuryExpected = treasuryExpected.add(f.treasury().baseUnits());
                }
                case 1 -> {
                    TokenAmount cost = units(t.escrowed().baseUnits().longValueExact() / 3);
                    batch.add(effort(t.escrowId(), OTHER_PROVIDER, Felt.of(i), cost, 30_000, FORGER_KEY));
                    EffortSplit e = FeeMath.effortSplit(t.escrowed(), cost);
                    otherExpected = otherExpected.add(e.provider().baseUnits());
                    treasuryExpected = treasuryExpected.add(e.treasury().baseUnits());
                }
                default -> {
                    TokenAmount cost = t.escrowed();
                    batch.add(affiliate(t.escrowId(), PROVIDER, AFFILIATE, Felt.of(i), cost, 40_000, PROVIDER_KEY));
                    EffortSplit e = FeeMath.affiliateSplit(t.escrowed(), cost);
                    providerExpected = providerExpected.add(e.provider().baseUnits());
                    treasuryExpected = treasuryExpected.add(e.treasury().baseUnits());
                }
            }
        }
        long before = ledger.blockNumber();

        TxResult tx = as(RELAYER).settleBatch(batch);

        assertThat(ledger.blockNumber()).isEqualTo(before + 1);
        LedgerTransaction landed = ledger.transaction(tx.hash()).orElseThrow();
        assertThat(landed.succeeded()).isTrue();
        assertThat(landed.events().stream().filter(e -> e.from().equals(ledger.contract()))
                .map(EscrowEventsView::decode).filter(e -> e instanceof EscrowEvent.TaskSettled).count()).isEqualTo(50);
        assertThat(balance(PROVIDER).baseUnits()).isEqualTo(providerExpected);
        assertThat(balance(OTHER_PROVIDER).baseUnits()).isEqualTo(otherExpected);
        assertThat(balance(TREASURY).baseUnits()).isEqualTo(treasuryExpected);
        assertThat(balance(ledger.contract())).isEqualTo(TokenAmount.ZERO);
        for (Settlement s : batch) {
            assertThat(as(DEMANDER).getTask(s.taskId()).orElseThrow().status())
                    .isEqualTo(s instanceof Settlement.Flat ? EscrowStatus.COMPLETED : EscrowStatus.SETTLED);
        }
    }

    @Test
    void eventsResumeFromACursorWithoutMissingOrRepeatingOne() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask a = create(DEMANDER, units(1_000), Tier.BASIC);
        CreatedTask b = create(DEMANDER, units(2_000), Tier.PRO);
        as(RELAYER).settleBatch(List.of(flat(a.escrowId(), PROVIDER, Felt.of(1), PROVIDER_KEY),
                effort(b.escrowId(), PROVIDER, Felt.of(2), units(100), 10_000, PROVIDER_KEY)));
        CreatedTask c = create(OTHER_DEMANDER, units(3_000), Tier.BASIC);
        as(OTHER_DEMANDER).cancelTask(c.escrowId());

        List<EscrowEvent> all = new ArrayList<>();
        EventCursor cursor = EventCursor.START;
        for (int guard = 0; guard < 50; guard++) {
            EventPage page = as(RELAYER).events(cursor, 2);
            assertThat(page.events()).hasSizeLessThanOrEqualTo(2);
            if (page.events().isEmpty()) {
                assertThat(page.next()).isEqualTo(cursor);
                break;
            }
            all.addAll(page.events());
            assertThat(page.next()).isGreaterThan(cursor);
            cursor = page.next();
        }

        assertThat(all).extracting(e -> e.getClass().getSimpleName()).containsExactly("NodeRegistered", "TaskCreated",
                "TaskCreated", "TaskSettled", "TaskSettled", "TaskCreated", "TaskCancelled");
        assertThat(all).extracting(EscrowEvent::cursor).isSorted().doesNotHaveDuplicates();
        EscrowEvent.TaskCreated created = (EscrowEvent.TaskCreated) all.get(2);
        assertThat(created.taskId()).isEqualTo(b.escrowId());
        assertThat(created.creator()).isEqualTo(DEMANDER);
        assertThat(created.amount()).isEqualTo(units(4_400));
        assertThat(created.baseReward()).isEqualTo(units(2_000));
        assertThat(created.requiredTier()).isEqualTo(Tier.PRO);
        EscrowEvent.TaskSettled flatSettled = (EscrowEvent.TaskSettled) all.get(3);
        assertThat(flatSettled.providerAmount()).isEqualTo(units(880));
        assertThat(flatSettled.treasuryAmount()).isEqualTo(units(120));
        EscrowEvent.TaskSettled effortSettled = (EscrowEvent.TaskSettled) all.get(4);
        assertThat(effortSettled.taskId()).isEqualTo(b.escrowId());
        assertThat(effortSettled.providerAmount()).isEqualTo(units(88));
        assertThat(effortSettled.treasuryAmount()).isEqualTo(units(12));
        assertThat(effortSettled.refund()).isEqualTo(units(4_300));
        assertThat(flatSettled.cursor().block()).isEqualTo(effortSettled.cursor().block());
        EscrowEvent.TaskCancelled cancelled = (EscrowEvent.TaskCancelled) all.get(6);
        assertThat(cancelled.refund()).isEqualTo(units(3_000));

        // resuming from the middle repeats nothing
        EventPage rest = as(RELAYER).events(all.get(3).cursor(), 100);
        assertThat(rest.events()).containsExactlyElementsOf(all.subList(4, all.size()));
    }

    @Test
    void eventsPageThroughABlockWithMoreEventsThanOneReadTakes() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        List<Settlement> batch = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            CreatedTask t = create(DEMANDER, units(1_000 + i), Tier.BASIC);
            batch.add(flat(t.escrowId(), PROVIDER, Felt.of(i), PROVIDER_KEY));
        }
        as(RELAYER).settleBatch(batch); // 270 contract events in one block

        List<EscrowEvent> all = new ArrayList<>();
        EventCursor cursor = EventCursor.START;
        for (int guard = 0; guard < 100; guard++) {
            EventPage page = as(RELAYER).events(cursor, 37);
            if (page.events().isEmpty()) {
                break;
            }
            all.addAll(page.events());
            cursor = page.next();
        }

        assertThat(all).hasSize(1 + 90 + 90);
        assertThat(as(RELAYER).eventsAfter(EventCursor.START)).isEqualTo(all);
        assertThat(as(RELAYER).eventsAfter(all.get(99).cursor())).isEqualTo(all.subList(100, all.size()));
        assertThat(all).extracting(EscrowEvent::cursor).isSorted().doesNotHaveDuplicates();
        List<U256> settled = all.stream().filter(e -> e instanceof EscrowEvent.TaskSettled)
                .map(e -> ((EscrowEvent.TaskSettled) e).taskId()).toList();
        assertThat(settled).containsExactlyElementsOf(batch.stream().map(Settlement::taskId).toList());
    }

    /** Decodes a raw contract event for assertions. */
    static final class EscrowEventsView {
        private EscrowEventsView() {
        }

        static EscrowEvent decode(ChainEvent e) {
            return io.smainer.escrow.internal.EscrowEvents.decode(e).orElse(null);
        }
    }
}
