package io.smainer.client;

import io.smainer.SmainerException;
import io.smainer.protocol.Api;
import java.time.Duration;
import java.util.Optional;

/** The relayer answered with an error: its HTTP status and its {@link Api.ErrorBody}. */
public class RelayerApiException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Api.ErrorBody body;
    private final transient Optional<Duration> retryAfter;

    /**
     * @param status the HTTP status
     * @param body the error body
     */
    public RelayerApiException(int status, Api.ErrorBody body) {
        this(status, body, Optional.empty());
    }

    /**
     * @param status the HTTP status
     * @param body the error body
     * @param retryAfter the relayer's {@code Retry-After}, when it sent one
     */
    public RelayerApiException(int status, Api.ErrorBody body, Optional<Duration> retryAfter) {
        this(status, body, retryAfter, "");
    }

    /**
     * @param status the HTTP status
     * @param body the error body
     * @param retryAfter the relayer's {@code Retry-After}, when it sent one
     * @param more said after the relayer's message
     */
    protected RelayerApiException(int status, Api.ErrorBody body, Optional<Duration> retryAfter, String more) {
        super("relayer answered " + status + " " + body.error() + ": " + body.message() + more);
        this.status = status;
        this.body = body;
        this.retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    }

    /** @return the HTTP status, e.g. 402 when the escrow does not check out */
    public int status() {
        return status;
    }

    /** @return the error body: a stable code, the message and the field to blame */
    public Api.ErrorBody body() {
        return body;
    }

    /**
     * How long the relayer asked the client to wait before trying again: sent with 503 {@code relayer_busy}
     * (its queue holds too many bytes) and 429 (a rate limit). {@link SmainerClient#submit} signs each call
     * with a fresh nonce, so calling it again after the wait is a correct retry.
     *
     * @return the wait, when the relayer sent a {@code Retry-After} in seconds
     */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
