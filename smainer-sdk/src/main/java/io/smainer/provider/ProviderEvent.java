package io.smainer.provider;

import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Something a {@link ProviderNode} did or saw, for logs, dashboards and tests. */
public sealed interface ProviderEvent {

    /**
     * Opening a WebSocket to the relayer.
     *
     * @param uri the relayer's WebSocket address
     * @param attempt 0 for a first try after a success, then 1, 2, ... while tries fail
     */
    record Connecting(URI uri, int attempt) implements ProviderEvent {
    }

    /**
     * The relayer accepted the login.
     *
     * @param nodeId the id the relayer gave the node
     * @param heartbeatSeconds how often the node heartbeats
     * @param resentReceipts receipts not yet acknowledged that were sent again
     */
    record LoggedIn(String nodeId, int heartbeatSeconds, int resentReceipts) implements ProviderEvent {
    }

    /**
     * The relayer refused the login (e.g. the node is not registered or its key is not published).
     *
     * @param code the relayer's error code
     * @param message the relayer's explanation
     */
    record LoginRefused(String code, String message) implements ProviderEvent {
    }

    /**
     * The connection ended or could not be opened; the node tries again after {@code retryIn} unless it is
     * closing.
     *
     * @param reason what happened
     * @param retryIn the wait before the next try; zero when the node is closing
     */
    record Disconnected(String reason, Duration retryIn) implements ProviderEvent {
    }

    /**
     * A task was accepted and handed to a job runner.
     *
     * @param taskId the relayer's task id
     * @param kind the job kind
     * @param runner the runner's name
     */
    record TaskStarted(String taskId, String kind, String runner) implements ProviderEvent {
    }

    /**
     * A task was not taken (at capacity, unknown job kind, closing, past its deadline).
     *
     * @param taskId the task
     * @param reason why
     */
    record TaskRefused(String taskId, String reason) implements ProviderEvent {
    }

    /**
     * A task ran and its signed receipt was queued for the relayer.
     *
     * @param taskId the task
     * @param resultHash the result hash the receipt commits to
     * @param actualCost for effort settlement, the cost the receipt commits to
     * @param ran how long the run took
     */
    record TaskCompleted(String taskId, Felt resultHash, Optional<TokenAmount> actualCost, Duration ran)
            implements ProviderEvent {
    }

    /**
     * A task failed, ran past its deadline, or was handed back on close; the failure was reported.
     *
     * @param taskId the task
     * @param reason what went wrong
     * @param retryable true when another node may run it
     */
    record TaskFailed(String taskId, String reason, boolean retryable) implements ProviderEvent {
    }

    /**
     * The relayer took a task back; its run was cancelled.
     *
     * @param taskId the task
     * @param reason the relayer's reason
     */
    record TaskRevoked(String taskId, String reason) implements ProviderEvent {
    }

    /**
     * The relayer acknowledged a completion or failure report.
     *
     * @param taskId the task
     */
    record ReportAcknowledged(String taskId) implements ProviderEvent {
    }

    /**
     * The relayer refused a completion or failure report; it is not sent again.
     *
     * @param taskId the task
     * @param code the relayer's error code
     * @param message the relayer's explanation
     */
    record ReportRejected(String taskId, String code, String message) implements ProviderEvent {
    }

    /**
     * The relayer could not record a report now and asked for it again later (its store was down, say); the
     * node keeps it and sends it again after {@code retryIn}, and after every login until it is answered.
     *
     * @param taskId the task
     * @param code the relayer's error code
     * @param message the relayer's explanation
     * @param retryIn the wait before the report is sent again
     */
    record ReportDeferred(String taskId, String code, String message, Duration retryIn) implements ProviderEvent {
    }

    /**
     * The node closed.
     *
     * @param handedBack tasks that were still running and were reported as failed (retryable)
     * @param undelivered reports the relayer never acknowledged
     */
    record Closed(int handedBack, int undelivered) implements ProviderEvent {
    }
}
