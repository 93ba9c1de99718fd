package io.smainer.protocol;

import io.smainer.InvalidFieldException;

/** Every WebSocket message type, with its wire name and record class. */
public enum MessageType {
    /** Relayer to provider: sign this nonce to log in. */
    CHALLENGE("challenge", Messages.Challenge.class),
    /** Provider to relayer: login with the signed challenge and capabilities. */
    NODE_REGISTER("node_register", Messages.NodeRegister.class),
    /** Either way: a message was accepted. */
    ACK("ack", Messages.Ack.class),
    /** Provider to relayer: alive, with load. */
    NODE_HEARTBEAT("node_heartbeat", Messages.NodeHeartbeat.class),
    /** Relayer to provider: run this task. */
    TASK_ASSIGNED("task_assigned", Messages.TaskAssigned.class),
    /** Provider to relayer: running it. */
    TASK_ACCEPTED("task_accepted", Messages.TaskAccepted.class),
    /** Provider to relayer: the result and its signed receipt. */
    TASK_COMPLETED("task_completed", Messages.TaskCompleted.class),
    /** Provider to relayer: could not run it. */
    TASK_FAILED("task_failed", Messages.TaskFailed.class),
    /** Relayer to provider: stop this task; it went elsewhere. */
    TASK_REVOKED("task_revoked", Messages.TaskRevoked.class),
    /** Either way: are you there. */
    PING("ping", Messages.Ping.class),
    /** Either way: here. */
    PONG("pong", Messages.Pong.class),
    /** Either way: a message was refused. */
    ERROR("error", Messages.ErrorMessage.class);

    private final String wireName;
    private final Class<? extends Message> type;

    MessageType(String wireName, Class<? extends Message> type) {
        this.wireName = wireName;
        this.type = type;
    }

    /** @return the {@code type} value on the wire */
    public String wireName() {
        return wireName;
    }

    /** @return the record class */
    public Class<? extends Message> recordClass() {
        return type;
    }

    /**
     * @param wireName a {@code type} value
     * @return the message type
     * @throws InvalidFieldException for an unknown type
     */
    public static MessageType fromWire(String wireName) {
        for (MessageType t : values()) {
            if (t.wireName.equals(wireName)) {
                return t;
            }
        }
        throw new InvalidFieldException("type", "one of challenge, node_register, ack, node_heartbeat, task_assigned, "
                + "task_accepted, task_completed, task_failed, task_revoked, ping, pong, error", wireName);
    }

    /**
     * @param type a record class
     * @return its message type
     */
    public static MessageType of(Class<?> type) {
        for (MessageType t : values()) {
            if (t.type == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a message class: " + type);
    }
}
