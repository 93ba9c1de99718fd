package io.smainer.job;

import io.smainer.SmainerException;

/** A job could not be run: bad input, over its limits, timed out, cancelled, or the device failed. */
public class JobException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** Why a job failed, for callers that act on it (retry elsewhere, refund, report). */
    public enum Reason {
        /** The spec is malformed: a parameter or the payload does not fit the kind. */
        INVALID_INPUT,
        /** The job needs more memory (or other resource) than its limit or the runner's allows. */
        OVER_LIMIT,
        /** The runner does not take the job now: unknown kind, queue full, or the runner is closed. */
        REJECTED,
        /** The run took longer than the spec's time limit. */
        TIMED_OUT,
        /** The caller cancelled the run. */
        CANCELLED,
        /** The run itself failed: a device error or a failing handler. */
        FAILED
    }

    private final String kind;
    private final boolean retryable;
    private final Reason reason;

    /**
     * A failure with reason {@link Reason#FAILED}.
     *
     * @param kind the job kind
     * @param message what went wrong
     * @param retryable true when another node or a later try might succeed
     */
    public JobException(String kind, String message, boolean retryable) {
        this(kind, Reason.FAILED, message, retryable, null);
    }

    /**
     * A failure with reason {@link Reason#FAILED}.
     *
     * @param kind the job kind
     * @param message what went wrong
     * @param retryable true when another node or a later try might succeed
     * @param cause the underlying failure
     */
    public JobException(String kind, String message, boolean retryable, Throwable cause) {
        this(kind, Reason.FAILED, message, retryable, cause);
    }

    /**
     * @param kind the job kind
     * @param reason why it failed
     * @param message what went wrong
     * @param retryable true when another node or a later try might succeed
     * @param cause the underlying failure, may be null
     */
    public JobException(String kind, Reason reason, String message, boolean retryable, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
        this.retryable = retryable;
        this.reason = reason == null ? Reason.FAILED : reason;
    }

    /** @return the job kind */
    public String kind() {
        return kind;
    }

    /** @return true when another node or a later try might succeed */
    public boolean retryable() {
        return retryable;
    }

    /** @return why the job failed */
    public Reason reason() {
        return reason;
    }
}
