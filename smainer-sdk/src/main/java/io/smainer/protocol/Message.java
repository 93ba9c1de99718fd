package io.smainer.protocol;

/**
 * A message on the provider WebSocket. On the wire each is one JSON object with {@code v} (the
 * protocol version), {@code type} (the snake_case name of {@link #type()}), {@code id} (unique per
 * sender) and the record's fields in snake_case. {@link ProtocolCodec} is the one codec.
 */
public sealed interface Message permits Messages.Challenge, Messages.NodeRegister, Messages.Ack,
        Messages.NodeHeartbeat, Messages.TaskAssigned, Messages.TaskAccepted, Messages.TaskCompleted,
        Messages.TaskFailed, Messages.TaskRevoked, Messages.Ping, Messages.Pong, Messages.ErrorMessage {

    /** The protocol version this SDK speaks. */
    int VERSION = 1;

    /** @return the message id, unique per sender; acks and errors refer to it */
    String id();

    /** @return the wire type, e.g. {@code task_assigned} */
    default String type() {
        return MessageType.of(getClass()).wireName();
    }
}
