package io.smainer.provider;

import io.smainer.Require;
import java.util.Optional;

/**
 * A snapshot of a {@link ProviderNode}: its state and counters since it started.
 *
 * @param state where the node is
 * @param nodeId the id the relayer gave it at the last login
 * @param running tasks running now
 * @param capacity tasks it runs at once
 * @param accepted tasks accepted
 * @param completed tasks completed (receipt signed)
 * @param failed tasks that failed, timed out or were handed back
 * @param refused assignments not taken
 * @param revoked tasks the relayer took back
 * @param pendingReports completion and failure reports not yet acknowledged by the relayer
 * @param logins successful logins (a count above 1 means it reconnected)
 * @param lastError the last connection problem, if any
 */
public record ProviderStatus(ProviderNode.State state, Optional<String> nodeId, int running, int capacity, long accepted,
        long completed, long failed, long refused, long revoked, int pendingReports, long logins,
        Optional<String> lastError) {
    /** Validates presence. */
    public ProviderStatus {
        Require.present("state", state);
        nodeId = Require.optional("node_id", nodeId);
        lastError = Require.optional("last_error", lastError);
    }
}
