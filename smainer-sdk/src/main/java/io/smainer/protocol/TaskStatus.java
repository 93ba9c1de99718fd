package io.smainer.protocol;

/** A task's life on the relayer. Results are released only once {@link #SETTLED}. */
public enum TaskStatus {
    /** Escrow checked, waiting for a node. */
    PENDING,
    /** Sent to a node. */
    ASSIGNED,
    /** The node accepted it and is running it. */
    RUNNING,
    /** The receipt and result checked out; waiting for settlement. */
    COMPLETED,
    /** Settlement confirmed on-chain; the result is released. */
    SETTLED,
    /** Every attempt failed; the demander may cancel the escrow for a full refund. */
    FAILED;

    /** @return true while a node holds the task (ASSIGNED or RUNNING) */
    public boolean isInFlight() {
        return this == ASSIGNED || this == RUNNING;
    }

    /** @return true when nothing more will happen to the task */
    public boolean isTerminal() {
        return this == SETTLED || this == FAILED;
    }
}
