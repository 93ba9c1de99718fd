package io.smainer.escrow;

import io.smainer.InvalidFieldException;

/** An escrow task's on-chain status code. */
public enum EscrowStatus {
    /** 0: funded, may be settled or cancelled. */
    CREATED(0),
    /** 1: defined by the contract, never written. */
    ASSIGNED(1),
    /** 2: completed. */
    COMPLETED(2),
    /** 3: cancelled and refunded. */
    CANCELLED(3),
    /** 4: settled and paid. */
    SETTLED(4);

    private final int code;

    EscrowStatus(int code) {
        this.code = code;
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
