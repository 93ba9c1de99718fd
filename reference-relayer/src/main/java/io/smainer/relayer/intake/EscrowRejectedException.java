package io.smainer.relayer.intake;

import io.smainer.SmainerException;

/** The escrow named by a request does not check out (HTTP 402): missing, spent, not the signer's, wrong token, too small, or already used. */
public final class EscrowRejectedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the request field to blame, usually {@code escrow_id}
     * @param message what was expected and what the chain shows
     */
    public EscrowRejectedException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** @return the request field to blame */
    public String field() {
        return field;
    }
}
