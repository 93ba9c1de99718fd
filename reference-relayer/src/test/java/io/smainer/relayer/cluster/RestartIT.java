package io.smainer.relayer.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.ChildJvm;
import io.smainer.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A relayer on Redis is killed (SIGKILL) in the middle of a run and started again on the same Redis and
 * port: the providers reconnect by themselves, and every task still completes and settles exactly once,
 * each settlement matching the fee math to the base unit.
 */
class RestartIT {
    private static final int TASKS = 60;
    private Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = Cluster.startOrSkip("RestartIT");
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyTaskSettlesExactlyOnceAcrossAHardKillAndRestart() throws Exception {
        int port = Cluster.freePort();
        ChildJvm relayer = cluster.relayer("relayer-1", port);
        for (int i = 1; i <= 3; i++) {
            cluster.provider(i, port, 2, Duration.ofMillis(250));
        }
        TokenAmount demanderStart = cluster.ledger.balanceOf(Cluster.DEMANDER);
        SmainerClient client = cluster.client(port);
        Map<U256, String> tasks = new ConcurrentHashMap<>();
        List<String> ids = new CopyOnWriteArrayList<>();
        // the demander keeps funding and submitting throughout, retrying while the relayer is down
        CompletableFuture<Void> demand = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < TASKS; i++) {
                JobSpec job = Cluster.echo(i);
                CreatedTask escrow = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
                String id = Cluster.submitRetrying(client, escrow.escrowId(), job, Duration.ofSeconds(60));
                tasks.put(escrow.escrowId(), id);
                ids.add(id);
            }
        });
        Await.until(Duration.ofSeconds(30), () -> cluster.settled(ids) >= 8 && inFlight(cluster.view.countByStatus()) > 0,
                () -> "8 settled and some in flight before the kill: " + cluster.view.countByStatus());
        relayer.kill();
        Map<TaskStatus, Long> atKill = cluster.view.countByStatus();
        System.out.println("RestartIT: killed the relayer (SIGKILL) with tasks " + atKill);
        assertThat(atKill.get(TaskStatus.SETTLED)).isLessThan(TASKS);
        assertThat(inFlight(atKill)).as("tasks in flight at the kill").isPositive();

        ChildJvm again = cluster.relayer("relayer-1", port);
        demand.get(90, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(60), () -> cluster.settled(ids) == TASKS,
                () -> cluster.settled(ids) + " of " + TASKS + " settled; store: " + cluster.view.countByStatus());
        cluster.assertSettledExactlyOnce(tasks, demanderStart);
        assertThat(cluster.view.countByStatus()).containsEntry(TaskStatus.SETTLED, (long) TASKS)
                .containsEntry(TaskStatus.FAILED, 0L);
        again.send("STOP");
        assertThat(again.awaitExit(Duration.ofSeconds(20))).isZero();
    }

    private static long inFlight(Map<TaskStatus, Long> counts) {
        return counts.get(TaskStatus.PENDING) + counts.get(TaskStatus.ASSIGNED) + counts.get(TaskStatus.RUNNING)
                + counts.get(TaskStatus.COMPLETED);
    }
}
