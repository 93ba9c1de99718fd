package io.smainer.protocol;

/** How a task is paid: the whole escrow ({@code submit_proof_and_claim}) or by effort with a refund. */
public enum SettlementMode {
    /** The escrow is split 88/12; the receipt is h1. */
    FLAT,
    /** The actual cost is split 88/12 and the rest refunded; the receipt is h2 over the cost. */
    EFFORT
}
