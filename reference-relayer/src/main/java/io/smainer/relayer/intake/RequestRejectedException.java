package io.smainer.relayer.intake;

import io.smainer.SmainerException;

/** A signed request was refused before its escrow was looked at. */
public final class RequestRejectedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason {
        /** No key is known for the signer (401). */
        UNKNOWN_ACCOUNT,
        /** The signature does not verify (401). */
        BAD_SIGNATURE,
        /** The request expired, or expires too far ahead (400). */
        EXPIRED,
        /** The nonce was used before (409). */
        REPLAYED
    }

    private final Reason reason;
    private final String field;

    /**
     * @param reason why
     * @param field the field to blame
     * @param message what was expected and what came
     */
    public RequestRejectedException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    /** @return why */
    public Reason reason() {
        return reason;
    }

    /** @return the field to blame */
    public String field() {
        return field;
    }
}
