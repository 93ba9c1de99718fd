package io.smainer.relayer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.SettlementMode;
import io.smainer.relayer.store.MemoryStore;
import io.smainer.relayer.store.NodeRecord;
import io.smainer.relayer.store.TaskRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WaitingTest {
    private final MemoryStore store = MemoryStore.create(Clock.systemUTC());
    private final Waiting waiting = new Waiting(store);

    @AfterEach
    void closeStore() {
        store.close();
    }

    private void online(String id, String kind, int running, int capacity) {
        store.putNode(new NodeRecord(id, ContractAddress.of(0x500), new NodeCapabilities("test", List.of(kind), List.of(),
                Tier.PREMIUM, capacity), "relayer-a", true, running, 0, 0));
    }

    private void pending(String id, long escrow, String kind) {
        store.create(TaskRecord.pending(id, U256.of(escrow), ContractAddress.of(0xd), JobSpec.of(kind, Map.of(), new byte[0]),
                SettlementMode.FLAT, TokenAmount.ofBaseUnits(100), TokenAmount.ofBaseUnits(100),
                Tier.BASIC.defaultMultiplier(), Tier.BASIC, Optional.empty(), Optional.empty(), 1));
    }

    @Test
    void aNoIsReadAfreshSoAProviderThatJustLoggedInIsSeenAtOnce() {
        JobSpec echo = JobSpec.of("echo", Map.of(), new byte[0]);
        assertThat(waiting.runnable(echo, Tier.BASIC)).isFalse(); // nobody online: the empty list is now the recent one
        online("n1", "echo", 0, 1);
        assertThat(waiting.runnable(echo, Tier.BASIC)).isTrue(); // within the 250 ms: not answered from the stale list
        assertThat(waiting.runnable(JobSpec.of("render", Map.of(), new byte[0]), Tier.BASIC)).isFalse();
    }

    @Test
    void countsThePendingTasksByReason() {
        online("n1", "echo", 1, 1);
        pending("t1", 1, "echo");
        pending("t2", 2, "render");
        pending("t3", 3, "render");
        assertThat(waiting.reasons()).containsEntry("busy", 1L).containsEntry("no_kind", 2L)
                .containsEntry("no_provider", 0L);
        assertThat(waiting.why(store.task("t2").orElseThrow()))
                .hasValue("no provider online offers job kind render (1 online)");
        assertThat(waiting.unmatched(ContractAddress.of(0xd), 10, 10)).isEqualTo(new Waiting.Unmatched(2, 2));
    }
}
