package io.smainer.client;

import io.smainer.chain.U256;
import io.smainer.protocol.Api;
import java.time.Duration;
import java.util.Optional;

/**
 * The relayer refused a task submitted against a funded escrow. The escrow stays funded on chain: submit it
 * again once the cause is fixed (after {@link #retryAfter()} for a 429 or 503), or take the money back with
 * {@link SmainerClient#cancelEscrow(U256)}.
 */
public class SubmitRefusedException extends RelayerApiException {
    private static final long serialVersionUID = 1L;

    private final U256 escrowId;

    /**
     * @param escrowId the escrow the task was submitted against
     * @param status the HTTP status
     * @param body the relayer's error body
     * @param retryAfter the relayer's {@code Retry-After}, when it sent one
     */
    public SubmitRefusedException(U256 escrowId, int status, Api.ErrorBody body, Optional<Duration> retryAfter) {
        super(status, body, retryAfter, "; escrow " + escrowId + " stays funded: submit again, or cancelEscrow("
                + escrowId + ") for a refund");
        this.escrowId = escrowId;
    }

    /** @return the escrow, still funded: to submit again or to cancel */
    public U256 escrowId() {
        return escrowId;
    }
}
