package io.smainer.relayer.http;

import io.smainer.protocol.Api;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.NodeRecord;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.seal.SealedJobs;
import java.util.Map;
import java.util.Optional;

/** Stored records to REST views. */
public final class Views {
    private Views() {
    }

    /**
     * {@code GET /stats}.
     *
     * @param relayer the relayer's name
     * @param tasks tasks by status (lower-case)
     * @param nodesOnline nodes online
     * @param nodesTotal nodes known
     * @param settlementBatches settlement transactions sent
     * @param settlementReverts batches reverted
     * @param webhooksDelivered webhooks answered 2xx
     * @param uptimeSeconds since start
     * @param waiting the pending tasks that wait, by why: no provider online ({@code no_provider}), none offers the
     *     kind ({@code no_kind}), the tier ({@code no_tier}) or the memory ({@code no_memory}), a sealed task none of
     *     whose recipients is online ({@code no_recipient}), all busy ({@code busy})
     */
    public record Stats(String relayer, Map<String, Long> tasks, long nodesOnline, long nodesTotal, long settlementBatches,
            long settlementReverts, long webhooksDelivered, long uptimeSeconds, Map<String, Long> waiting) {
    }

    /**
     * {@code GET /health}.
     *
     * @param status {@code ok}
     * @param relayer the relayer's name
     * @param chainId the chain it settles on
     */
    public record Health(String status, String relayer, String chainId) {
    }

    /**
     * The body of {@code GET /livez}.
     *
     * @param status {@code alive}
     */
    public record Liveness(String status) {
    }

    /**
     * The body of {@code GET /readyz}.
     *
     * @param status {@code ready}, {@code not_ready} (the store does not answer) or {@code draining} (shutting down)
     * @param store {@code ok}, {@code unavailable}, or {@code not_checked} while draining
     * @param draining true once the relayer is shutting down
     */
    public record Readiness(String status, String store, boolean draining) {
    }

    /**
     * @param t a task
     * @param waiting while it is pending, why no provider has taken it
     * @return its view; the result hash shows once settled, with the result
     */
    public static Api.TaskView task(TaskRecord t, Optional<String> waiting) {
        boolean released = t.status() == TaskStatus.SETTLED;
        return new Api.TaskView(t.id(), t.status(), t.escrowId(), t.demander(), t.job().kind(), t.nodeId(), t.attempts(),
                released ? t.completion().map(Completion::resultHash) : Optional.empty(), t.settlementTx(), t.error(),
                t.createdAtMillis(), t.updatedAtMillis(), waiting, Optional.of(SealedJobs.isSealed(t.job())
                        ? Api.TaskView.CHECKED_BY_DEMANDER : Api.TaskView.CHECKED_BY_RELAYER));
    }

    /**
     * @param n a node
     * @param lastSeen its last-seen time when connected here
     * @return its view
     */
    public static Api.NodeView node(NodeRecord n, Optional<Long> lastSeen) {
        return new Api.NodeView(n.nodeId(), n.address(), n.online(), n.capabilities(), n.running(), n.completed(),
                lastSeen.orElse(n.lastSeenMillis()), n.clockSkewMillis(), n.lateRefusals());
    }
}
