package io.smainer.relayer.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.TaskStatus;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.ChildJvm;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two relayer processes on one Redis: tasks submitted to relayer A run on a provider connected only to
 * relayer B; A, the settlement leader, is killed hard while it holds completed tasks it has not settled;
 * B takes the lease over once it expires and settles them, and everything it gets after, exactly once.
 */
class TwoRelayersIT {
    private static final int PER_PHASE = 8;
    private Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = Cluster.startOrSkip("TwoRelayersIT");
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aTaskSentToOneRelayerRunsOnTheOthersProviderAndSettlementFailsOverWhenTheLeaderDies() throws Exception {
        int portA = Cluster.freePort();
        int portB = Cluster.freePort();
        // A settles only in big, late batches, so it still holds completed tasks when it dies
        ChildJvm a = cluster.relayer("relayer-a", portA, List.of("settlement.max_delay_millis=600000",
                "settlement.batch_size=1000"));
        a.awaitOutput(Duration.ofSeconds(10), l -> l.contains("relayer-a is the settlement leader"));
        ChildJvm b = cluster.relayer("relayer-b", portB);
        ProviderNode provider = cluster.provider(1, portB, 2, Duration.ofMillis(50));
        Await.until(Duration.ofSeconds(20), () -> provider.status().state() == ProviderNode.State.READY);
        TokenAmount demanderStart = cluster.ledger.balanceOf(Cluster.DEMANDER);
        String nodeId = provider.status().nodeId().orElseThrow();

        SmainerClient toA = cluster.client(portA);
        Map<U256, String> tasks = new LinkedHashMap<>();
        List<String> first = new ArrayList<>();
        for (int i = 0; i < PER_PHASE; i++) {
            JobSpec job = Cluster.echo(i);
            CreatedTask escrow = toA.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            String id = toA.submit(escrow.escrowId(), job).taskId();
            tasks.put(escrow.escrowId(), id);
            first.add(id);
        }
        Await.until(Duration.ofSeconds(30), () -> first.stream().allMatch(id -> cluster.view.task(id)
                .map(t -> t.status() == TaskStatus.COMPLETED).orElse(false)), () -> "first tasks completed: "
                + cluster.view.countByStatus());
        for (String id : first) {
            TaskRecord t = cluster.view.task(id).orElseThrow();
            assertThat(t.nodeId()).contains(nodeId);
            assertThat(t.completion().orElseThrow().provider()).isEqualTo(provider.address());
        }
        assertThat(cluster.view.node(nodeId).orElseThrow().relayer()).isEqualTo("relayer-b");
        assertThat(cluster.settled(first)).isZero();
        assertThat(b.output()).noneMatch(l -> l.contains("relayer-b is the settlement leader"));

        a.kill();
        b.awaitOutput(Duration.ofSeconds(15), l -> l.contains("relayer-b is the settlement leader"));

        SmainerClient toB = cluster.client(portB);
        List<String> all = new ArrayList<>(first);
        for (int i = PER_PHASE; i < 2 * PER_PHASE; i++) {
            JobSpec job = Cluster.echo(i);
            CreatedTask escrow = toB.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            String id = toB.submit(escrow.escrowId(), job).taskId();
            tasks.put(escrow.escrowId(), id);
            all.add(id);
        }
        Await.until(Duration.ofSeconds(30), () -> cluster.settled(all) == all.size(),
                () -> cluster.settled(all) + " of " + all.size() + " settled: " + cluster.view.countByStatus());
        cluster.assertSettledExactlyOnce(tasks, demanderStart);
        Api.TaskResult result = toB.awaitResult(first.get(0), Duration.ofSeconds(5));
        assertThat(new String(result.result(), StandardCharsets.UTF_8)).isEqualTo("task 0");
        b.send("STOP");
        assertThat(b.awaitExit(Duration.ofSeconds(20))).isZero();
    }
}
