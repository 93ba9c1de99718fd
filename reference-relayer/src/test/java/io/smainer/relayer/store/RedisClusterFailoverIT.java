package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.smainer.chain.Felt;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.RedisServer;
import io.smainer.testing.Await;
import io.smainer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A failover under a running store: the master that owns the prefix's slot gets a replica, the replica takes over
 * ({@code CLUSTER FAILOVER}), and the store carries on with the same task on the new master (Lettuce follows the
 * MOVED reply and reads the slots again; a node that lacks the scripts answers NOSCRIPT and gets them), its signals
 * still arriving.
 */
class RedisClusterFailoverIT {
    private static final String PREFIX = "{failover}:";
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private RedisServer.Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = RedisServer.startClusterOrSkip("RedisClusterFailoverIT");
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private int ownerPort() {
        RedisClusterClient client = RedisClusterClient.create(cluster.uri());
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            return c.getPartitions().getPartitionBySlot(SlotHash.getSlot(PREFIX + "seq")).getUri().getPort();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aTaskStartedBeforeTheSlotsMasterFailsOverFinishesOnTheNewMaster() throws Exception {
        int master = ownerPort();
        RedisServer replica = cluster.addReplica(master);
        List<Signal> got = new CopyOnWriteArrayList<>();
        try (RedisStore store = RedisStore.builder().uri(cluster.uri()).cluster(true).prefix(PREFIX).clock(clock).build()) {
            store.subscribe(got::add);
            TaskRecord v0 = ((RelayerStore.Created) store.create(RelayerStoreContract.task("t1", 41))).task();
            TaskRecord v1 = v0.assigned("n1", clock.millis() + 60_000, clock.millis());
            assertThat(store.replace(v0, v1)).isTrue();

            cluster.failover(replica);
            assertThat(ownerPort()).as("the replica owns the slot now").isEqualTo(replica.port());

            TaskRecord v2 = v1.running(clock.millis());
            assertThat(store.replace(v1, v2)).isTrue();
            TaskRecord v3 = v2.completed(RelayerStoreContract.completion(), clock.millis());
            assertThat(store.replace(v2, v3)).isTrue();
            TaskRecord v4 = v3.settled(Optional.of(Felt.of(0x5e7)), clock.millis());
            assertThat(store.replace(v3, v4)).isTrue();
            assertThat(store.create(RelayerStoreContract.task("t2", 42))).isInstanceOf(RelayerStore.Created.class);
            assertThat(store.task("t1")).contains(v4);
            assertThat(store.countByStatus()).containsEntry(TaskStatus.SETTLED, 1L).containsEntry(TaskStatus.PENDING, 1L);
            Await.until(Duration.ofSeconds(10), () -> got.size() >= 6, () -> "signals: " + got);
            assertThat(got).containsExactly(new Signal("t1", TaskStatus.PENDING), new Signal("t1", TaskStatus.ASSIGNED),
                    new Signal("t1", TaskStatus.RUNNING), new Signal("t1", TaskStatus.COMPLETED),
                    new Signal("t1", TaskStatus.SETTLED), new Signal("t2", TaskStatus.PENDING));
        }
    }
}
