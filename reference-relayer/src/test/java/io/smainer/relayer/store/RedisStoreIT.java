package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.smainer.chain.Felt;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.RedisServer;
import io.smainer.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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
    private Retention retention = Retention.DEFAULT;

    @Override
    protected RelayerStore newStore(Retention keep) {
        prefix = "test" + PREFIXES.incrementAndGet() + ":";
        retention = keep;
        return reopen();
    }

    private RedisStore reopen() {
        return RedisStore.builder().uri(server.uri()).prefix(prefix).clock(clock).retention(retention).build();
    }

    @Test
    void aStoreOpenedAfterAnotherClosedFindsItsEvidenceSlashesAndDisputes() {
        store.keepEvidence(Felt.of(0xa1), "{\"a\":1}", PROVIDER, Optional.of("t1"));
        store.keepEvidence(Felt.of(0xb2), "{\"b\":2}", PROVIDER, Optional.empty());
        store.slashInitiated(PROVIDER, Felt.of(0xa1));
        store.keepEvidence(Felt.of(0xc3), "{\"c\":3}", PROVIDER, Optional.empty());
        store.close();
        store = reopen();
        assertThat(store.evidence(Felt.of(0xa1))).contains("{\"a\":1}");
        assertThat(store.evidence(Felt.of(0xb2))).contains("{\"b\":2}");
        assertThat(store.disputeOf("t1")).contains(Felt.of(0xa1));
        assertThat(store.slashesWatched()).isEqualTo(Map.of(PROVIDER, Felt.of(0xa1)));
        assertThat(store.slashesToInitiate()).isEqualTo(Map.of(PROVIDER, Felt.of(0xc3)));
        assertThat(store.keepEvidence(Felt.of(0xd4), "{}", PROVIDER, Optional.of("t1"))).contains(Felt.of(0xa1));
    }

    @Test
    void aSecondStoreOnTheSameRedisSeesTasksNoncesAndLeases() {
        try (RedisStore other = reopen()) {
            TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 11))).task();
            assertThat(other.task("t1")).contains(v0);
            assertThat(other.create(task("t2", 11))).isInstanceOf(RelayerStore.Duplicate.class);
            assertThat(other.replace(v0, v0.assigned("n-b", 100, 2))).isTrue();
            assertThat(store.replace(v0, v0.assigned("n-a", 100, 2))).isFalse();
            assertThat(store.tasksOnNode("n-b")).extracting(TaskRecord::id).containsExactly("t1");
            Instant exp = clock.instant().plusSeconds(30);
            Optional<TaskStore.NonceUse> n = Optional.of(new TaskStore.NonceUse("request:0x9", Felt.of(1), exp));
            assertThat(store.create(task("t3", 13), TaskStore.Room.UNBOUNDED, n)).isInstanceOf(RelayerStore.Created.class);
            assertThat(other.create(task("t4", 14), TaskStore.Room.UNBOUNDED, n)).isInstanceOf(TaskStore.Replayed.class);
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
            other.create(task("t-9", 9));
            Await.until(Duration.ofSeconds(5), () -> here.size() == 1 && there.size() == 1);
            unrelated.create(task("t-10", 10));
            Await.until(Duration.ofSeconds(5), () -> elsewhere.size() == 1);
            assertThat(here).containsExactly(new Signal("t-9", TaskStatus.PENDING));
            assertThat(there).containsExactly(new Signal("t-9", TaskStatus.PENDING));
            assertThat(elsewhere).containsExactly(new Signal("t-10", TaskStatus.PENDING));
        }
    }

    /** Runs {@code body} with a plain Lettuce connection to the test's Redis. */
    private void withRedis(Consumer<RedisCommands<String, String>> body) {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            body.accept(c.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private long taskKeys(RedisCommands<String, String> r) {
        long n = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.matches(prefix + "t:*").limit(1_000));
            n += page.getKeys().size();
            cursor = page;
        } while (!cursor.isFinished());
        return n;
    }

    @Test
    void aReopenedStoreFindsEverythingThePreviousOneLeft() {
        TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 21))).task();
        TaskRecord v1 = v0.assigned("n1", 100, 2);
        store.replace(v0, v1);
        store.create(task("t2", 22));
        store.close();
        try (RedisStore again = reopen()) {
            assertThat(again.task("t1")).contains(v1);
            assertThat(again.tasksOnNode("n1")).containsExactly(v1);
            assertThat(again.tasksByStatus(TaskStatus.PENDING, 0, 10)).extracting(TaskRecord::id).containsExactly("t2");
            TaskRecord t3 = ((RelayerStore.Created) again.create(task("t3", 23))).task();
            assertThat(t3.seq()).isGreaterThan(again.task("t2").orElseThrow().seq());
        }
    }

    @Test
    void droppedTasksLoseTheirKeysAndEveryIndexStaysWithinTheCap() {
        reopenWith(Duration.ofDays(1), 3);
        withRedis(r -> {
            for (int i = 0; i < 10; i++) {
                if (i % 2 == 0) {
                    failedTask("t" + i, i);
                } else {
                    settledTask("t" + i, i);
                }
                clock.advance(Duration.ofSeconds(1));
                assertThat(r.zcard(prefix + "fin")).isLessThanOrEqualTo(3);
                assertThat(r.zcard(prefix + "all")).isLessThanOrEqualTo(3);
                assertThat(r.zcard(prefix + "s:SETTLED") + r.zcard(prefix + "s:FAILED")).isLessThanOrEqualTo(3);
                assertThat(r.zcard(prefix + "ef")).isLessThanOrEqualTo(3);
                assertThat(taskKeys(r)).isLessThanOrEqualTo(3);
            }
            assertThat(r.exists(prefix + "t:t0", prefix + "t:t1", prefix + "t:t6")).isZero();
            assertThat(r.exists(prefix + "e:1")).as("a dropped SETTLED task's escrow key").isZero();
            // FAILED tasks t0, t2, t4, t6 were dropped; the guard keeps the last 3 of them
            assertThat(r.exists(prefix + "e:0")).isZero();
            assertThat(r.exists(prefix + "e:2", prefix + "e:4", prefix + "e:6")).isEqualTo(3);
            assertThat(r.zrange(prefix + "ef", 0, -1)).containsExactly("2", "4", "6");
            long ttl = r.pttl(prefix + "t:t9");
            assertThat(ttl).as("a held finished task expires").isPositive().isLessThanOrEqualTo(Duration.ofDays(1).toMillis());
            assertThat(r.get(prefix + "c:SETTLED")).isEqualTo("5");
        });
        assertThat(store.create(task("reuses-t4", 4))).isEqualTo(new RelayerStore.Retired("t4"));
        assertThat(store.countByStatus()).containsEntry(TaskStatus.SETTLED, 5L).containsEntry(TaskStatus.FAILED, 5L);
    }

    @Test
    void aFinishedTasksKeyExpiresInRedisOnceTheRetentionIsOverEvenWithNoFurtherWrite() {
        reopenWith(Duration.ofMillis(300), 1_000);
        settledTask("brief", 1);
        withRedis(r -> {
            assertThat(r.pttl(prefix + "t:brief")).isPositive().isLessThanOrEqualTo(300);
            Await.until(Duration.ofSeconds(10), () -> r.exists(prefix + "t:brief", prefix + "e:1") == 0,
                    () -> "the task's keys to expire");
        });
        assertThat(store.task("brief")).isEmpty();
        assertThat(store.recentTasks(10)).isEmpty();
        assertThat(store.tasksByStatus(TaskStatus.SETTLED, 0, 10)).isEmpty();
        assertThat(store.countByStatus()).containsEntry(TaskStatus.SETTLED, 1L);
    }

    @Test
    void aPendingWebhookTakesTheExpiryOffItsTaskUntilItIsDone() {
        reopenWith(Duration.ofSeconds(60), 100);
        settledTask("hooked", 1);
        withRedis(r -> {
            assertThat(r.pttl(prefix + "t:hooked")).isPositive();
            store.addWebhook("hooked", clock.instant());
            assertThat(r.pttl(prefix + "t:hooked")).as("no expiry while pending").isEqualTo(-1);
            assertThat(r.pttl(prefix + "e:1")).isEqualTo(-1);
            clock.advance(Duration.ofSeconds(20));
            store.finishWebhook(store.claimWebhook("hooked", "a", Duration.ofSeconds(30)).orElseThrow());
            assertThat(r.pttl(prefix + "t:hooked")).as("what is left of the retention")
                    .isPositive().isLessThanOrEqualTo(40_000);
        });
    }

    @Test
    void twoStoresDroppingOnOneRedisDropEachFinishedTaskOnceAndNeverALiveOne() throws Exception {
        reopenWith(Duration.ofDays(1), 20);
        int each = 100;
        try (RedisStore other = reopen()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> runs = new ArrayList<>();
            for (RelayerStore s : List.of(store, other)) {
                String side = s == store ? "a" : "b";
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        TaskRecord t = ((RelayerStore.Created) s.create(task(side + i, (side.equals("a") ? 0 : 10_000) + i))).task();
                        TaskRecord a = t.assigned("n-" + side, 1_000, 1);
                        assertThat(s.replace(t, a)).isTrue();
                        if (i % 10 == 0) {
                            continue; // left in flight
                        }
                        TaskRecord c = a.completed(completion(), 2);
                        assertThat(s.replace(a, c)).isTrue();
                        assertThat(s.replace(c, c.settled(Optional.empty(), 3))).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(store.countByStatus()).containsEntry(TaskStatus.SETTLED, 180L).containsEntry(TaskStatus.ASSIGNED, 20L);
            assertThat(store.tasksByStatus(TaskStatus.SETTLED, 0, 1_000)).hasSize(20);
            assertThat(store.tasksOnNode("n-a")).hasSize(10);
            assertThat(other.tasksOnNode("n-b")).hasSize(10);
            withRedis(r -> assertThat(taskKeys(r)).isEqualTo(40));
        }
    }

    // ---- byte counters ----

    /**
     * What the counters must be, read from what the tasks record: {@code qb} of every task key held, and the bytes
     * of every {@code fin} member plus {@code fb} of the finished tasks a pending webhook took out of {@code fin}.
     */
    private long[] recount(RedisCommands<String, String> r) {
        long queued = 0;
        long finished = 0;
        Set<String> inFin = new HashSet<>();
        for (String m : r.zrange(prefix + "fin", 0, -1)) {
            String[] parts = m.split("\\|");
            inFin.add(parts[1]);
            finished += parts.length == 5 ? Long.parseLong(parts[4]) : 0;
        }
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.matches(prefix + "t:*").limit(1_000));
            for (String k : page.getKeys()) {
                String qb = r.hget(k, "qb");
                String fb = r.hget(k, "fb");
                queued += qb == null ? 0 : Long.parseLong(qb);
                if (fb != null && !inFin.contains(k.substring((prefix + "t:").length()))) {
                    finished += Long.parseLong(fb);
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        return new long[] {queued, finished};
    }

    private long counterKey(RedisCommands<String, String> r, String key) {
        String v = r.get(prefix + key);
        return v == null ? 0 : Long.parseLong(v);
    }

    private void assertCountersMatchTheTasks(RedisCommands<String, String> r) {
        long[] expected = recount(r);
        assertThat(counterKey(r, "qbytes")).as("qbytes").isEqualTo(expected[0]).isEqualTo(store.queuedBytes());
        assertThat(counterKey(r, "fbytes")).as("fbytes").isEqualTo(expected[1]).isEqualTo(store.finishedBytes());
    }

    @Test
    void theFinishedBytesOfTasksWhoseKeysExpiredAreSubtractedExactlyByTheNextFinish() {
        reopenWith(Duration.ofMillis(300), 1_000);
        settle(completedTask("brief1", 1, 1000, 10));
        settle(completedTask("brief2", 2, 2000, 20));
        withRedis(r -> {
            assertCountersMatchTheTasks(r);
            assertThat(store.finishedBytes()).isEqualTo(3030);
            Await.until(Duration.ofSeconds(10), () -> r.exists(prefix + "t:brief1", prefix + "t:brief2") == 0,
                    () -> "the task keys to expire");
            assertThat(store.finishedBytes()).as("counted until the next finishing write drops their fin entries")
                    .isEqualTo(3030);
            clock.advance(Duration.ofSeconds(1));
            settle(completedTask("next", 3, 5, 6));
            assertThat(store.finishedBytes()).isEqualTo(11);
            assertThat(r.zcard(prefix + "fin")).isEqualTo(1);
            assertCountersMatchTheTasks(r);
        });
    }

    @Test
    void aReopenedStoreKeepsTheByteCountersAndReleasesThemAsTasksFinish() {
        TaskRecord done = completedTask("done", 1, 300, 30);
        TaskRecord waiting = ((RelayerStore.Created) store.create(task("waiting", 2, 500))).task();
        settle(completedTask("settled", 3, 40, 4));
        store.close();
        store = reopen();
        assertThat(store.queuedBytes()).isEqualTo(330 + 500);
        assertThat(store.finishedBytes()).isEqualTo(44);
        assertThat(store.create(task("over", 4, 200), 1000)).isEqualTo(new RelayerStore.Busy(830, 200, 1000));
        settle(done);
        assertThat(store.replace(waiting, waiting.failed("cancelled", clock.millis()))).isTrue();
        assertThat(store.queuedBytes()).isZero();
        assertThat(store.finishedBytes()).isEqualTo(44 + 330 + 500);
        assertThat(store.create(task("over", 4, 200), 1000)).isInstanceOf(RelayerStore.Created.class);
        withRedis(this::assertCountersMatchTheTasks);
    }

    @Test
    void twoStoresOnOneRedisNeverJointlyPassTheQueuedLimitAndKeepExactCounters() throws Exception {
        reopenWithBytes(1024 * KIB);
        long limit = 500_000;
        int payload = 10_000;
        try (RedisStore other = reopen()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<List<TaskRecord>>> runs = new ArrayList<>();
            for (RelayerStore s : List.of(store, other)) {
                String side = s == store ? "a" : "b";
                runs.add(pool.submit(() -> {
                    List<TaskRecord> made = new ArrayList<>();
                    for (int i = 0; i < 60; i++) {
                        RelayerStore.CreateResult c = s.create(task(side + i, (side.equals("a") ? 0 : 10_000) + i, payload), limit);
                        if (c instanceof RelayerStore.Created created) {
                            made.add(created.task());
                        } else {
                            assertThat(c).isInstanceOf(RelayerStore.Busy.class);
                        }
                    }
                    return made;
                }));
            }
            List<TaskRecord> made = new ArrayList<>();
            for (Future<List<TaskRecord>> f : runs) {
                made.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(made).as("exactly as many as fit").hasSize(50);
            assertThat(other.queuedBytes()).isEqualTo(limit);
            // both finish them at once, half each, each with a 30,000-byte result
            List<Future<?>> finishing = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                RelayerStore s = k == 0 ? store : other;
                int from = k;
                finishing.add(pool.submit(() -> {
                    for (int i = from; i < made.size(); i += 2) {
                        TaskRecord t = made.get(i);
                        TaskRecord a = t.assigned("n", 1_000, 1);
                        assertThat(s.replace(t, a)).isTrue();
                        TaskRecord c = a.completed(completion(30_000), 2);
                        assertThat(s.replace(a, c)).isTrue();
                        assertThat(s.replace(c, c.settled(Optional.empty(), 3))).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> f : finishing) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(store.queuedBytes()).isZero();
            // 50 x 40,000 bytes = 2,000,000 over a budget of 1,048,576: the oldest-finished went, 26 x 40,000 stay
            assertThat(store.finishedBytes()).isEqualTo(26 * 40_000);
            assertThat(store.tasksByStatus(TaskStatus.SETTLED, 0, 1_000)).hasSize(26);
            withRedis(this::assertCountersMatchTheTasks);
        }
    }
}
