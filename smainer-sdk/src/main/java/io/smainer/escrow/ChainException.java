package io.smainer.escrow;

import io.smainer.SmainerException;

/** The chain could not be reached or answered with an RPC error; the call may or may not have landed. */
public class ChainException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final int rpcCode;

    /**
     * @param rpcCode the JSON-RPC error code, or 0 when the node was not reached
     * @param message what happened
     * @param cause the underlying failure
     */
    public ChainException(int rpcCode, String message, Throwable cause) {
        super(message, cause);
        this.rpcCode = rpcCode;
    }

    /** @return the JSON-RPC error code, or 0 when the node was not reached */
    public int rpcCode() {
        return rpcCode;
    }
}
