package io.smainer.relayer.scheduling;

import io.smainer.chain.ContractAddress;
import io.smainer.fee.Tier;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** A node connection that keeps what the scheduler sent it. */
final class RecordingChannel implements NodeChannel {
    private final String nodeId;
    private final ContractAddress address;
    private final NodeCapabilities caps;
    final List<Message> sent = new CopyOnWriteArrayList<>();
    volatile String closedBecause;

    RecordingChannel(String nodeId, NodeCapabilities caps) {
        this.nodeId = nodeId;
        this.address = ContractAddress.of(Math.abs(nodeId.hashCode()) + 1L);
        this.caps = caps;
    }

    static NodeCapabilities caps(Tier tier, int concurrency, long gpuMemory, String... kinds) {
        return new NodeCapabilities("test", List.of(kinds),
                gpuMemory == 0 ? List.of() : List.of(new NodeCapabilities.GpuInfo("gpu", gpuMemory, "9.0")), tier, concurrency);
    }

    List<String> assigned() {
        return sent.stream().filter(m -> m instanceof Messages.TaskAssigned).map(m -> ((Messages.TaskAssigned) m).taskId())
                .collect(Collectors.toList());
    }

    List<String> revoked() {
        return sent.stream().filter(m -> m instanceof Messages.TaskRevoked).map(m -> ((Messages.TaskRevoked) m).taskId())
                .collect(Collectors.toList());
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public ContractAddress address() {
        return address;
    }

    @Override
    public NodeCapabilities capabilities() {
        return caps;
    }

    @Override
    public void send(Message message) {
        sent.add(message);
    }

    @Override
    public void close(String reason) {
        closedBecause = reason;
    }
}
