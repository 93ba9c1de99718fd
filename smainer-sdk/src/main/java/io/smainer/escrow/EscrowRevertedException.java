package io.smainer.escrow;

import io.smainer.SmainerException;

/**
 * The contract refused a call, with its revert reason (e.g. {@code Invalid signature},
 * {@code Signature already used}, {@code Only creator can cancel}). Nothing took effect.
 */
public class EscrowRevertedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** Revert reasons of the deployed contract. */
    public static final String INVALID_SIGNATURE = "Invalid signature";
    /** The receipt was used before. */
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
    /** A base amount above {@code 2^255 / multiplier}. */
    public static final String AMOUNT_TOO_LARGE = "Amount too large";
    /** An adjusted amount outside {@code [base, 10 * base]}. */
    public static final String INVALID_ADJUSTED_AMOUNT = "Invalid adjusted amount";
    /** A tier multiplier outside {@code [10000, 100000]}. */
    public static final String INVALID_MULTIPLIER = "Invalid multiplier";
    /** {@code register_node} by an active node. */
    public static final String NODE_ALREADY_REGISTERED = "Node already registered";
    /** {@code register_node} by a suspended node. */
    public static final String NODE_SUSPENDED = "Node is suspended";
    /** {@code deactivate_node} by a node that is not active. */
    public static final String NODE_NOT_ACTIVE = "Node not active";
    /** A zero public key. */
    public static final String INVALID_PUBLIC_KEY = "Invalid public key";
    /** A zero address where one is required. */
    public static final String INVALID_ADDRESS = "Invalid address";
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

    /** @return the contract's revert reason, verbatim */
    public String reason() {
        return reason;
    }
}
