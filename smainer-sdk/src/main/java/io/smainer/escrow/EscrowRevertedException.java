package io.smainer.escrow;

import io.smainer.SmainerException;

/**
 * The contract refused a call, with its revert reason (e.g. {@code Invalid signature},
 * {@code Signature already used}, {@code Only creator can cancel}). Nothing took effect.
 */
public class EscrowRevertedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /**
     * Revert reasons of the contract, quoted from its public Cairo source and OpenZeppelin v0.20.0's
     * components (the deployed class must still be compared: see {@code contracts/README.md}).
     */
    public static final String INVALID_SIGNATURE = "Invalid signature";
    /** The signature {@code (r, s)} was used before, on any task. */
    public static final String SIGNATURE_ALREADY_USED = "Signature already used";
    /** The provider is not registered and active. */
    public static final String PROVIDER_NOT_ACTIVE = "Provider not active";
    /** The provider published no key. */
    public static final String PUBLIC_KEY_NOT_SET = "Provider public key not set";
    /** The task is not in a status that allows the call. */
    public static final String INVALID_TASK_STATUS = "Invalid task status";
    /** Someone else tried to cancel. */
    public static final String ONLY_CREATOR_CAN_CANCEL = "Only creator can cancel";
    /** The task is past CREATED. */
    public static final String TASK_CANNOT_BE_CANCELLED = "Task cannot be cancelled";
    /** The effort cost is above the escrow. */
    public static final String EXCEEDS_ESCROWED_AMOUNT = "Exceeds escrowed amount";
    /** The effort score is outside [10000, 75000]. */
    public static final String EFFORT_SCORE_OUT_OF_RANGE = "Effort score out of range";
    /** A settlement call not from the relayer. */
    public static final String UNAUTHORIZED_RELAYER = "Unauthorized relayer";
    /** The contract is paused. */
    public static final String PAUSED = "Pausable: paused";
    /** {@code unpause} while not paused. */
    public static final String NOT_PAUSED = "Pausable: not paused";
    /** An owner-only call from someone else. */
    public static final String NOT_OWNER = "Caller is not the owner";
    /** A tier other than 1, 2 or 3. */
    public static final String INVALID_TIER = "Invalid tier";
    /** {@code create_tiered_task} or {@code pull_and_execute} with an amount of 0. */
    public static final String AMOUNT_MUST_BE_POSITIVE = "Amount must be positive";
    /** A zero token address. */
    public static final String INVALID_TOKEN_ADDRESS = "Invalid token address";
    /** {@code pull_and_execute} for the zero user. */
    public static final String INVALID_USER_ADDRESS = "Invalid user address";
    /** A settlement naming the zero provider. */
    public static final String INVALID_PROVIDER_ADDRESS = "Invalid provider address";
    /** A tier whose stored multiplier is 0 (unreachable: the constructor and the setter write [10000, 100000]). */
    public static final String TIER_MULTIPLIER_NOT_SET = "Tier multiplier not set";
    /** A base amount above {@code 2^255 / multiplier}. */
    public static final String TIER_CALCULATION_OVERFLOW = "Tier calculation overflow";
    /** An adjusted amount below the base (unreachable with stored multipliers of at least 10000). */
    public static final String INVALID_TIER_CALCULATION = "Invalid tier calculation";
    /** An adjusted amount above ten times the base (unreachable with stored multipliers of at most 100000). */
    public static final String TIER_MULTIPLIER_TOO_LARGE = "Tier multiplier too large";
    /** {@code set_tier_multipliers}: the basic multiplier outside {@code [10000, 100000]}. */
    public static final String INVALID_BASIC_MULTIPLIER = "Invalid basic multiplier";
    /** {@code set_tier_multipliers}: the pro multiplier outside {@code [10000, 100000]}. */
    public static final String INVALID_PRO_MULTIPLIER = "Invalid pro multiplier";
    /** {@code set_tier_multipliers}: the premium multiplier outside {@code [10000, 100000]}. */
    public static final String INVALID_PREMIUM_MULTIPLIER = "Invalid premium multiplier";
    /** {@code register_node} by a node that is already active (a suspended node may register again). */
    public static final String NODE_ALREADY_ACTIVE = "Node already active";
    /** {@code deactivate_node}, {@code suspend_node} or {@code set_provider_public_key} for a node that is not active. */
    public static final String NODE_NOT_ACTIVE = "Node not active";
    /** A zero public key. */
    public static final String INVALID_PUBLIC_KEY = "Invalid public key";
    /** {@code set_relayer(0)}. */
    public static final String INVALID_RELAYER_ADDRESS = "Invalid relayer address";
    /** {@code set_treasury(0)}, or a constructor without a treasury. */
    public static final String INVALID_TREASURY_ADDRESS = "Invalid treasury address";
    /** An effort settlement before any {@code set_relayer} (the constructor leaves the relayer unset). */
    public static final String NO_RELAYER_SET = "No relayer set";
    /** A task id at or above the field prime, which the receipt hash cannot take. */
    public static final String TASK_ID_EXCEEDS_FELT = "Task ID exceeds felt252";
    /** An effort cost at or above the field prime (unreachable: the cost is checked against the escrow first). */
    public static final String COST_EXCEEDS_FELT = "Cost exceeds felt252";
    /** No treasury (unreachable: the constructor and {@code set_treasury} refuse zero). */
    public static final String TREASURY_NOT_SET = "Treasury not set";
    /** A flat settlement when the contract holds less than the escrow. */
    public static final String INSUFFICIENT_CONTRACT_BALANCE = "Insufficient contract balance";
    /** {@code transfer_ownership(0)} (OpenZeppelin Ownable). */
    public static final String NEW_OWNER_IS_ZERO = "New owner is the zero address";
    /** {@code upgrade(0)} (OpenZeppelin Upgradeable). */
    public static final String CLASS_HASH_ZERO = "Class hash cannot be zero";
    /** ERC-20: the allowance is below the amount. */
    public static final String INSUFFICIENT_ALLOWANCE = "ERC20: insufficient allowance";
    /** ERC-20: the balance is below the amount. */
    public static final String INSUFFICIENT_BALANCE = "ERC20: insufficient balance";
    /** A call to an address where no contract is deployed. */
    public static final String CONTRACT_NOT_DEPLOYED = "Contract not deployed";
    /** A selector the contract does not have. */
    public static final String ENTRYPOINT_NOT_FOUND = "ENTRYPOINT_NOT_FOUND";
    /** Arithmetic overflow in the contract (Cairo's panic). */
    public static final String U256_OVERFLOW = "u256_mul Overflow";

    private final String reason;

    /**
     * @param reason the contract's revert reason
     * @param context what was being done, e.g. {@code settle task 7}
     */
    public EscrowRevertedException(String reason, String context) {
        super(context + " reverted: " + reason);
        this.reason = reason;
    }

    /**
     * For subclasses that explain the reason in their own words.
     *
     * @param reason the contract's revert reason
     * @param context what was being done
     * @param explanation the message after the context
     */
    protected EscrowRevertedException(String reason, String context, String explanation) {
        super(context + ": " + explanation);
        this.reason = reason;
    }

    /** @return the contract's revert reason, verbatim */
    public String reason() {
        return reason;
    }
}
