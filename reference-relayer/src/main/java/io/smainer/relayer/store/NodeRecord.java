package io.smainer.relayer.store;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.protocol.NodeCapabilities;

/**
 * A provider node as the relayer stores it.
 *
 * @param nodeId the relayer's id for the node (stable for an address)
 * @param address the provider's account
 * @param capabilities what it offered at its last login
 * @param relayer the name of the relayer instance holding its connection
 * @param online logged in and heard from within the offline window
 * @param running tasks running on it now
 * @param completed tasks it completed
 * @param lastSeenMillis epoch millis of its last message
 */
public record NodeRecord(String nodeId, ContractAddress address, NodeCapabilities capabilities, String relayer,
        boolean online, int running, long completed, long lastSeenMillis) {
    /** Validates every field. */
    public NodeRecord {
        Require.text("node_id", nodeId, 128);
        Require.present("address", address);
        Require.present("capabilities", capabilities);
        Require.text("relayer", relayer, 64);
        Require.range("running", running, 0, 1 << 20);
        Require.range("completed", completed, 0, Long.MAX_VALUE);
    }
}
