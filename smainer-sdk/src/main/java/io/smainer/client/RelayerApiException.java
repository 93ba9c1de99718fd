package io.smainer.client;

import io.smainer.SmainerException;
import io.smainer.protocol.Api;

/** The relayer answered with an error: its HTTP status and its {@link Api.ErrorBody}. */
public class RelayerApiException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Api.ErrorBody body;

    /**
     * @param status the HTTP status
     * @param body the error body
     */
    public RelayerApiException(int status, Api.ErrorBody body) {
        super("relayer answered " + status + " " + body.error() + ": " + body.message());
        this.status = status;
        this.body = body;
    }

    /** @return the HTTP status, e.g. 402 when the escrow does not check out */
    public int status() {
        return status;
    }

    /** @return the error body: a stable code, the message and the field to blame */
    public Api.ErrorBody body() {
        return body;
    }
}
