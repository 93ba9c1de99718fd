package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.Felt;
import io.smainer.protocol.TaskStatus;
import io.smainer.testing.Await;
import io.smainer.relayer.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real {@code redis-server} (started here on a free loopback port), plus what
 * only a shared store shows: two stores on one Redis see each other's tasks, nonces, leases and signals,
 * and a store opened after another closed finds everything it left.
 */
class RedisStoreIT extends RelayerStoreContract {
    private static RedisServer server;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @BeforeAll
    static void startRedis() throws Exception {
        if (RedisServer.executable().isEmpty()) {
            System.out.println("RedisStoreIT skipped: redis-server is not on the PATH (apt-get install redis-server)");
        }
        Assumptions.assumeTrue(RedisServer.executable().isPresent(), "redis-server is not on the PATH");
        server = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (server != null) {
            server.close();
        }
    }

    private String prefix;

    @Override
    protected RelayerStore newStore() {
        prefix = "test" + PREFIXES.incrementAndGet() + ":";
        return reopen();
    }

    private RedisStore reopen() {
        return RedisStore.builder().uri(server.uri()).prefix(prefix).clock(clock).build();
    }

    @Test
    void aSecondStoreOnTheSameRedisSeesTasksNoncesAndLeases() {
        try (RedisStore other = reopen()) {
            TaskRecord v0 = store.create(task("t1", 11)).task();
            assertThat(other.task("t1")).contains(v0);
            assertThat(other.create(task("t2", 11))).isInstanceOf(RelayerStore.Duplicate.class);
            assertThat(other.replace(v0, v0.assigned("n-b", 100, 2))).isTrue();
            assertThat(store.replace(v0, v0.assigned("n-a", 100, 2))).isFalse();
            assertThat(store.tasksOnNode("n-b")).extracting(TaskRecord::id).containsExactly("t1");
            Instant exp = clock.instant().plusSeconds(30);
            assertThat(store.useNonce("request:0x9", Felt.of(1), exp)).isTrue();
            assertThat(other.useNonce("request:0x9", Felt.of(1), exp)).isFalse();
            assertThat(other.acquireLease("settlement-leader", "b", Duration.ofSeconds(5))).isTrue();
            assertThat(store.acquireLease("settlement-leader", "a", Duration.ofSeconds(5))).isFalse();
        }
    }

    @Test
    void signalsReachEverySubscriberOfTheSameRedisAndNoOtherPrefix() throws Exception {
        List<Signal> here = new CopyOnWriteArrayList<>();
        List<Signal> there = new CopyOnWriteArrayList<>();
        List<Signal> elsewhere = new CopyOnWriteArrayList<>();
        String otherPrefix = "elsewhere" + PREFIXES.incrementAndGet() + ":";
        try (RedisStore other = reopen();
                RedisStore unrelated = RedisStore.builder().uri(server.uri()).prefix(otherPrefix).clock(clock).build()) {
            store.subscribe(here::add);
            other.subscribe(there::add);
            unrelated.subscribe(elsewhere::add);
            other.publish(new Signal("t-9", TaskStatus.COMPLETED));
            Await.until(Duration.ofSeconds(5), () -> here.size() == 1 && there.size() == 1);
            unrelated.publish(new Signal("t-10", TaskStatus.PENDING));
            Await.until(Duration.ofSeconds(5), () -> elsewhere.size() == 1);
            assertThat(here).containsExactly(new Signal("t-9", TaskStatus.COMPLETED));
            assertThat(elsewhere).containsExactly(new Signal("t-10", TaskStatus.PENDING));
        }
    }

    @Test
    void aReopenedStoreFindsEverythingThePreviousOneLeft() {
        TaskRecord v0 = store.create(task("t1", 21)).task();
        TaskRecord v1 = v0.assigned("n1", 100, 2);
        store.replace(v0, v1);
        store.create(task("t2", 22));
        store.close();
        try (RedisStore again = reopen()) {
            assertThat(again.task("t1")).contains(v1);
            assertThat(again.tasksOnNode("n1")).containsExactly(v1);
            assertThat(again.tasksByStatus(TaskStatus.PENDING, 0, 10)).extracting(TaskRecord::id).containsExactly("t2");
            TaskRecord t3 = again.create(task("t3", 23)).task();
            assertThat(t3.seq()).isGreaterThan(again.task("t2").orElseThrow().seq());
        }
    }

    @Test
    void wipeRemovesOnlyItsOwnPrefix() {
        store.create(task("t1", 31));
        String keep = prefix;
        prefix = "keep" + PREFIXES.incrementAndGet() + ":";
        try (RedisStore other = reopen()) {
            other.create(task("t1", 31));
            ((RedisStore) store).wipe();
            assertThat(store.task("t1")).isEmpty();
            assertThat(other.task("t1")).isPresent();
            other.wipe();
        } finally {
            prefix = keep;
        }
    }
}
