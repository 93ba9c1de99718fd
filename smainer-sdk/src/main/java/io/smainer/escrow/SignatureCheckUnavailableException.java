package io.smainer.escrow;

import io.smainer.chain.ContractAddress;

/**
 * An account contract could not be asked whether it accepts a signature, so there is no verdict either way
 * (see {@link StarknetEscrow#isValidSignature}). {@link #kind()} says whether asking again can help.
 */
public final class SignatureCheckUnavailableException extends ChainException {
    private static final long serialVersionUID = 1L;

    /** Why the account could not be asked. */
    public enum Kind {
        /** The node could not be reached or answered with an error: asking again later may work. */
        NODE_UNAVAILABLE,
        /** No contract is deployed at the address (RPC error 20): asking again will not help until it is. */
        NOT_DEPLOYED,
        /**
         * The contract has neither {@code is_valid_signature} nor {@code isValidSignature} (RPC error 21, or a
         * node's "entry point not found"): it is no SNIP-6 account and will not answer.
         */
        NOT_SUPPORTED
    }

    private final ContractAddress account;
    private final Kind kind;

    /**
     * @param account the account that was to be asked
     * @param kind why it could not be
     * @param rpcCode the JSON-RPC error code, or 0 when the node was not reached
     * @param message what happened, naming the account
     * @param cause the underlying failure, if any
     */
    public SignatureCheckUnavailableException(ContractAddress account, Kind kind, int rpcCode, String message,
            Throwable cause) {
        super(rpcCode, message, cause);
        this.account = account;
        this.kind = kind;
    }

    /** @return the account that was to be asked */
    public ContractAddress account() {
        return account;
    }

    /** @return why it could not be asked */
    public Kind kind() {
        return kind;
    }
}
