package io.smainer.escrow;

import io.smainer.InvalidFieldException;

/** An escrow task's on-chain status code. */
public enum EscrowStatus {
    /** 0: funded, may be settled or cancelled. */
    CREATED(0),
    /** 1: defined by the contract, never written. */
    ASSIGNED(1),
    /** 2: paid by a flat settlement ({@code submit_proof_and_claim} writes COMPLETED, not SETTLED). */
    COMPLETED(2),
    /** 3: cancelled and refunded. */
    CANCELLED(3),
    /** 4: paid by an effort settlement ({@code settle_with_effort}, {@code settle_with_effort_and_affiliate}). */
    SETTLED(4);

    private final int code;

    EscrowStatus(int code) {
        this.code = code;
    }

    /**
     * Whether the provider was paid: the real contract leaves a flat settlement COMPLETED (2) and an effort
     * settlement SETTLED (4); both are final and neither can be settled again.
     *
     * @return true for COMPLETED and SETTLED
     */
    public boolean paid() {
        return this == COMPLETED || this == SETTLED;
    }

    /** @return the contract's code */
    public int code() {
        return code;
    }

    /**
     * @param code 0 to 4
     * @return the status
     */
    public static EscrowStatus fromCode(int code) {
        for (EscrowStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new InvalidFieldException("status", "0 to 4", code);
    }
}
