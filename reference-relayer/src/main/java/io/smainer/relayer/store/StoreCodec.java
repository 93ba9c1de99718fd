package io.smainer.relayer.store;

import io.smainer.protocol.ProtocolCodec;

/**
 * JSON forms of the stored records, for stores that keep them outside the heap (Redis). Uses the
 * protocol's one codec, so felts, amounts and bytes have their wire forms.
 */
public final class StoreCodec {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    private StoreCodec() {
    }

    /**
     * @param task a task
     * @return its JSON
     */
    public static String taskToJson(TaskRecord task) {
        return CODEC.toJson(task);
    }

    /**
     * @param json a task's JSON
     * @return the task
     */
    public static TaskRecord taskFromJson(String json) {
        return CODEC.fromJson(json, TaskRecord.class);
    }

    /**
     * @param node a node
     * @return its JSON
     */
    public static String nodeToJson(NodeRecord node) {
        return CODEC.toJson(node);
    }

    /**
     * @param json a node's JSON
     * @return the node
     */
    public static NodeRecord nodeFromJson(String json) {
        return CODEC.fromJson(json, NodeRecord.class);
    }
}
