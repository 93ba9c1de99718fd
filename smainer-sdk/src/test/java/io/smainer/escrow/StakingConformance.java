package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.StarkCrypto;
import io.smainer.testing.MutableClock;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The staking conformance suite: {@code SmainerStakingContract}'s rules, amounts, events and revert reasons,
 * the same for every {@link Staking} implementation. The scenarios of the real repository's
 * {@code tests/test_staking.cairo} are here (named after them), with the rest of the source's rules: check
 * order, the appeal pause and reset, the rounding of the 80/20 split, the window that starts at 0 on a young
 * chain, the relayer's counts, the owner's setters.
 *
 * <p>A subclass says how to reach the {@link Ledger} (directly, or through the JSON-RPC test node); the
 * ledger's clock is moved by hand between transactions. Shipped in smainer-sdk's test-jar.
 */
public abstract class StakingConformance {
    /** A way of reaching one ledger as several accounts. */
    protected interface Network extends AutoCloseable {
        /**
         * @param account the account's address
         * @param accountKey its private key (signs its transactions where that applies)
         * @return a staking client acting for the account
         */
        Staking connect(ContractAddress account, Felt accountKey);

        @Override
        void close();
    }

    /**
     * @param ledger the chain state, with the staking contract deployed
     * @return a network over it
     */
    protected abstract Network open(Ledger ledger);

    protected static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    protected static final ContractAddress OWNER = ContractAddress.of(0x0b11);
    protected static final ContractAddress RELAYER = ContractAddress.of(0x0b12);
    protected static final ContractAddress TREASURY = ContractAddress.of(0x0b13);
    protected static final ContractAddress VERIFIER = ContractAddress.of(0x0b14);
    protected static final ContractAddress PROVIDER = ContractAddress.of(0x0b15);
    protected static final ContractAddress OTHER_PROVIDER = ContractAddress.of(0x0b16);
    protected static final ContractAddress RANDO = ContractAddress.of(0x0b17);
    protected static final ContractAddress STAKING = ContractAddress.of(0x5a4e);
    /** 10 STRK, as the Cairo tests deploy it. */
    protected static final TokenAmount MIN_STAKE = TokenAmount.parseStrk("10 STRK");
    /** 100 STRK, the Cairo tests' usual stake. */
    protected static final TokenAmount STAKE = TokenAmount.parseStrk("100 STRK");
    protected static final TokenAmount FUNDS = TokenAmount.parseStrk("1000 STRK");
    protected static final Duration LOCKUP = Duration.ofSeconds(604_800);
    protected static final Duration APPEAL_WINDOW = Duration.ofSeconds(604_800);
    protected static final Duration COOLDOWN = Duration.ofSeconds(86_400);
    protected static final Duration WINDOW = Duration.ofSeconds(7_776_000);
    protected static final Duration ONE_SECOND = Duration.ofSeconds(1);
    protected static final Felt REASON = Felt.fromShortString("reason");

    protected MutableClock clock;
    protected Ledger ledger;
    protected Network network;
    private final Map<ContractAddress, Staking> clients = new HashMap<>();

    @BeforeEach
    void openNetwork() {
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).clock(clock).crypto(CRYPTO)
                .staking(STAKING, VERIFIER, MIN_STAKE).build();
        ledger.mint(PROVIDER, FUNDS);
        ledger.mint(OTHER_PROVIDER, FUNDS);
        network = open(ledger);
    }

    @AfterEach
    void closeNetwork() {
        clients.values().forEach(Staking::close);
        clients.clear();
        network.close();
    }

    /** @return the account key of an address in this suite */
    protected static Felt accountKey(ContractAddress a) {
        return Felt.of(a.felt().value().add(BigInteger.valueOf(0x2000_0000L)));
    }

    protected Staking as(ContractAddress account) {
        return clients.computeIfAbsent(account, a -> network.connect(a, accountKey(a)));
    }

    protected static AbstractThrowableAssert<?, ? extends Throwable> reverts(Runnable call, String reason) {
        return assertThatThrownBy(call::run).isInstanceOf(EscrowRevertedException.class)
                .satisfies(e -> assertThat(((EscrowRevertedException) e).reason()).isEqualTo(reason));
    }

    protected static TokenAmount units(BigInteger n) {
        return TokenAmount.ofBaseUnits(n);
    }

    protected static TokenAmount percentOf(TokenAmount a, int percent) {
        return units(a.baseUnits().multiply(BigInteger.valueOf(percent)).divide(BigInteger.valueOf(100)));
    }

    private void slashAndExecute() {
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        clock.advance(APPEAL_WINDOW.plus(ONE_SECOND));
        as(RANDO).executeSlash(PROVIDER);
    }

    private List<StakingEvent> eventsOf(TxResult tx) {
        return as(RANDO).eventsAfter(EventCursor.START).stream()
                .filter(e -> e.txHash().equals(tx.hash())).toList();
    }

    // ------------------------------------------------------------------ deposits (test_staking 1, 2)

    @Test
    void depositStakeSuccessRecordsTheStakeMovesTheTokensAndEmitsStakeDeposited() {
        TxResult tx = as(PROVIDER).depositStake(STAKE);
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(STAKE);
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(FUNDS.minus(STAKE));
        assertThat(ledger.balanceOf(STAKING)).isEqualTo(STAKE);
        assertThat(eventsOf(tx)).singleElement().isInstanceOfSatisfying(StakingEvent.StakeDeposited.class, e -> {
            assertThat(e.provider()).isEqualTo(PROVIDER);
            assertThat(e.amount()).isEqualTo(STAKE);
            assertThat(e.totalStake()).isEqualTo(STAKE);
        });
        TxResult topUp = as(PROVIDER).depositStake(TokenAmount.ofBaseUnits(1));
        assertThat(eventsOf(topUp)).singleElement().isInstanceOfSatisfying(StakingEvent.StakeDeposited.class,
                e -> assertThat(e.totalStake()).isEqualTo(STAKE.plus(TokenAmount.ofBaseUnits(1))));
    }

    @Test
    void depositStakeBelowMinReverts() {
        reverts(() -> as(PROVIDER).depositStake(TokenAmount.ofBaseUnits(1)), StakingReverts.BELOW_MINIMUM_STAKE);
        reverts(() -> as(PROVIDER).depositStake(TokenAmount.ZERO), StakingReverts.AMOUNT_MUST_BE_POSITIVE);
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(TokenAmount.ZERO);
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(FUNDS);
    }

    @Test
    void aDepositAboveTheBalanceRevertsWithTheTokensReasonAndTheApprovalInTheSameMulticallIsUndone() {
        reverts(() -> as(PROVIDER).depositStake(FUNDS.plus(TokenAmount.ONE_STRK)), EscrowRevertedException.INSUFFICIENT_BALANCE);
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(TokenAmount.ZERO);
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(FUNDS);
        assertThat(as(RANDO).eventsAfter(EventCursor.START)).isEmpty();
    }

    @Test
    void aTopUpBelowTheMinimumIsAcceptedOnceTheTotalReachesIt() {
        as(PROVIDER).depositStake(MIN_STAKE);
        as(PROVIDER).depositStake(TokenAmount.ofBaseUnits(7));
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(MIN_STAKE.plus(TokenAmount.ofBaseUnits(7)));
    }

    // ------------------------------------------------------------------ unstaking (test_staking 3, 4, 4b)

    @Test
    void requestUnstakeWithActiveTasksReverts() {
        as(PROVIDER).depositStake(STAKE);
        as(RELAYER).incrementActiveTasks(PROVIDER);
        as(RELAYER).incrementActiveTasks(PROVIDER);
        reverts(() -> as(PROVIDER).requestUnstake(), StakingReverts.ACTIVE_TASKS_PENDING);
        as(RELAYER).decrementActiveTasks(PROVIDER);
        reverts(() -> as(PROVIDER).requestUnstake(), StakingReverts.ACTIVE_TASKS_PENDING);
        as(RELAYER).decrementActiveTasks(PROVIDER);
        as(PROVIDER).requestUnstake();
    }

    @Test
    void sevenDayLockup() {
        as(PROVIDER).depositStake(STAKE);
        Instant requested = clock.instant();
        TxResult tx = as(PROVIDER).requestUnstake();
        assertThat(eventsOf(tx)).singleElement().isInstanceOfSatisfying(StakingEvent.StakeWithdrawalRequested.class,
                e -> assertThat(e.unlockAt()).isEqualTo(requested.plus(LOCKUP)));
        clock.advance(LOCKUP.minus(ONE_SECOND));
        assertThat(as(RANDO).canUnstake(PROVIDER)).isFalse();
        reverts(() -> as(PROVIDER).withdrawStake(), StakingReverts.LOCKUP_NOT_OVER);
        clock.advance(ONE_SECOND);
        assertThat(as(RANDO).canUnstake(PROVIDER)).isTrue();
        TxResult out = as(PROVIDER).withdrawStake();
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(TokenAmount.ZERO);
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(FUNDS);
        assertThat(as(RANDO).canUnstake(PROVIDER)).isFalse();
        assertThat(eventsOf(out)).singleElement().isInstanceOfSatisfying(StakingEvent.StakeWithdrawn.class,
                e -> assertThat(e.amount()).isEqualTo(STAKE));
    }

    @Test
    void withdrawStakeTooEarlyPanics() {
        as(PROVIDER).depositStake(STAKE);
        as(PROVIDER).requestUnstake();
        reverts(() -> as(PROVIDER).withdrawStake(), StakingReverts.LOCKUP_NOT_OVER);
    }

    @Test
    void unstakingWithoutARequestOrWithoutAStakeIsRefusedInTheContractsOrder() {
        reverts(() -> as(PROVIDER).withdrawStake(), StakingReverts.NO_WITHDRAWAL_REQUESTED);
        reverts(() -> as(PROVIDER).requestUnstake(), StakingReverts.NO_STAKE_TO_WITHDRAW);
        as(RELAYER).incrementActiveTasks(PROVIDER);
        reverts(() -> as(PROVIDER).requestUnstake(), StakingReverts.ACTIVE_TASKS_PENDING); // checked before the stake
    }

    @Test
    void aNewDepositCancelsAPendingWithdrawal() {
        as(PROVIDER).depositStake(STAKE);
        as(PROVIDER).requestUnstake();
        clock.advance(LOCKUP);
        assertThat(as(RANDO).canUnstake(PROVIDER)).isTrue();
        as(PROVIDER).depositStake(MIN_STAKE);
        assertThat(as(RANDO).canUnstake(PROVIDER)).isFalse();
        reverts(() -> as(PROVIDER).withdrawStake(), StakingReverts.NO_WITHDRAWAL_REQUESTED);
    }

    // ------------------------------------------------------------------ slashes (test_staking 5 to 10b, 13)

    @Test
    void slash20PercentFirstOffense() {
        as(PROVIDER).depositStake(STAKE);
        Instant at = clock.instant();
        TxResult init = as(VERIFIER).initiateSlash(PROVIDER, REASON);
        assertThat(eventsOf(init)).singleElement().isInstanceOfSatisfying(StakingEvent.SlashInitiated.class, e -> {
            assertThat(e.percent()).isEqualTo(20);
            assertThat(e.reasonHash()).isEqualTo(REASON);
            assertThat(e.appealDeadline()).isEqualTo(at.plus(APPEAL_WINDOW));
        });
        clock.advance(LOCKUP.plus(ONE_SECOND));
        TxResult exec = as(RANDO).executeSlash(PROVIDER);
        TokenAmount slash = percentOf(STAKE, 20);
        TokenAmount toTreasury = percentOf(slash, 80);
        TokenAmount toVerifier = slash.minus(toTreasury);
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(STAKE.minus(slash));
        assertThat(ledger.balanceOf(TREASURY)).isEqualTo(toTreasury);
        assertThat(ledger.balanceOf(VERIFIER)).isEqualTo(toVerifier);
        assertThat(ledger.balanceOf(RANDO)).isEqualTo(TokenAmount.ZERO);
        assertThat(ledger.balanceOf(STAKING)).isEqualTo(STAKE.minus(slash));
        assertThat(as(RANDO).slashCount(PROVIDER)).isEqualTo(1);
        assertThat(eventsOf(exec)).singleElement().isInstanceOfSatisfying(StakingEvent.SlashExecuted.class, e -> {
            assertThat(e.slashAmount()).isEqualTo(slash);
            assertThat(e.treasuryShare()).isEqualTo(toTreasury);
            assertThat(e.verifierShare()).isEqualTo(toVerifier);
        });
    }

    @Test
    void slash50PercentSecondOffenseAnd100PercentThirdOffense() {
        as(PROVIDER).depositStake(STAKE);
        slashAndExecute();
        TokenAmount afterFirst = as(RANDO).stake(PROVIDER);
        assertThat(afterFirst).isEqualTo(STAKE.minus(percentOf(STAKE, 20)));
        clock.advance(COOLDOWN.plus(ONE_SECOND));
        slashAndExecute();
        TokenAmount afterSecond = as(RANDO).stake(PROVIDER);
        assertThat(afterSecond).isEqualTo(afterFirst.minus(percentOf(afterFirst, 50)));
        assertThat(as(RANDO).slashCount(PROVIDER)).isEqualTo(2);
        clock.advance(COOLDOWN.plus(ONE_SECOND));
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        assertThat(as(RANDO).activeSlash(PROVIDER)).get().extracting(ActiveSlash::percent).isEqualTo(100);
        clock.advance(APPEAL_WINDOW.plus(ONE_SECOND));
        as(RANDO).executeSlash(PROVIDER);
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(TokenAmount.ZERO);
        assertThat(as(RANDO).slashCount(PROVIDER)).isEqualTo(3);
        assertThat(ledger.balanceOf(TREASURY).plus(ledger.balanceOf(VERIFIER))).isEqualTo(STAKE);
        assertThat(ledger.balanceOf(STAKING)).isEqualTo(TokenAmount.ZERO);
        // nothing left to slash
        clock.advance(COOLDOWN);
        reverts(() -> as(VERIFIER).initiateSlash(PROVIDER, REASON), StakingReverts.PROVIDER_HAS_NO_STAKE);
    }

    @Test
    void slashSplit8020WithTheRoundingDustToTheVerifier() {
        // stake 10 STRK + 7: slash = floor(x * 20 / 100) = 2 STRK + 1; treasury = floor(slash * 80 / 100)
        TokenAmount odd = MIN_STAKE.plus(TokenAmount.ofBaseUnits(7));
        as(PROVIDER).depositStake(odd);
        slashAndExecute();
        BigInteger slash = odd.baseUnits().multiply(BigInteger.valueOf(20)).divide(BigInteger.valueOf(100));
        BigInteger toTreasury = slash.multiply(BigInteger.valueOf(80)).divide(BigInteger.valueOf(100));
        assertThat(slash).isEqualTo(new BigInteger("2000000000000000001"));
        assertThat(toTreasury).isEqualTo(new BigInteger("1600000000000000000"));
        assertThat(ledger.balanceOf(TREASURY)).isEqualTo(units(toTreasury));
        assertThat(ledger.balanceOf(VERIFIER)).isEqualTo(units(new BigInteger("400000000000000001")));
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(units(odd.baseUnits().subtract(slash)));
    }

    @Test
    void slashCooldown24h() {
        as(PROVIDER).depositStake(STAKE);
        slashAndExecute();
        reverts(() -> as(VERIFIER).initiateSlash(PROVIDER, REASON), StakingReverts.SLASH_COOLDOWN_ACTIVE);
        clock.advance(COOLDOWN.minus(ONE_SECOND));
        reverts(() -> as(VERIFIER).initiateSlash(PROVIDER, REASON), StakingReverts.SLASH_COOLDOWN_ACTIVE);
        clock.advance(ONE_SECOND);
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
    }

    @Test
    void appealPausesTimerAndUpheldResumesItWithAFreshWindow() {
        as(PROVIDER).depositStake(STAKE);
        Instant initiated = clock.instant();
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        clock.advance(Duration.ofDays(2));
        TxResult appeal = as(PROVIDER).appealSlash();
        assertThat(eventsOf(appeal)).singleElement().isInstanceOfSatisfying(StakingEvent.AppealSubmitted.class,
                e -> assertThat(e.slashInitiatedAt()).isEqualTo(initiated));
        assertThat(as(RANDO).activeSlash(PROVIDER)).get().satisfies(s -> {
            assertThat(s.appealPending()).isTrue();
            assertThat(s.initiatedAt()).isEqualTo(initiated);
        });
        clock.advance(Duration.ofDays(30));
        reverts(() -> as(RANDO).executeSlash(PROVIDER), StakingReverts.APPEAL_WINDOW_OPEN); // test 10b
        Instant resolved = clock.instant();
        TxResult resolution = as(OWNER).resolveAppeal(PROVIDER, true);
        assertThat(eventsOf(resolution)).singleElement().isInstanceOfSatisfying(StakingEvent.AppealResolved.class,
                e -> assertThat(e.upheld()).isTrue());
        assertThat(as(RANDO).activeSlash(PROVIDER)).get().satisfies(s -> {
            assertThat(s.appealPending()).isFalse();
            assertThat(s.appealDeadline()).isEqualTo(resolved.plus(APPEAL_WINDOW));
        });
        clock.advance(APPEAL_WINDOW.minus(ONE_SECOND));
        reverts(() -> as(RANDO).executeSlash(PROVIDER), StakingReverts.APPEAL_WINDOW_OPEN);
        clock.advance(ONE_SECOND);
        as(RANDO).executeSlash(PROVIDER);
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(STAKE.minus(percentOf(STAKE, 20)));
        assertThat(as(RANDO).activeSlash(PROVIDER)).isEmpty();
    }

    @Test
    void aProviderMayAppealAgainAfterAnUpheldAppeal() {
        as(PROVIDER).depositStake(STAKE);
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        as(PROVIDER).appealSlash();
        reverts(() -> as(PROVIDER).appealSlash(), StakingReverts.APPEAL_ALREADY_SUBMITTED);
        as(OWNER).resolveAppeal(PROVIDER, true);
        as(PROVIDER).appealSlash();
        assertThat(as(RANDO).activeSlash(PROVIDER)).get().extracting(ActiveSlash::appealPending).isEqualTo(true);
    }

    @Test
    void aRejectedSlashIsClearedAndLeavesTheStakeAndTheCount() {
        as(PROVIDER).depositStake(STAKE);
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        as(PROVIDER).appealSlash();
        as(OWNER).resolveAppeal(PROVIDER, false);
        assertThat(as(RANDO).activeSlash(PROVIDER)).isEmpty();
        clock.advance(APPEAL_WINDOW.plus(ONE_SECOND));
        reverts(() -> as(RANDO).executeSlash(PROVIDER), StakingReverts.NO_ACTIVE_SLASH);
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(STAKE);
        assertThat(as(RANDO).slashCount(PROVIDER)).isZero();
        // no cooldown either: the cooldown counts from an executed slash
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
    }

    @Test
    void theAppealAndResolutionChecksComeInTheContractsOrder() {
        as(PROVIDER).depositStake(STAKE);
        reverts(() -> as(PROVIDER).appealSlash(), StakingReverts.NO_ACTIVE_SLASH);
        reverts(() -> as(OWNER).resolveAppeal(PROVIDER, true), StakingReverts.NO_ACTIVE_SLASH);
        reverts(() -> as(RANDO).resolveAppeal(PROVIDER, true), StakingReverts.NOT_OWNER); // owner first
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        reverts(() -> as(VERIFIER).initiateSlash(PROVIDER, REASON), StakingReverts.SLASH_ALREADY_ACTIVE);
        reverts(() -> as(OWNER).resolveAppeal(PROVIDER, false), StakingReverts.NO_PENDING_APPEAL);
        reverts(() -> as(RANDO).executeSlash(PROVIDER), StakingReverts.APPEAL_WINDOW_OPEN);
        reverts(() -> as(VERIFIER).initiateSlash(OTHER_PROVIDER, REASON), StakingReverts.PROVIDER_HAS_NO_STAKE);
    }

    @Test
    void onlyTheProviderCanAppealItsSlash() {
        as(PROVIDER).depositStake(STAKE);
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        reverts(() -> as(RANDO).invoke(List.of(StakingCalls.appealSlash(STAKING, PROVIDER))),
                StakingReverts.ONLY_PROVIDER_CAN_APPEAL);
        reverts(() -> as(OTHER_PROVIDER).appealSlash(), StakingReverts.NO_ACTIVE_SLASH); // its own: none
    }

    @Test
    void theVerifierShareGoesToTheInitiatorNotToWhoeverExecutes() {
        as(PROVIDER).depositStake(STAKE);
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        as(OWNER).setAuthorizedVerifier(RANDO); // the initiator is recorded with the slash
        clock.advance(APPEAL_WINDOW);
        as(OTHER_PROVIDER).executeSlash(PROVIDER);
        TokenAmount slash = percentOf(STAKE, 20);
        assertThat(ledger.balanceOf(VERIFIER)).isEqualTo(slash.minus(percentOf(slash, 80)));
        assertThat(ledger.balanceOf(RANDO)).isEqualTo(TokenAmount.ZERO);
        assertThat(ledger.balanceOf(OTHER_PROVIDER)).isEqualTo(FUNDS);
    }

    @Test
    void aProviderCanWithdrawWhileASlashIsPendingAsTheSourceAllowsAndTheSlashThenFindsNoStake() {
        as(PROVIDER).depositStake(STAKE);
        as(PROVIDER).requestUnstake();
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        as(PROVIDER).appealSlash();
        clock.advance(LOCKUP);
        as(PROVIDER).withdrawStake();
        as(OWNER).resolveAppeal(PROVIDER, true);
        clock.advance(APPEAL_WINDOW);
        reverts(() -> as(RANDO).executeSlash(PROVIDER), StakingReverts.PROVIDER_HAS_NO_STAKE);
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(FUNDS);
    }

    @Test
    void ninetyDayWindowResetsSlashCount() {
        as(PROVIDER).depositStake(TokenAmount.parseStrk("500 STRK"));
        slashAndExecute();
        clock.advance(COOLDOWN.plus(ONE_SECOND));
        slashAndExecute();
        assertThat(as(RANDO).slashCount(PROVIDER)).isEqualTo(2);
        // the window started at the first execution: the count lasts 90 days from there
        clock.advance(WINDOW.minus(COOLDOWN).minus(APPEAL_WINDOW).plus(ONE_SECOND));
        assertThat(as(RANDO).slashCount(PROVIDER)).isZero();
        TokenAmount before = as(RANDO).stake(PROVIDER);
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        assertThat(as(RANDO).activeSlash(PROVIDER)).get().extracting(ActiveSlash::percent).isEqualTo(20);
        clock.advance(APPEAL_WINDOW.plus(ONE_SECOND));
        as(RANDO).executeSlash(PROVIDER);
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(before.minus(percentOf(before, 20)));
        assertThat(as(RANDO).slashCount(PROVIDER)).isEqualTo(1);
    }

    @Test
    void onAChainYoungerThanNinetyDaysTheWindowStartsAtZeroAsInTheCairoTests() {
        clock.set(Instant.ofEpochSecond(1_000_000)); // test_7_day_lockup's base_ts: the zero window is not expired
        as(OTHER_PROVIDER).depositStake(STAKE);
        as(VERIFIER).initiateSlash(OTHER_PROVIDER, REASON);
        clock.advance(APPEAL_WINDOW);
        as(RANDO).executeSlash(OTHER_PROVIDER);
        clock.advance(COOLDOWN);
        as(VERIFIER).initiateSlash(OTHER_PROVIDER, REASON);
        assertThat(as(RANDO).activeSlash(OTHER_PROVIDER)).get().extracting(ActiveSlash::percent).isEqualTo(50);
        clock.set(Instant.ofEpochSecond(30_000_000)); // test_slash_100_percent_third_offense's base_ts
        as(PROVIDER).depositStake(STAKE);
        slashAndExecute(); // 30,604,801 - 0 > 7,776,000: the zero window has expired and restarts now
        assertThat(as(RANDO).slashCount(PROVIDER)).isEqualTo(1);
        // OTHER_PROVIDER's window (still 0) has now expired too: its count reads 0
        assertThat(as(RANDO).slashCount(OTHER_PROVIDER)).isZero();
    }

    // ------------------------------------------------------------------ access (test_staking 11, 12)

    @Test
    void onlyRelayerCanIncrementTasksDecrementThemOrMarkThemAbandoned() {
        as(PROVIDER).depositStake(STAKE);
        reverts(() -> as(RANDO).incrementActiveTasks(PROVIDER), StakingReverts.NOT_RELAYER);
        reverts(() -> as(PROVIDER).decrementActiveTasks(PROVIDER), StakingReverts.NOT_RELAYER);
        reverts(() -> as(VERIFIER).markTaskAbandoned(PROVIDER), StakingReverts.NOT_RELAYER);
    }

    @Test
    void onlyVerifierCanInitiateSlash() {
        as(PROVIDER).depositStake(STAKE);
        reverts(() -> as(RANDO).initiateSlash(PROVIDER, REASON), StakingReverts.NOT_VERIFIER);
        reverts(() -> as(RELAYER).initiateSlash(PROVIDER, REASON), StakingReverts.NOT_VERIFIER);
        reverts(() -> as(RANDO).initiateSlash(OTHER_PROVIDER, REASON), StakingReverts.NOT_VERIFIER); // before the stake
    }

    @Test
    void markTaskAbandonedDecrementsEmitsTheRemainingStakeAndSlashesNothing() {
        as(PROVIDER).depositStake(STAKE);
        as(RELAYER).invoke(List.of(StakingCalls.incrementActiveTasks(STAKING, PROVIDER),
                StakingCalls.incrementActiveTasks(STAKING, PROVIDER)));
        TxResult tx = as(RELAYER).markTaskAbandoned(PROVIDER);
        assertThat(eventsOf(tx)).singleElement().isInstanceOfSatisfying(StakingEvent.TaskAbandoned.class, e -> {
            assertThat(e.provider()).isEqualTo(PROVIDER);
            assertThat(e.remainingStake()).isEqualTo(STAKE);
        });
        assertThat(as(RANDO).stake(PROVIDER)).isEqualTo(STAKE);
        reverts(() -> as(PROVIDER).requestUnstake(), StakingReverts.ACTIVE_TASKS_PENDING);
        as(RELAYER).markTaskAbandoned(PROVIDER);
        as(RELAYER).markTaskAbandoned(PROVIDER); // at zero: stays zero, still emits
        as(RELAYER).decrementActiveTasks(PROVIDER);
        as(PROVIDER).requestUnstake();
        assertThat(as(RANDO).eventsAfter(EventCursor.START)).filteredOn(StakingEvent.TaskAbandoned.class::isInstance)
                .hasSize(3);
    }

    @Test
    void aMulticallThatRevertsInItsLastCallUndoesTheCountsBeforeIt() {
        as(PROVIDER).depositStake(STAKE);
        reverts(() -> as(RELAYER).invoke(List.of(StakingCalls.incrementActiveTasks(STAKING, PROVIDER),
                StakingCalls.initiateSlash(STAKING, PROVIDER, REASON))), StakingReverts.NOT_VERIFIER);
        as(PROVIDER).requestUnstake(); // the increment did not stay
    }

    // ------------------------------------------------------------------ owner

    @Test
    void theOwnerSetsTheMinimumTheRelayerAndTheVerifierWithinTheContractsBounds() {
        assertThat(as(RANDO).minStake()).isEqualTo(MIN_STAKE);
        assertThat(as(RANDO).owner()).isEqualTo(OWNER);
        reverts(() -> as(RANDO).setMinStake(STAKE), StakingReverts.NOT_OWNER);
        reverts(() -> as(OWNER).setMinStake(Staking.ABSOLUTE_MIN_STAKE.minus(TokenAmount.ofBaseUnits(1))),
                StakingReverts.BELOW_ABSOLUTE_MIN_STAKE);
        as(OWNER).setMinStake(Staking.ABSOLUTE_MIN_STAKE);
        assertThat(as(RANDO).minStake()).isEqualTo(Staking.ABSOLUTE_MIN_STAKE);
        as(PROVIDER).depositStake(Staking.ABSOLUTE_MIN_STAKE);
        reverts(() -> as(OWNER).setAuthorizedRelayer(ContractAddress.ZERO), StakingReverts.RELAYER_IS_ZERO);
        reverts(() -> as(OWNER).setAuthorizedVerifier(ContractAddress.ZERO), StakingReverts.VERIFIER_IS_ZERO);
        reverts(() -> as(RELAYER).setAuthorizedRelayer(RANDO), StakingReverts.NOT_OWNER);
        as(OWNER).setAuthorizedRelayer(RANDO);
        as(RANDO).incrementActiveTasks(PROVIDER);
        reverts(() -> as(RELAYER).incrementActiveTasks(PROVIDER), StakingReverts.NOT_RELAYER);
        as(OWNER).setAuthorizedVerifier(OTHER_PROVIDER);
        as(OTHER_PROVIDER).initiateSlash(PROVIDER, REASON);
    }

    @Test
    void ownershipTransfersWithOpenZeppelinsChecksAndEvent() {
        reverts(() -> as(OWNER).transferOwnership(ContractAddress.ZERO), StakingReverts.NEW_OWNER_IS_ZERO);
        reverts(() -> as(RANDO).transferOwnership(ContractAddress.ZERO), StakingReverts.NEW_OWNER_IS_ZERO); // zero first
        reverts(() -> as(RANDO).transferOwnership(RANDO), StakingReverts.NOT_OWNER);
        TxResult tx = as(OWNER).transferOwnership(RANDO);
        assertThat(eventsOf(tx)).singleElement().isInstanceOfSatisfying(StakingEvent.OwnershipTransferred.class, e -> {
            assertThat(e.previousOwner()).isEqualTo(OWNER);
            assertThat(e.newOwner()).isEqualTo(RANDO);
        });
        assertThat(as(OWNER).owner()).isEqualTo(RANDO);
        reverts(() -> as(OWNER).setMinStake(STAKE), StakingReverts.NOT_OWNER);
        as(RANDO).setMinStake(STAKE);
    }

    @Test
    void theEventStreamPagesWithoutMissingOrRepeating() {
        as(PROVIDER).depositStake(STAKE);
        as(OTHER_PROVIDER).depositStake(STAKE);
        as(RELAYER).markTaskAbandoned(PROVIDER);
        as(VERIFIER).initiateSlash(PROVIDER, REASON);
        List<StakingEvent> all = as(RANDO).eventsAfter(EventCursor.START);
        assertThat(all).hasSize(4);
        StakingEventPage first = as(RANDO).events(EventCursor.START, 3);
        StakingEventPage rest = as(RANDO).events(first.next(), 10);
        assertThat(first.events()).hasSize(3);
        assertThat(rest.events()).containsExactly(all.get(3));
    }
}
