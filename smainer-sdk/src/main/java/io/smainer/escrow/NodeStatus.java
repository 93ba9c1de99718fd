package io.smainer.escrow;

import io.smainer.InvalidFieldException;

/** A node's registry status, as {@code get_node_status} returns it. */
public enum NodeStatus {
    /** 0: never registered, or deactivated. */
    INACTIVE,
    /** 1: may publish a key and be paid. */
    ACTIVE,
    /** 2: suspended by the owner. */
    SUSPENDED;

    /** @return the contract's code */
    public int code() {
        return ordinal();
    }

    /**
     * @param code 0, 1 or 2
     * @return the status
     */
    public static NodeStatus fromCode(int code) {
        if (code < 0 || code > 2) {
            throw new InvalidFieldException("node_status", "0, 1 or 2", code);
        }
        return values()[code];
    }
}
