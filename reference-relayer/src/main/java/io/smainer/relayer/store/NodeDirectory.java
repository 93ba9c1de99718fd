package io.smainer.relayer.store;

import java.util.List;
import java.util.Optional;

/**
 * The nodes role of the {@link RelayerStore}: the provider nodes known, shared by the relayers on one store.
 */
public interface NodeDirectory {
    /**
     * Inserts or replaces a node. The write may still be on its way when this returns (the Redis store does not
     * wait for the reply): this store's later reads see it, another relayer's a moment later. A failure is
     * logged; the next save of the node repeats it.
     *
     * @param node the node
     */
    void putNode(NodeRecord node);

    /**
     * @param nodeId a node id
     * @return the node
     */
    Optional<NodeRecord> node(String nodeId);

    /** @return every node known, sorted by id */
    List<NodeRecord> nodes();
}
