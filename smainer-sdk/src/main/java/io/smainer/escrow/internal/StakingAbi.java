package io.smainer.escrow.internal;

/**
 * Entry-point and event names of {@code SmainerStakingContract} ({@code ISmainerStaking} in
 * {@code src/interfaces.cairo}, events in {@code src/smainer_staking.cairo}) and of the OpenZeppelin
 * Ownable component it embeds. Their selectors are {@link Abi#selector(String)}. Not API.
 */
public final class StakingAbi {
    // staking
    public static final String DEPOSIT_STAKE = "deposit_stake";
    public static final String REQUEST_UNSTAKE = "request_unstake";
    public static final String WITHDRAW_STAKE = "withdraw_stake";
    // task tracking (relayer)
    public static final String INCREMENT_ACTIVE_TASKS = "increment_active_tasks";
    public static final String DECREMENT_ACTIVE_TASKS = "decrement_active_tasks";
    public static final String MARK_TASK_ABANDONED = "mark_task_abandoned";
    // slash lifecycle
    public static final String INITIATE_SLASH = "initiate_slash";
    public static final String APPEAL_SLASH = "appeal_slash";
    public static final String RESOLVE_APPEAL = "resolve_appeal";
    public static final String EXECUTE_SLASH = "execute_slash";
    // views
    public static final String GET_STAKE = "get_stake";
    public static final String GET_SLASH_COUNT = "get_slash_count";
    public static final String CAN_UNSTAKE = "can_unstake";
    public static final String GET_MIN_STAKE = "get_min_stake";
    // admin
    public static final String SET_MIN_STAKE = "set_min_stake";
    public static final String SET_AUTHORIZED_RELAYER = "set_authorized_relayer";
    public static final String SET_AUTHORIZED_VERIFIER = "set_authorized_verifier";
    // OpenZeppelin OwnableImpl
    public static final String OWNER = "owner";
    public static final String TRANSFER_OWNERSHIP = "transfer_ownership";
    public static final String RENOUNCE_OWNERSHIP = "renounce_ownership";

    // events (each keyed by the provider after the selector)
    public static final String STAKE_DEPOSITED = "StakeDeposited";
    public static final String STAKE_WITHDRAWAL_REQUESTED = "StakeWithdrawalRequested";
    public static final String STAKE_WITHDRAWN = "StakeWithdrawn";
    public static final String SLASH_INITIATED = "SlashInitiated";
    public static final String SLASH_EXECUTED = "SlashExecuted";
    public static final String APPEAL_SUBMITTED = "AppealSubmitted";
    public static final String APPEAL_RESOLVED = "AppealResolved";
    public static final String TASK_ABANDONED = "TaskAbandoned";
    /** OpenZeppelin's, {@code #[flat]}: keys {@code [selector, previous_owner, new_owner]}. */
    public static final String OWNERSHIP_TRANSFERRED = "OwnershipTransferred";

    private StakingAbi() {
    }
}
