package io.smainer.escrow;

import io.smainer.chain.ChainId;

/** The node answered, but for another chain than the client was built for; nothing was sent. */
public final class ChainMismatchException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final ChainId expected;
    private final ChainId actual;

    /**
     * @param expected the chain the client was built for
     * @param actual the chain the node reports
     * @param where the node's address as it may be shown (mask any secret in it)
     */
    public ChainMismatchException(ChainId expected, ChainId actual, String where) {
        super(0, "expected chain " + expected + " but the node at " + where + " reports " + actual, null);
        this.expected = expected;
        this.actual = actual;
    }

    /** @return the chain the client was built for */
    public ChainId expected() {
        return expected;
    }

    /** @return the chain the node reports */
    public ChainId actual() {
        return actual;
    }
}
