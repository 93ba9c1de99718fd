package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code SmainerStakingContract} as seen by one account (the {@link #caller()}): providers stake STRK
 * (at least {@link #minStake()}), unstake after a 7-day lockup, and can be slashed 20%, then 50%, then 100%
 * of their stake within 90 days, after a 7-day appeal window; 80% of a slash goes to the treasury and the
 * rest to the verifier that initiated it. The relayer counts each provider's active tasks (a provider with
 * active tasks cannot request to unstake).
 *
 * <p>Two implementations behave the same way and pass one conformance suite: {@link Ledger#staking} (the
 * in-process model of the contract) and {@link StarknetEscrow#staking} (JSON-RPC, v3 invokes from the
 * escrow client's account, sharing its nonce). Every write either takes effect whole or throws; a revert
 * surfaces as {@link EscrowRevertedException} with the contract's reason ({@link StakingReverts}).
 */
public interface Staking extends AutoCloseable {
    /** The mainnet {@code SmainerStakingContract} (contracts README, "SmainerStakingContract"). */
    ContractAddress MAINNET_CONTRACT =
            ContractAddress.parse("0x00079cabc1407b6b85fa42d8120841216c82dd5649a7f36e1f9624875b514237");
    /** The contract's floor on {@code min_stake}: 5 STRK. */
    TokenAmount ABSOLUTE_MIN_STAKE = TokenAmount.parseStrk("5 STRK");

    /** @return the account this client acts for */
    ContractAddress caller();

    /** @return the staking contract's address */
    ContractAddress contract();

    /** @return the staked token (STRK) */
    ContractAddress token();

    // ---- views ----

    /**
     * @param provider an address
     * @return its stake ({@code get_stake})
     */
    TokenAmount stake(ContractAddress provider);

    /**
     * @param provider an address
     * @return slashes executed in its current 90-day window, 0 once the window expired ({@code get_slash_count})
     */
    int slashCount(ContractAddress provider);

    /**
     * @param provider an address
     * @return whether it requested to unstake and the lockup is over ({@code can_unstake})
     */
    boolean canUnstake(ContractAddress provider);

    /** @return the least stake a deposit must leave ({@code get_min_stake}) */
    TokenAmount minStake();

    /** @return the contract's owner (OpenZeppelin {@code owner}) */
    ContractAddress owner();

    /**
     * The provider's pending slash, rebuilt from the contract's events (it has no view for it): reads every
     * staking event of the provider, so it costs a scan of the contract's events.
     *
     * @param provider an address
     * @return its active slash, or empty when none
     */
    Optional<ActiveSlash> activeSlash(ContractAddress provider);

    // ---- provider ----

    /**
     * {@code approve} + {@code deposit_stake} in one multicall.
     *
     * @param amount added to the caller's stake; the total must reach {@link #minStake()}
     * @return the transaction
     */
    TxResult depositStake(TokenAmount amount);

    /** @return the {@code request_unstake} transaction: the whole stake unlocks in 7 days */
    TxResult requestUnstake();

    /** @return the {@code withdraw_stake} transaction: the whole stake back, once unlocked */
    TxResult withdrawStake();

    /** @return the {@code appeal_slash(caller)} transaction: pauses the caller's slash until the owner decides */
    TxResult appealSlash();

    // ---- relayer ----

    /**
     * @param provider a provider
     * @return the {@code increment_active_tasks} transaction
     */
    TxResult incrementActiveTasks(ContractAddress provider);

    /**
     * @param provider a provider
     * @return the {@code decrement_active_tasks} transaction (stops at 0)
     */
    TxResult decrementActiveTasks(ContractAddress provider);

    /**
     * @param provider a provider that lost a task
     * @return the {@code mark_task_abandoned} transaction (decrements, emits {@code TaskAbandoned}; no slash)
     */
    TxResult markTaskAbandoned(ContractAddress provider);

    /**
     * Sends several staking calls (built by {@link StakingCalls}) as one multicall, e.g. a batch of
     * active-task counts.
     *
     * @param calls at least one call
     * @return the transaction
     */
    TxResult invoke(List<ContractCall> calls);

    // ---- verifier ----

    /**
     * @param provider the provider to slash
     * @param reasonHash a commitment to the evidence
     * @return the {@code initiate_slash} transaction
     */
    TxResult initiateSlash(ContractAddress provider, Felt reasonHash);

    /**
     * Open to anyone once the appeal window passed with no appeal pending.
     *
     * @param provider the slashed provider
     * @return the {@code execute_slash} transaction
     */
    TxResult executeSlash(ContractAddress provider);

    // ---- owner ----

    /**
     * @param provider whose appeal is pending
     * @param upheld true: the slash stands and a fresh 7-day window starts; false: the slash is cleared
     * @return the {@code resolve_appeal} transaction
     */
    TxResult resolveAppeal(ContractAddress provider, boolean upheld);

    /**
     * @param amount at least {@link #ABSOLUTE_MIN_STAKE}
     * @return the {@code set_min_stake} transaction
     */
    TxResult setMinStake(TokenAmount amount);

    /**
     * @param relayer non-zero
     * @return the {@code set_authorized_relayer} transaction
     */
    TxResult setAuthorizedRelayer(ContractAddress relayer);

    /**
     * @param verifier non-zero
     * @return the {@code set_authorized_verifier} transaction
     */
    TxResult setAuthorizedVerifier(ContractAddress verifier);

    /**
     * @param newOwner non-zero
     * @return the {@code transfer_ownership} transaction
     */
    TxResult transferOwnership(ContractAddress newOwner);

    // ---- events ----

    /**
     * Reads the staking contract's events after a cursor, oldest first.
     *
     * @param after where the last read stopped; {@link EventCursor#START} for the beginning
     * @param max the most events to return
     * @return the events and the cursor to resume from
     */
    StakingEventPage events(EventCursor after, int max);

    /**
     * Reads every staking event after a cursor, page by page.
     *
     * @param after where to start
     * @return the events, oldest first
     */
    default List<StakingEvent> eventsAfter(EventCursor after) {
        List<StakingEvent> all = new ArrayList<>();
        EventCursor cursor = after;
        while (true) {
            StakingEventPage page = events(cursor, Escrow.EVENT_PAGE);
            if (page.events().isEmpty() || page.next().compareTo(cursor) <= 0) {
                return all;
            }
            all.addAll(page.events());
            cursor = page.next();
        }
    }

    @Override
    void close();
}
