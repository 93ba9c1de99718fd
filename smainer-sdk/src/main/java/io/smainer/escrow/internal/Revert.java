package io.smainer.escrow.internal;

/** A contract revert inside the ledger's execution: unwinds the transaction. Not API. */
public final class Revert extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param reason the contract's revert reason */
    public Revert(String reason) {
        super(reason, null, false, false);
    }

    /** @return the contract's revert reason */
    public String reason() {
        return getMessage();
    }
}
