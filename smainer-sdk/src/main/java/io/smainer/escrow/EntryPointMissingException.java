package io.smainer.escrow;

import io.smainer.chain.ContractAddress;

/**
 * The contract's deployed class lacks an entry point the call needs (see {@link Escrow#offers}), so the call
 * was refused before anything was sent; on chain it would revert the same way. Its {@link #reason()} is
 * {@link #ENTRYPOINT_NOT_FOUND}.
 */
public final class EntryPointMissingException extends EscrowRevertedException {
    private static final long serialVersionUID = 1L;

    private final String entryPoint;

    /**
     * @param contract the contract
     * @param entryPoint the entry point its class lacks
     * @param context what was being done, e.g. {@code settle task 7}
     * @param instead what to do instead, e.g. which other entry point does the job
     */
    public EntryPointMissingException(ContractAddress contract, String entryPoint, String context, String instead) {
        super(ENTRYPOINT_NOT_FOUND, context, "not sent: the class deployed at " + contract.hex() + " has no entry point "
                + entryPoint + " (it is older than the contract's public source); " + instead);
        this.entryPoint = entryPoint;
    }

    /** @return the entry point the class lacks */
    public String entryPoint() {
        return entryPoint;
    }
}
