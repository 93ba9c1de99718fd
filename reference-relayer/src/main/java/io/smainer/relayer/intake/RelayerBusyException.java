package io.smainer.relayer.intake;

import io.smainer.SmainerException;
import java.time.Duration;

/**
 * A task was refused because the tasks not finished already hold too many payload and result bytes
 * ({@code limits.max_queued_bytes}): nothing was stored (503 {@code relayer_busy}, with {@code Retry-After}). The
 * bytes come free as tasks settle or fail.
 */
public final class RelayerBusyException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** The setting that refused it. */
    public static final String SETTING = "limits.max_queued_bytes";
    /** What {@code Retry-After} says: about a settlement batch and a short job. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final long queuedBytes;
    private final long taskBytes;
    private final long limit;

    /**
     * @param queuedBytes the bytes the tasks not finished held
     * @param taskBytes the refused task's payload bytes
     * @param limit the limit
     * @param nonceUsed true when the request's nonce was recorded before the refusal (another request took the
     *     room meanwhile): the demander must sign the request again with a new nonce
     */
    public RelayerBusyException(long queuedBytes, long taskBytes, long limit, boolean nonceUsed) {
        super(SETTING + ": the tasks not finished on this relayer hold " + queuedBytes + " bytes of payloads and results;"
                + " this task's " + taskBytes + " bytes would take them past the limit of " + limit + ". Nothing was"
                + " stored; " + (nonceUsed ? "the request's nonce was used, so sign it again with a new nonce and send it"
                        : "the nonce is unused: send the same request again") + " after tasks settle");
        this.queuedBytes = queuedBytes;
        this.taskBytes = taskBytes;
        this.limit = limit;
    }

    /** @return the bytes the tasks not finished held */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** @return the refused task's payload bytes */
    public long taskBytes() {
        return taskBytes;
    }

    /** @return the limit */
    public long limit() {
        return limit;
    }
}
