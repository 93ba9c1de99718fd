package io.smainer.job;

import io.smainer.SmainerException;

/** A job could not be run: bad input, over its limits, timed out, cancelled, or the device failed. */
public class JobException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final boolean retryable;

    /**
     * @param kind the job kind
     * @param message what went wrong
     * @param retryable true when another node or a later try might succeed
     */
    public JobException(String kind, String message, boolean retryable) {
        super(kind + ": " + message);
        this.kind = kind;
        this.retryable = retryable;
    }

    /**
     * @param kind the job kind
     * @param message what went wrong
     * @param retryable true when another node or a later try might succeed
     * @param cause the underlying failure
     */
    public JobException(String kind, String message, boolean retryable, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
        this.retryable = retryable;
    }

    /** @return the job kind */
    public String kind() {
        return kind;
    }

    /** @return true when another node or a later try might succeed */
    public boolean retryable() {
        return retryable;
    }
}
