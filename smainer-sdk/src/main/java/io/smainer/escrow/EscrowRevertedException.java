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
