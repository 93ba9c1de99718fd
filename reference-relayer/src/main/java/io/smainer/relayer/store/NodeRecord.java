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
 * @param clockSkewMillis how far ahead of the relayer's clock its clock was at its last login (negative: behind);
 *     0 when it did not say
 * @param lateRefusals tasks it refused as late since it last completed one, though their deadline had not passed by
 *     the relayer's clock (its clock runs ahead): while above 0 it is offered tasks only when no other node fits
 */
public record NodeRecord(String nodeId, ContractAddress address, NodeCapabilities capabilities, String relayer,
        boolean online, int running, long completed, long lastSeenMillis, long clockSkewMillis, int lateRefusals) {
    /** Validates every field. */
    public NodeRecord {
        Require.text("node_id", nodeId, 128);
        Require.present("address", address);
        Require.present("capabilities", capabilities);
        Require.text("relayer", relayer, 64);
        Require.range("running", running, 0, 1 << 20);
        Require.range("completed", completed, 0, Long.MAX_VALUE);
        Require.range("late_refusals", lateRefusals, 0, Integer.MAX_VALUE);
    }

    /**
     * A node with no clock reading and no late refusals.
     *
     * @param nodeId the relayer's id for the node
     * @param address the provider's account
     * @param capabilities what it offered at its last login
     * @param relayer the relayer instance holding its connection
     * @param online logged in and heard from within the offline window
     * @param running tasks running on it now
     * @param completed tasks it completed
     * @param lastSeenMillis epoch millis of its last message
     */
    public NodeRecord(String nodeId, ContractAddress address, NodeCapabilities capabilities, String relayer,
            boolean online, int running, long completed, long lastSeenMillis) {
        this(nodeId, address, capabilities, relayer, online, running, completed, lastSeenMillis, 0, 0);
    }
}
