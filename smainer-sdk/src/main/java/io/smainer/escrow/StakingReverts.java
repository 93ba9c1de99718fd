package io.smainer.escrow;

/**
 * The revert reasons of {@code SmainerStakingContract} ({@code src/smainer_staking.cairo} in
 * {@code Smainer/smainer-contracts-public}) and of the OpenZeppelin Ownable component it embeds, verbatim,
 * as {@link EscrowRevertedException#reason()} carries them.
 */
public final class StakingReverts {
    /** {@code deposit_stake(0)}. */
    public static final String AMOUNT_MUST_BE_POSITIVE = "Amount must be > 0";
    /** A deposit that leaves the stake below {@code min_stake}. */
    public static final String BELOW_MINIMUM_STAKE = "Below minimum stake";
    /** The token's {@code transfer_from} or {@code transfer} returned false. */
    public static final String TRANSFER_FAILED = "Transfer failed";
    /** {@code request_unstake} while the relayer counts active tasks. */
    public static final String ACTIVE_TASKS_PENDING = "Active tasks pending";
    /** {@code request_unstake} or {@code withdraw_stake} with nothing staked. */
    public static final String NO_STAKE_TO_WITHDRAW = "No stake to withdraw";
    /** {@code withdraw_stake} without {@code request_unstake}. */
    public static final String NO_WITHDRAWAL_REQUESTED = "No withdrawal requested";
    /** {@code withdraw_stake} before the unlock time. */
    public static final String LOCKUP_NOT_OVER = "Lockup period not over";
    /** A relayer-only call from another account. */
    public static final String NOT_RELAYER = "Caller is not relayer";
    /** {@code initiate_slash} from an account other than the verifier. */
    public static final String NOT_VERIFIER = "Caller is not verifier";
    /** {@code initiate_slash} or {@code execute_slash} against a provider with no stake. */
    public static final String PROVIDER_HAS_NO_STAKE = "Provider has no stake";
    /** {@code initiate_slash} while a slash is active. */
    public static final String SLASH_ALREADY_ACTIVE = "Slash already active";
    /** {@code initiate_slash} within 24 hours of the last executed slash. */
    public static final String SLASH_COOLDOWN_ACTIVE = "Slash cooldown active";
    /** {@code appeal_slash} by an account other than the provider. */
    public static final String ONLY_PROVIDER_CAN_APPEAL = "Only provider can appeal";
    /** An appeal, resolution or execution with no slash active. */
    public static final String NO_ACTIVE_SLASH = "No active slash";
    /** A second appeal while one is pending. */
    public static final String APPEAL_ALREADY_SUBMITTED = "Appeal already submitted";
    /** {@code resolve_appeal} with no appeal pending. */
    public static final String NO_PENDING_APPEAL = "No pending appeal";
    /** {@code execute_slash} while an appeal is pending or before the appeal deadline (one text for both). */
    public static final String APPEAL_WINDOW_OPEN = "Appeal window open";
    /** The treasury's share could not be transferred. */
    public static final String TREASURY_TRANSFER_FAILED = "Treasury transfer failed";
    /** The verifier's share could not be transferred. */
    public static final String VERIFIER_TRANSFER_FAILED = "Verifier transfer failed";
    /** {@code set_min_stake} (or the constructor) below 5 STRK. */
    public static final String BELOW_ABSOLUTE_MIN_STAKE = "Below absolute min stake";
    /** {@code set_authorized_relayer(0)} (or the constructor). */
    public static final String RELAYER_IS_ZERO = "Relayer is zero address";
    /** {@code set_authorized_verifier(0)} (or the constructor). */
    public static final String VERIFIER_IS_ZERO = "Verifier is zero address";
    /** The constructor with a zero token. */
    public static final String STRK_TOKEN_IS_ZERO = "STRK token is zero address";
    /** The constructor with a zero treasury. */
    public static final String TREASURY_IS_ZERO = "Treasury is zero address";
    /** OpenZeppelin Ownable: an owner-only call from another account. */
    public static final String NOT_OWNER = "Caller is not the owner";
    /** OpenZeppelin Ownable: an owner-only call from the zero address. */
    public static final String ZERO_CALLER = "Caller is the zero address";
    /** OpenZeppelin Ownable: {@code transfer_ownership(0)}. */
    public static final String NEW_OWNER_IS_ZERO = "New owner is the zero address";
    /** Cairo's panic when a {@code u256} addition overflows. */
    public static final String U256_ADD_OVERFLOW = "u256_add Overflow";
    /** Cairo's panic when a {@code u256} product overflows. */
    public static final String U256_MUL_OVERFLOW = "u256_mul Overflow";
    /** Cairo's panic when a {@code u32} addition overflows (the active-task count). */
    public static final String U32_ADD_OVERFLOW = "u32_add Overflow";
    /** Cairo's panic when a {@code u64} addition overflows (a timestamp plus a window). */
    public static final String U64_ADD_OVERFLOW = "u64_add Overflow";

    private StakingReverts() {
    }
}
