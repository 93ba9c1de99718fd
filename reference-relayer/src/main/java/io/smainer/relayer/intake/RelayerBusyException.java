package io.smainer.relayer.intake;

import io.smainer.SmainerException;
import java.time.Duration;

/**
 * A task was refused for room: the tasks not finished already hold too many payload and result bytes
 * ({@code limits.max_queued_bytes}), or as many tasks wait for a node as the pending bound allows
 * ({@code limits.max_pending_tasks}). Nothing was stored (503 {@code relayer_busy}, with {@code Retry-After}). The
 * room comes free as tasks are assigned, settle or fail.
 */
public final class RelayerBusyException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** The setting that refuses a task for its bytes. */
    public static final String SETTING = "limits.max_queued_bytes";
    /** The setting that refuses a task while the queue is full. */
    public static final String PENDING_SETTING = "limits.max_pending_tasks";
    /** What {@code Retry-After} says when the queue is full: about the time the providers take to drain it. */
    public static final Duration PENDING_RETRY_AFTER = Duration.ofSeconds(1);
    /** What {@code Retry-After} says: about a settlement batch and a short job. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final long queuedBytes;
    private final long taskBytes;
    private final long limit;
    private final String setting;

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
        this.setting = SETTING;
    }

    private RelayerBusyException(long pending, long limit) {
        super(PENDING_SETTING + ": " + pending + " tasks wait for a node, as many as this relayer queues (" + limit
                + "). Nothing was stored and the nonce is unused: send the same request again after Retry-After");
        this.queuedBytes = 0;
        this.taskBytes = 0;
        this.limit = limit;
        this.setting = PENDING_SETTING;
    }

    /**
     * @param pending the PENDING tasks when it was refused
     * @param limit {@code limits.max_pending_tasks}
     * @return the refusal of a task while the queue is full
     */
    public static RelayerBusyException queueFull(long pending, long limit) {
        return new RelayerBusyException(pending, limit);
    }

    /** @return the setting that refused it: {@link #SETTING} or {@link #PENDING_SETTING} */
    public String setting() {
        return setting;
    }

    /** @return how long the client should wait before it sends the request again */
    public Duration retryAfter() {
        return setting.equals(PENDING_SETTING) ? PENDING_RETRY_AFTER : RETRY_AFTER;
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
