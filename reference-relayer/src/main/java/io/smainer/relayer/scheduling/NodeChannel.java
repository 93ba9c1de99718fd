package io.smainer.relayer.scheduling;

import io.smainer.chain.ContractAddress;
import io.smainer.protocol.Message;
import io.smainer.protocol.NodeCapabilities;

/**
 * A logged-in provider connection as the scheduler sees it. The WebSocket session implements it; the
 * scheduler never sees Jetty.
 */
public interface NodeChannel {
    /** @return the relayer's id for the node */
    String nodeId();

    /** @return the provider's account */
    ContractAddress address();

    /** @return what it offered at login */
    NodeCapabilities capabilities();

    /** @return how far ahead of the relayer's its clock was at login (negative: behind); 0 when it did not say */
    default long clockSkewMillis() {
        return 0;
    }

    /**
     * Sends a message without blocking; a failure closes the channel, which the owner reports with
     * {@link Scheduler#nodeClosed}.
     *
     * @param message the message
     */
    void send(Message message);

    /**
     * Closes the connection.
     *
     * @param reason why, for the peer and the log
     */
    void close(String reason);
}
