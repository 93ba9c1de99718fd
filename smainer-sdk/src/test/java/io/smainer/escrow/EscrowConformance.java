package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.smainer.escrow.internal.EscrowEvents;
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
 * node and the Starknet client); the ledger itself is the chain's state in both cases. Every call of the
 * contract goes through the implementation: the {@link Escrow} methods, and for the rest (owner functions,
 * {@code pull_and_execute}, fee views, raw calldata) its {@link EscrowAdmin}; the ledger is used directly only
 * to mint (a local faucet) and to read a transaction's raw events.
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

        /**
         * @param client a client this network connected
         * @return the contract's privileged operations and other calls, sent as the client's account
         */
        EscrowAdmin admin(Escrow client);

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

    /** @return the contract's other operations, sent as {@code account} through the implementation */
    protected EscrowAdmin admin(ContractAddress account) {
        return network.admin(as(account));
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
        admin(OWNER).setTierMultipliers(BasisPoints.of(10_000), BasisPoints.of(30_000), BasisPoints.of(100_000));
        assertThat(as(DEMANDER).tierMultiplier(Tier.PREMIUM)).isEqualTo(BasisPoints.of(100_000));
        CreatedTask t = create(DEMANDER, units(7), Tier.PREMIUM);
        assertThat(t.escrowed()).isEqualTo(units(70));
        assertThat(balance(DEMANDER)).isEqualTo(FUNDS.minus(units(70)));
    }

    @Test
    void onlyTheOwnerSetsMultipliersAndOnlyWithinTheirBounds() {
        assertReverts(() -> admin(DEMANDER).setTierMultipliers(BasisPoints.of(10_000), BasisPoints.of(22_000),
                BasisPoints.of(35_000)), EscrowRevertedException.NOT_OWNER);
        assertReverts(() -> admin(OWNER).setTierMultipliers(BasisPoints.of(9_999), BasisPoints.of(22_000),
                BasisPoints.of(35_000)), EscrowRevertedException.INVALID_BASIC_MULTIPLIER);
        assertReverts(() -> admin(OWNER).setTierMultipliers(BasisPoints.of(10_000), BasisPoints.of(9_999),
                BasisPoints.of(35_000)), EscrowRevertedException.INVALID_PRO_MULTIPLIER);
        assertReverts(() -> send(OWNER, Abi.SET_TIER_MULTIPLIERS, Calldata.builder().u256(U256.of(10_000))
                .u256(U256.of(22_000)).u256(U256.of(100_001)).build()), EscrowRevertedException.INVALID_PREMIUM_MULTIPLIER);
        assertReverts(() -> admin(OWNER).setTierMultipliers(BasisPoints.of(10_000), BasisPoints.of(22_000),
                BasisPoints.of(9_999)), EscrowRevertedException.INVALID_PREMIUM_MULTIPLIER);
        assertThat(as(DEMANDER).tierMultiplier(Tier.BASIC)).isEqualTo(BasisPoints.of(10_000));
    }

    @Test
    void aZeroBaseAmountIsRefused() { // test_smainer.cairo: test_zero_amount_task_fails
        assertReverts(() -> create(DEMANDER, TokenAmount.ZERO, Tier.PREMIUM), EscrowRevertedException.AMOUNT_MUST_BE_POSITIVE);
        assertThat(balance(DEMANDER)).isEqualTo(FUNDS);
        assertThat(as(DEMANDER).taskCount()).isEqualTo(U256.ZERO);
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

        // the status check (smainer.cairo 581) runs before the replay guard (589)
        assertReverts(() -> as(RELAYER).settle(receipt), EscrowRevertedException.INVALID_TASK_STATUS);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(6), PROVIDER_KEY)),
                EscrowRevertedException.INVALID_TASK_STATUS);
        // the guard is keyed by (r, s): the same signature on another CREATED task is refused before it is checked
        CreatedTask other = create(DEMANDER, units(1_000), Tier.BASIC);
        assertReverts(() -> as(RELAYER).settle(new Settlement.Flat(other.escrowId(), PROVIDER, Felt.of(5), receipt.signature())),
                EscrowRevertedException.SIGNATURE_ALREADY_USED);
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
                EscrowRevertedException.NODE_NOT_ACTIVE);
        // the zero key is checked before the node's status (smainer.cairo 341, 345)
        assertReverts(() -> as(PROVIDER).setProviderPublicKey(Felt.ZERO), EscrowRevertedException.INVALID_PUBLIC_KEY);
        assertReverts(() -> admin(OWNER).suspendNode(PROVIDER), EscrowRevertedException.NODE_NOT_ACTIVE);

        as(PROVIDER).registerNode();
        assertThat(as(RELAYER).nodeStatus(PROVIDER)).isEqualTo(NodeStatus.ACTIVE);
        assertReverts(() -> as(PROVIDER).registerNode(), EscrowRevertedException.NODE_ALREADY_ACTIVE);
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
        admin(OWNER).suspendNode(PROVIDER);
        assertThat(as(RELAYER).nodeStatus(PROVIDER)).isEqualTo(NodeStatus.SUSPENDED);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.PROVIDER_NOT_ACTIVE);
        assertReverts(() -> admin(DEMANDER).suspendNode(OTHER_PROVIDER), EscrowRevertedException.NOT_OWNER);
        // suspension is not sticky: register_node checks only "not ACTIVE" (smainer.cairo 303)
        as(PROVIDER).registerNode();
        assertThat(as(RELAYER).nodeStatus(PROVIDER)).isEqualTo(NodeStatus.ACTIVE);
        as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY));
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
    void anUnknownTaskIdReadsAsCreatedSoItsSettlementFailsLater() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        create(DEMANDER, units(1_000), Tier.BASIC);
        // an unwritten task reads all zeros: status CREATED, amount 0
        assertReverts(() -> as(RELAYER).settle(effort(U256.of(7), PROVIDER, Felt.of(5), units(1), 10_000, PROVIDER_KEY)),
                EscrowRevertedException.EXCEEDS_ESCROWED_AMOUNT);
        // a flat one gets past the signature and fails at the token call to address 0 (the chain's own error)
        assertThatThrownBy(() -> as(RELAYER).settle(flat(U256.of(7), PROVIDER, Felt.of(5), PROVIDER_KEY)))
                .isInstanceOf(EscrowRevertedException.class);
        assertThat(balance(ledger.contract())).isEqualTo(units(1_000));
        assertThat(as(RELAYER).getTask(U256.of(7))).isEmpty();
    }

    @Test
    void aTaskIdAboveTheFieldIsRefusedAfterTheKeyCheck() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        Signature any = flat(U256.of(1), PROVIDER, Felt.of(5), PROVIDER_KEY).signature();
        U256 huge = U256.of(Felt.PRIME);
        assertReverts(() -> as(RELAYER).settle(new Settlement.Flat(huge, PROVIDER, Felt.of(5), any)),
                EscrowRevertedException.TASK_ID_EXCEEDS_FELT);
        assertReverts(() -> as(RELAYER).settle(new Settlement.Effort(huge, PROVIDER, Felt.of(5), TokenAmount.ZERO,
                10_000, any)), EscrowRevertedException.TASK_ID_EXCEEDS_FELT);
    }

    @Test
    void theZeroProviderIsRefusedByName() {
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        Signature any = flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY).signature();
        assertReverts(() -> as(RELAYER).settle(new Settlement.Flat(t.escrowId(), ContractAddress.ZERO, Felt.of(5), any)),
                EscrowRevertedException.INVALID_PROVIDER_ADDRESS);
    }

    @Test
    void effortChecksScoreAndCostBeforeTheProvider() { // smainer.cairo 705-712: score, cost, then provider
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        Signature any = flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY).signature();
        for (int score : new int[] {9_999, 75_001}) { // the SDK refuses to build these; the contract sees them raw
            assertReverts(() -> send(RELAYER, Abi.SETTLE_WITH_EFFORT, Calldata.builder().u256(t.escrowId()).address(PROVIDER)
                    .felt(Felt.of(5)).u256(U256.of(10)).u256(U256.of(score)).felt(any.r()).felt(any.s()).build()),
                    EscrowRevertedException.EFFORT_SCORE_OUT_OF_RANGE);
        }
        assertReverts(() -> as(RELAYER).settle(effort(t.escrowId(), PROVIDER, Felt.of(5), units(1_001), 10_000, PROVIDER_KEY)),
                EscrowRevertedException.EXCEEDS_ESCROWED_AMOUNT);
        assertReverts(() -> as(RELAYER).settle(effort(t.escrowId(), PROVIDER, Felt.of(5), units(10), 10_000, PROVIDER_KEY)),
                EscrowRevertedException.PROVIDER_NOT_ACTIVE);
    }

    @Test
    void pauseStopsCreationAndSettlementUntilUnpaused() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        assertReverts(() -> admin(DEMANDER).pause(), EscrowRevertedException.NOT_OWNER);
        admin(OWNER).pause();
        assertThat(as(DEMANDER).isPaused()).isTrue();
        assertReverts(() -> create(DEMANDER, units(1_000), Tier.BASIC), EscrowRevertedException.PAUSED);
        assertReverts(() -> as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(5), PROVIDER_KEY)),
                EscrowRevertedException.PAUSED);
        assertReverts(() -> as(DEMANDER).cancelTask(t.escrowId()), EscrowRevertedException.PAUSED);
        assertReverts(() -> as(PROVIDER).deactivateNode(), EscrowRevertedException.PAUSED);
        assertReverts(() -> as(OTHER_PROVIDER).registerNode(), EscrowRevertedException.PAUSED);
        as(PROVIDER).setProviderPublicKey(FORGER_KEY.publicKey()); // not pause-gated
        as(PROVIDER).setProviderPublicKey(PROVIDER_KEY.publicKey());
        assertReverts(() -> admin(OWNER).pause(), EscrowRevertedException.PAUSED);

        admin(OWNER).unpause();
        assertThat(as(DEMANDER).isPaused()).isFalse();
        assertReverts(() -> admin(OWNER).unpause(), EscrowRevertedException.NOT_PAUSED);
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
        // the second call meets the status the first one wrote
        assertReverts(() -> as(RELAYER).settleBatch(List.of(s, s)), EscrowRevertedException.INVALID_TASK_STATUS);
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
        assertThat(EscrowEventsView.decode(landed.events().stream().filter(e -> e.from().equals(ledger.contract())).toList())
                .stream().filter(e -> e instanceof EscrowEvent.TaskSettled).count()).isEqualTo(50);
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
                "TaskCreated", "TaskCompleted", "FeeCollected", "TaskSettled", "TaskCompleted", "TaskSettled",
                "TaskCreated", "TaskCancelled");
        assertThat(all).extracting(EscrowEvent::cursor).isSorted().doesNotHaveDuplicates();
        EscrowEvent.TaskCreated created = (EscrowEvent.TaskCreated) all.get(2);
        assertThat(created.taskId()).isEqualTo(b.escrowId());
        assertThat(created.creator()).isEqualTo(DEMANDER);
        assertThat(created.amount()).isEqualTo(units(4_400));
        assertThat(created.baseReward()).isEqualTo(units(2_000));
        assertThat(created.requiredTier()).isEqualTo(Tier.PRO);
        EscrowEvent.TaskCompleted completed = (EscrowEvent.TaskCompleted) all.get(3);
        assertThat(completed.taskId()).isEqualTo(a.escrowId());
        assertThat(completed.provider()).isEqualTo(PROVIDER);
        assertThat(completed.resultHash()).isEqualTo(Felt.of(1));
        EscrowEvent.FeeCollected fee = (EscrowEvent.FeeCollected) all.get(4);
        assertThat(List.of(fee.treasuryFee(), fee.gasSubsidy(), fee.providerBase())).containsExactly(units(120), units(30),
                units(850));
        EscrowEvent.TaskSettled flatSettled = (EscrowEvent.TaskSettled) all.get(5);
        assertThat(flatSettled.taskId()).isEqualTo(a.escrowId());
        assertThat(flatSettled.providerAmount()).isEqualTo(units(880));
        assertThat(flatSettled.treasuryAmount()).isEqualTo(units(120));
        EscrowEvent.TaskSettled effortSettled = (EscrowEvent.TaskSettled) all.get(7);
        assertThat(effortSettled.taskId()).isEqualTo(b.escrowId());
        assertThat(effortSettled.providerAmount()).isEqualTo(units(88));
        assertThat(effortSettled.treasuryAmount()).isEqualTo(units(12));
        assertThat(effortSettled.refund()).isEqualTo(units(4_300));
        assertThat(flatSettled.cursor().block()).isEqualTo(effortSettled.cursor().block());
        EscrowEvent.TaskCancelled cancelled = (EscrowEvent.TaskCancelled) all.get(9);
        assertThat(cancelled.taskId()).isEqualTo(c.escrowId());
        // the refund and the creator come from get_task: a cancel changes only the status
        EscrowTask gone = as(RELAYER).getTask(cancelled.taskId()).orElseThrow();
        assertThat(gone.creator()).isEqualTo(OTHER_DEMANDER);
        assertThat(gone.amount()).isEqualTo(units(3_000));
        assertThat(gone.status()).isEqualTo(EscrowStatus.CANCELLED);

        // resuming from the middle repeats nothing, even between a FeeCollected and its PayoutReleased
        EventPage rest = as(RELAYER).events(all.get(4).cursor(), 100);
        assertThat(rest.events()).containsExactlyElementsOf(all.subList(5, all.size()));
    }

    @Test
    void eventsPageThroughABlockWithMoreEventsThanOneReadTakes() {
        registerProvider(PROVIDER, PROVIDER_KEY);
        List<Settlement> batch = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            CreatedTask t = create(DEMANDER, units(1_000 + i), Tier.BASIC);
            batch.add(flat(t.escrowId(), PROVIDER, Felt.of(i), PROVIDER_KEY));
        }
        as(RELAYER).settleBatch(batch); // 270 contract events in one block (TaskCompleted, FeeCollected, PayoutReleased)

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

        assertThat(all).hasSize(1 + 90 + 3 * 90);
        assertThat(as(RELAYER).eventsAfter(EventCursor.START)).isEqualTo(all);
        assertThat(as(RELAYER).eventsAfter(all.get(99).cursor())).isEqualTo(all.subList(100, all.size()));
        assertThat(all).extracting(EscrowEvent::cursor).isSorted().doesNotHaveDuplicates();
        List<U256> settled = all.stream().filter(e -> e instanceof EscrowEvent.TaskSettled)
                .map(e -> ((EscrowEvent.TaskSettled) e).taskId()).toList();
        assertThat(settled).containsExactlyElementsOf(batch.stream().map(Settlement::taskId).toList());
    }

    // ------------------------------------------------------------------ ported from the contract's own tests
    // (tests/test_smainer.cairo, test_signature_verification.cairo, test_security_mainnet_gates.cairo); calls the
    // Escrow interface has no method for go to the chain's state directly, as the contract's owner would send them

    /** Raw calldata, through the implementation's {@link EscrowAdmin#execute}. */
    private TxResult send(ContractAddress caller, String entryPoint, List<Felt> calldata) {
        return admin(caller).execute(List.of(ContractCall.of(ledger.contract(), entryPoint, calldata)));
    }

    /** The SDK events of one transaction, as the implementation reads them ({@link Escrow#events}). */
    private List<EscrowEvent> eventsOf(TxResult tx) {
        return eventsOf(tx.hash());
    }

    private List<EscrowEvent> eventsOf(Felt txHash) {
        return as(RELAYER).eventsAfter(EventCursor.START).stream().filter(e -> e.txHash().equals(txHash)).toList();
    }

    @Test
    void aFreshDeploymentHasNoRelayerUntilTheOwnerSetsOne() { // constructor(owner, treasury)
        Ledger fresh = Ledger.builder().owner(OWNER).treasury(TREASURY).withoutRelayer().crypto(CRYPTO).build();
        try (Network chain = open(fresh)) {
            Escrow relayer = chain.connect(RELAYER, accountKey(RELAYER));
            EscrowAdmin owner = chain.admin(chain.connect(OWNER, accountKey(OWNER)));
            EscrowAdmin notOwner = chain.admin(relayer);
            try {
                assertThat(owner.relayer()).isEqualTo(ContractAddress.ZERO);
                assertThat(owner.treasury()).isEqualTo(TREASURY);
                assertThat(owner.owner()).isEqualTo(OWNER);
                Settlement.Effort e = effort(U256.of(1), PROVIDER, Felt.of(1), units(1), 10_000, PROVIDER_KEY);
                Settlement.Flat f = flat(U256.of(1), PROVIDER, Felt.of(1), PROVIDER_KEY);
                assertReverts(() -> relayer.settle(e), EscrowRevertedException.NO_RELAYER_SET);
                assertReverts(() -> relayer.settle(f), EscrowRevertedException.UNAUTHORIZED_RELAYER);
                assertReverts(() -> owner.setRelayer(ContractAddress.ZERO), EscrowRevertedException.INVALID_RELAYER_ADDRESS);
                assertReverts(() -> notOwner.setRelayer(RELAYER), EscrowRevertedException.NOT_OWNER);
                TxResult set = owner.setRelayer(RELAYER);
                assertThat(notOwner.relayer()).isEqualTo(RELAYER);
                assertThat(fresh.transaction(set.hash()).orElseThrow().events()).singleElement().satisfies(ev -> {
                    assertThat(ev.keys()).containsExactly(Abi.selector("RelayerSet"));
                    assertThat(ev.data()).containsExactly(Felt.ZERO, RELAYER.felt());
                });
            } finally {
                relayer.close();
            }
        }
    }

    @Test
    void theOwnerSetsTheTreasuryAndEachChangeIsAnEvent() {
        assertReverts(() -> send(OWNER, Abi.SET_TREASURY, List.of(Felt.ZERO)), EscrowRevertedException.INVALID_TREASURY_ADDRESS);
        assertReverts(() -> send(DEMANDER, Abi.SET_TREASURY, List.of(AFFILIATE.felt())), EscrowRevertedException.NOT_OWNER);
        TxResult tx = send(OWNER, Abi.SET_TREASURY, List.of(AFFILIATE.felt()));
        assertThat(eventsOf(tx)).singleElement().isInstanceOfSatisfying(EscrowEvent.TreasurySet.class, e -> {
            assertThat(e.oldTreasury()).isEqualTo(TREASURY);
            assertThat(e.newTreasury()).isEqualTo(AFFILIATE);
        });
        assertThat(admin(OTHER_DEMANDER).treasury()).isEqualTo(AFFILIATE);
        TxResult relayer = send(OWNER, Abi.SET_RELAYER, List.of(OTHER_PROVIDER.felt()));
        assertThat(eventsOf(relayer)).singleElement().isEqualTo(new EscrowEvent.RelayerSet(eventsOf(relayer).get(0).cursor(),
                relayer.hash(), RELAYER, OTHER_PROVIDER));
        TxResult mult = admin(OWNER).setTierMultipliers(BasisPoints.of(10_000),
                BasisPoints.of(20_000), BasisPoints.of(30_000));
        assertThat(eventsOf(mult)).singleElement().isInstanceOfSatisfying(EscrowEvent.TierMultipliersSet.class,
                e -> assertThat(List.of(e.basic(), e.pro(), e.premium())).containsExactly(BasisPoints.of(10_000),
                        BasisPoints.of(20_000), BasisPoints.of(30_000)));
    }

    @Test
    void ownershipTransfersAndRenouncesAsOpenZeppelinDoes() {
        // the zero check comes first, even for a caller who is not the owner
        assertReverts(() -> send(DEMANDER, Abi.TRANSFER_OWNERSHIP, List.of(Felt.ZERO)), EscrowRevertedException.NEW_OWNER_IS_ZERO);
        assertReverts(() -> send(DEMANDER, Abi.TRANSFER_OWNERSHIP, List.of(DEMANDER.felt())), EscrowRevertedException.NOT_OWNER);
        TxResult moved = admin(OWNER).transferOwnership(DEMANDER);
        assertThat(eventsOf(moved)).singleElement().isInstanceOfSatisfying(EscrowEvent.OwnershipTransferred.class, e -> {
            assertThat(e.previousOwner()).isEqualTo(OWNER);
            assertThat(e.newOwner()).isEqualTo(DEMANDER);
        });
        assertThat(ledger.transaction(moved.hash()).orElseThrow().events().get(0).keys()).hasSize(3); // #[flat]: the inner variant's selector, then two keys
        assertThat(admin(OTHER_DEMANDER).owner()).isEqualTo(DEMANDER);
        assertReverts(() -> admin(OWNER).pause(), EscrowRevertedException.NOT_OWNER);
        admin(DEMANDER).pause();
        admin(DEMANDER).unpause();
        TxResult renounced = admin(DEMANDER).renounceOwnership();
        assertThat(eventsOf(renounced)).singleElement().isInstanceOfSatisfying(EscrowEvent.OwnershipTransferred.class,
                e -> assertThat(e.newOwner()).isEqualTo(ContractAddress.ZERO));
        assertThat(ledger.owner()).isEqualTo(ContractAddress.ZERO);
        assertReverts(() -> admin(DEMANDER).pause(), EscrowRevertedException.NOT_OWNER);
    }

    @Test
    void pauseAndUnpauseNameWhoDidIt() {
        TxResult paused = admin(OWNER).pause();
        assertThat(eventsOf(paused)).singleElement().isInstanceOfSatisfying(EscrowEvent.Paused.class,
                e -> assertThat(e.account()).isEqualTo(OWNER));
        TxResult unpaused = admin(OWNER).unpause();
        assertThat(eventsOf(unpaused)).singleElement().isInstanceOfSatisfying(EscrowEvent.Unpaused.class,
                e -> assertThat(e.account()).isEqualTo(OWNER));
    }

    @Test
    void upgradeRefusesTheZeroClassAndAnnouncesTheNewOne() {
        assertReverts(() -> send(OWNER, Abi.UPGRADE, List.of(Felt.ZERO)), EscrowRevertedException.CLASS_HASH_ZERO);
        assertReverts(() -> send(DEMANDER, Abi.UPGRADE, List.of(Felt.of(0xc1a55))), EscrowRevertedException.NOT_OWNER);
        TxResult tx = send(OWNER, Abi.UPGRADE, List.of(Felt.of(0xc1a55)));
        assertThat(eventsOf(tx)).singleElement().isInstanceOfSatisfying(EscrowEvent.Upgraded.class,
                e -> assertThat(e.classHash()).isEqualTo(Felt.of(0xc1a55)));
    }

    @Test
    void nodeLifecycleEventsNameTheNode() {
        as(PROVIDER).registerNode();
        TxResult deactivated = as(PROVIDER).deactivateNode();
        assertThat(eventsOf(deactivated)).singleElement()
                .isInstanceOfSatisfying(EscrowEvent.NodeDeactivated.class, e -> assertThat(e.node()).isEqualTo(PROVIDER));
        as(PROVIDER).registerNode();
        TxResult suspended = admin(OWNER).suspendNode(PROVIDER);
        assertThat(eventsOf(suspended)).singleElement()
                .isInstanceOfSatisfying(EscrowEvent.NodeSuspended.class, e -> assertThat(e.node()).isEqualTo(PROVIDER));
    }

    @Test
    void createTaskChecksItsArgumentsInTheContractsOrder() { // smainer.cairo 377-396
        assertReverts(() -> send(DEMANDER, Abi.CREATE_TIERED_TASK, Calldata.builder().address(ContractAddress.ZERO)
                .u256(U256.ZERO).u8(9).felt(Felt.ONE).build()), EscrowRevertedException.AMOUNT_MUST_BE_POSITIVE);
        assertReverts(() -> send(DEMANDER, Abi.CREATE_TIERED_TASK, Calldata.builder().address(ContractAddress.ZERO)
                .u256(U256.of(1)).u8(9).felt(Felt.ONE).build()), EscrowRevertedException.INVALID_TOKEN_ADDRESS);
        assertReverts(() -> send(DEMANDER, Abi.CREATE_TIERED_TASK, Calldata.builder().address(ledger.token())
                .u256(U256.of(1)).u8(4).felt(Felt.ONE).build()), EscrowRevertedException.INVALID_TIER);
        assertReverts(() -> send(DEMANDER, Abi.CREATE_TIERED_TASK, Calldata.builder().address(ledger.token())
                .u256(U256.of(1)).u8(0).felt(Felt.ONE).build()), EscrowRevertedException.INVALID_TIER);
        BigInteger tooBig = BigInteger.ONE.shiftLeft(255).divide(BigInteger.valueOf(22_000)).add(BigInteger.ONE);
        assertReverts(() -> send(DEMANDER, Abi.CREATE_TIERED_TASK, Calldata.builder().address(ledger.token())
                .u256(U256.of(tooBig)).u8(2).felt(Felt.ONE).build()), EscrowRevertedException.TIER_CALCULATION_OVERFLOW);
        // create_task is create_tiered_task at BASIC
        admin(DEMANDER).execute(List.of(ContractCall.of(ledger.token(), Abi.APPROVE,
                Calldata.builder().address(ledger.contract()).u256(U256.of(5)).build())));
        send(DEMANDER, Abi.CREATE_TASK, Calldata.builder().address(ledger.token()).u256(U256.of(5)).felt(Felt.of(9)).build());
        assertThat(as(DEMANDER).getTask(U256.of(1)).orElseThrow().requiredTier()).isEqualTo(Tier.BASIC);
    }

    @Test
    void theFeeViewsAndTheTierBoundsAreTheContracts() {
        EscrowAdmin anyone = admin(DEMANDER);
        assertThat(anyone.feePercent()).isEqualTo(15);
        assertThat(anyone.gasSubsidyPercent()).isEqualTo(3);
        assertThat(anyone.call(ContractCall.of(ledger.contract(), Abi.GET_FEE_PERCENT, List.of())))
                .containsExactly(Felt.of(15), Felt.ZERO);
        assertThatThrownBy(() -> anyone.call(ContractCall.of(ledger.contract(), Abi.GET_TIER_MULTIPLIER, List.of(Felt.of(4)))))
                .isInstanceOfSatisfying(EscrowRevertedException.class,
                        e -> assertThat(e.reason()).isEqualTo(EscrowRevertedException.INVALID_TIER));
        assertThat(anyone.treasury()).isEqualTo(TREASURY);
        assertThat(anyone.relayer()).isEqualTo(RELAYER);
        assertThat(anyone.owner()).isEqualTo(OWNER);
    }

    @Test
    void pullAndExecutePaysTheTreasuryUpFrontAndEscrowsTheRest() { // smainer.cairo 436-504
        admin(DEMANDER).execute(List.of(ContractCall.of(ledger.token(), Abi.APPROVE,
                Calldata.builder().address(ledger.contract()).u256(U256.of(1_000)).build())));
        List<Felt> args = Calldata.builder().address(DEMANDER).address(ledger.token()).u256(U256.of(1_000)).felt(Felt.of(42))
                .build();
        assertReverts(() -> send(DEMANDER, Abi.PULL_AND_EXECUTE, args), EscrowRevertedException.UNAUTHORIZED_RELAYER);
        assertReverts(() -> send(RELAYER, Abi.PULL_AND_EXECUTE, Calldata.builder().address(DEMANDER).address(ledger.token())
                .u256(U256.ZERO).felt(Felt.of(42)).build()), EscrowRevertedException.AMOUNT_MUST_BE_POSITIVE);
        assertReverts(() -> send(RELAYER, Abi.PULL_AND_EXECUTE, Calldata.builder().address(DEMANDER)
                .address(ContractAddress.ZERO).u256(U256.of(1)).felt(Felt.of(42)).build()),
                EscrowRevertedException.INVALID_TOKEN_ADDRESS);
        assertReverts(() -> send(RELAYER, Abi.PULL_AND_EXECUTE, Calldata.builder().address(ContractAddress.ZERO)
                .address(ledger.token()).u256(U256.of(1)).felt(Felt.of(42)).build()), EscrowRevertedException.INVALID_USER_ADDRESS);

        EscrowEvent.TaskExecuted executed = admin(RELAYER).pullAndExecute(DEMANDER, ledger.token(), units(1_000), Felt.of(42));

        assertThat(balance(TREASURY)).isEqualTo(units(120));
        assertThat(balance(ledger.contract())).isEqualTo(units(880));
        assertThat(eventsOf(executed.txHash())).singleElement().isEqualTo(executed);
        assertThat(executed).satisfies(e -> {
            assertThat(e.taskId()).isEqualTo(U256.of(1));
            assertThat(e.creator()).isEqualTo(DEMANDER);
            assertThat(e.amount()).isEqualTo(units(1_000));
            assertThat(e.escrowed()).isEqualTo(units(880));
            assertThat(e.treasuryFee()).isEqualTo(units(120));
            assertThat(e.promptHash()).isEqualTo(Felt.of(42));
        });
        EscrowTask task = as(DEMANDER).getTask(U256.of(1)).orElseThrow();
        assertThat(task.amount()).isEqualTo(units(880));
        assertThat(task.tierMultiplier()).isEqualTo(BasisPoints.of(10_000));
        // a flat settlement then takes 12% again: treasury 120 + 105, provider 775
        registerProvider(PROVIDER, PROVIDER_KEY);
        as(RELAYER).settle(flat(U256.of(1), PROVIDER, Felt.of(1), PROVIDER_KEY));
        assertThat(balance(TREASURY)).isEqualTo(units(225));
        assertThat(balance(PROVIDER)).isEqualTo(units(775));
    }

    @Test
    void aFlatSettlementEmitsTheRealEventsInTheRealOrder() { // smainer.cairo 649-668
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        TxResult done = as(RELAYER).settle(flat(t.escrowId(), PROVIDER, Felt.of(77), PROVIDER_KEY));
        List<ChainEvent> raw = ledger.transaction(done.hash()).orElseThrow().events();
        // token transfers first (provider, then treasury), then the contract's three events
        assertThat(raw).extracting(e -> e.from()).containsExactly(ledger.token(), ledger.token(), ledger.contract(),
                ledger.contract(), ledger.contract());
        assertThat(raw.get(0).keys()).containsExactly(Abi.selector("Transfer"), ledger.contract().felt(), PROVIDER.felt());
        assertThat(raw.get(1).keys()).containsExactly(Abi.selector("Transfer"), ledger.contract().felt(), TREASURY.felt());
        assertThat(raw.get(2).keys()).containsExactly(Abi.selector("TaskCompleted"), Felt.of(1), Felt.ZERO, PROVIDER.felt());
        assertThat(raw.get(2).data()).containsExactly(Felt.of(77));
        assertThat(raw.get(3).keys()).containsExactly(Abi.selector("FeeCollected"), Felt.of(1), Felt.ZERO);
        assertThat(raw.get(3).data()).containsExactly(Felt.of(120), Felt.ZERO, Felt.of(30), Felt.ZERO, Felt.of(850),
                Felt.ZERO);
        assertThat(raw.get(4).keys()).containsExactly(Abi.selector("PayoutReleased"), Felt.of(1), Felt.ZERO, PROVIDER.felt());
        assertThat(raw.get(4).data()).containsExactly(Felt.of(880), Felt.ZERO, ledger.token().felt());
    }

    @Test
    void anEffortSettlementWithNothingToRefundMakesNoRefundTransfer() { // smainer.cairo 782-785
        registerProvider(PROVIDER, PROVIDER_KEY);
        CreatedTask t = create(DEMANDER, units(1_000), Tier.BASIC);
        TxResult done = as(RELAYER).settle(effort(t.escrowId(), PROVIDER, Felt.of(1), units(1_000), 10_000, PROVIDER_KEY));
        List<ChainEvent> raw = ledger.transaction(done.hash()).orElseThrow().events();
        assertThat(raw).extracting(e -> e.keys().get(0)).containsExactly(Abi.selector("Transfer"), Abi.selector("Transfer"),
                Abi.selector("TaskCompleted"), Abi.selector("EffortSettlement"));
    }

    @Test
    void aSignatureForAnotherTaskOrProviderIsInvalid() { // test_signature_verification.cairo
        registerProvider(PROVIDER, PROVIDER_KEY);
        registerProvider(OTHER_PROVIDER, FORGER_KEY);
        CreatedTask a = create(DEMANDER, units(1_000), Tier.BASIC);
        CreatedTask b = create(DEMANDER, units(1_000), Tier.BASIC);
        Settlement.Flat forA = flat(a.escrowId(), PROVIDER, Felt.of(1), PROVIDER_KEY);
        assertReverts(() -> as(RELAYER).settle(new Settlement.Flat(b.escrowId(), PROVIDER, Felt.of(1), forA.signature())),
                EscrowRevertedException.INVALID_SIGNATURE);
        assertReverts(() -> as(RELAYER).settle(new Settlement.Flat(a.escrowId(), OTHER_PROVIDER, Felt.of(1), forA.signature())),
                EscrowRevertedException.INVALID_SIGNATURE);
        // an effort signature is not a flat one, though it covers the same task
        Settlement.Effort e = effort(a.escrowId(), PROVIDER, Felt.of(1), units(1_000), 10_000, PROVIDER_KEY);
        assertReverts(() -> as(RELAYER).settle(new Settlement.Flat(a.escrowId(), PROVIDER, Felt.of(1), e.signature())),
                EscrowRevertedException.INVALID_SIGNATURE);
        as(RELAYER).settle(forA);
        assertThat(balance(PROVIDER)).isEqualTo(units(880));
    }

    /** Decodes a raw contract event for assertions. */
    static final class EscrowEventsView {
        private EscrowEventsView() {
        }

        static List<EscrowEvent> decode(List<ChainEvent> events) {
            return EscrowEvents.decode(events);
        }
    }
}
