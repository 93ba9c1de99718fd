package io.smainer.relayer.settlement;

import io.smainer.SmainerException;

/** A provider's completion does not check out: result hash, result check, cost or receipt signature. */
public final class ReceiptRejectedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the message field to blame
     * @param message what was expected and what came
     */
    public ReceiptRejectedException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** @return the message field to blame */
    public String field() {
        return field;
    }
}
