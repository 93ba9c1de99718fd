package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.smainer.chain.Felt;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.RedisServer;
import io.smainer.testing.Await;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real three-node Redis Cluster ({@code redis-server --cluster-enabled yes}, joined by
 * {@code redis-cli --cluster create}): each test's prefix carries its own hash tag, so the tests' keys land on
 * different nodes and every script call must be routed to the node that owns its prefix's slot. Plus what only a
 * cluster shows: a store connected elsewhere in the cluster follows a task's life cycle and gets its signals, scripts
 * lost by every node are loaded again, and a prefix without a hash tag is refused.
 */
class RedisClusterStoreIT extends RelayerStoreContract {
    private static RedisServer.Cluster cluster;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisServer.startClusterOrSkip("RedisClusterStoreIT");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String prefix;
    private Retention retention = Retention.DEFAULT;

    @Override
    protected RelayerStore newStore(Retention keep) {
        prefix = "{test" + PREFIXES.incrementAndGet() + "}:";
        retention = keep;
        return reopen();
    }

    private RedisStore reopen() {
        return RedisStore.builder().uri(cluster.uri()).cluster(true).prefix(prefix).clock(clock).retention(retention).build();
    }

    @Test
    void theTestsPrefixesSpreadOverTheNodes() {
        Set<Integer> owners = new HashSet<>();
        RedisClusterClient client = RedisClusterClient.create(cluster.uri());
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            for (int i = 1; i <= 30; i++) {
                owners.add(c.getPartitions().getPartitionBySlot(SlotHash.getSlot("{test" + i + "}:seq")).getUri().getPort());
            }
        } finally {
            client.shutdown();
        }
        assertThat(owners).as("the nodes owning the tests' slots").hasSize(3);
    }

    @Test
    void aStoreConnectedElsewhereInTheClusterFollowsALifeCycleAndGetsEverySignal() throws Exception {
        List<Signal> there = new CopyOnWriteArrayList<>();
        try (RedisStore other = reopen()) {
            other.subscribe(there::add);
            TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 21))).task();
            TaskRecord v1 = v0.assigned("n1", clock.millis() + 60_000, clock.millis());
            assertThat(other.replace(v0, v1)).isTrue();
            assertThat(store.replace(v0, v0.assigned("n2", 100, 2))).as("the other store's write won").isFalse();
            assertThat(store.tasksOnNode("n1")).extracting(TaskRecord::id).containsExactly("t1");
            TaskRecord v2 = v1.running(clock.millis());
            assertThat(store.replace(v1, v2)).isTrue();
            TaskRecord v3 = v2.completed(completion(), clock.millis());
            assertThat(other.replaceEach(List.of(v2), List.of(v3))).containsExactly(true);
            TaskRecord v4 = v3.settled(Optional.of(Felt.of(0x5e7)), clock.millis());
            assertThat(store.replace(v3, v4)).isTrue();
            Await.until(Duration.ofSeconds(5), () -> there.size() >= 5, () -> "signals: " + there);
            assertThat(there).containsExactly(new Signal("t1", TaskStatus.PENDING), new Signal("t1", TaskStatus.ASSIGNED),
                    new Signal("t1", TaskStatus.RUNNING), new Signal("t1", TaskStatus.COMPLETED),
                    new Signal("t1", TaskStatus.SETTLED));
            assertThat(other.task("t1")).contains(v4);
            assertThat(other.countByStatus()).containsEntry(TaskStatus.SETTLED, 1L);
            assertThat(other.acquireLease("settlement-leader", "b", Duration.ofSeconds(5))).isTrue();
            assertThat(store.acquireLease("settlement-leader", "a", Duration.ofSeconds(5))).isFalse();
        }
    }

    @Test
    void scriptsLostByEveryNodeAreLoadedAgainOnTheNodeThatRunsThem() {
        TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 31))).task();
        RedisClusterClient client = RedisClusterClient.create(cluster.uri());
        try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
            assertThat(c.sync().scriptFlush()).isEqualTo("OK"); // on every node
        } finally {
            client.shutdown();
        }
        TaskRecord v1 = v0.assigned("n1", clock.millis() + 60_000, clock.millis());
        assertThat(store.replace(v0, v1)).isTrue();
        assertThat(store.replaceEach(List.of(v1), List.of(v1.running(clock.millis())))).containsExactly(true);
        assertThat(store.create(task("t2", 32))).isInstanceOf(RelayerStore.Created.class);
        assertThat(store.tasksByStatus(TaskStatus.RUNNING, 0, 10)).extracting(TaskRecord::id).containsExactly("t1");
    }

    @Test
    void refusesAPrefixWithoutAHashTagOnACluster() {
        for (String bad : List.of("smainer:", "{}:smainer:", "{smainer:", "smainer}:{")) {
            assertThatThrownBy(() -> RedisStore.builder().uri(cluster.uri()).cluster(true).prefix(bad).build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prefix").hasMessageContaining("hash tag such as {smainer}:");
        }
        assertThat(RedisStore.hasHashTag("{smainer}:")).isTrue();
        assertThat(RedisStore.hasHashTag("eu-{1}:")).isTrue();
        assertThat(RedisStore.hasHashTag("{}{a}:")).as("Redis takes the first '{' and the first '}' after it").isFalse();
    }
}
