package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Signature;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.testing.Await;
import io.smainer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RelayerStore} shares. A store implementation's test extends this class and
 * supplies a fresh, empty store; the clock it is given must be {@link #clock}.
 */
public abstract class RelayerStoreContract {
    /** The clock the store must use; tests move it. */
    protected final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    protected RelayerStore store;

    /**
     * @param retention how long and how many finished tasks it keeps
     * @return a fresh, empty store on {@link #clock}
     */
    protected abstract RelayerStore newStore(Retention retention);

    /** @return a fresh, empty store on {@link #clock} with the default retention */
    protected RelayerStore newStore() {
        return newStore(Retention.DEFAULT);
    }

    /** Replaces {@link #store} with a fresh one keeping finished tasks {@code for} and at most {@code max}. */
    protected void reopenWith(Duration keep, int max) {
        store.close();
        store = newStore(new Retention(keep, max));
    }

    /** Replaces {@link #store} with a fresh one keeping finished tasks a day, at most 1,000, at most {@code maxBytes}. */
    protected void reopenWithBytes(long maxBytes) {
        store.close();
        store = newStore(new Retention(Duration.ofDays(1), 1_000, maxBytes));
    }

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static TaskRecord task(String id, long escrow) {
        return TaskRecord.pending(id, U256.of(escrow), ContractAddress.of(0xabc), JobSpec.of("echo", Map.of("a", "b"),
                new byte[] {1, 2, 3}), SettlementMode.FLAT, TokenAmount.ofBaseUnits(1000), TokenAmount.ofBaseUnits(1000),
                Tier.BASIC.defaultMultiplier(), Tier.BASIC, Optional.of("http://127.0.0.1:9/hook"), Optional.empty(), 1);
    }

    static final int KIB = 1024;

    /** A PENDING task whose job carries {@code payloadBytes} bytes. */
    static TaskRecord task(String id, long escrow, int payloadBytes) {
        return TaskRecord.pending(id, U256.of(escrow), ContractAddress.of(0xabc), JobSpec.of("echo", Map.of(),
                new byte[payloadBytes]), SettlementMode.FLAT, TokenAmount.ofBaseUnits(1000), TokenAmount.ofBaseUnits(1000),
                Tier.BASIC.defaultMultiplier(), Tier.BASIC, Optional.empty(), Optional.empty(), 1);
    }

    static Completion completion(int resultBytes) {
        return new Completion(ContractAddress.of(0x77), new byte[resultBytes], Felt.of(5),
                new Signature(Felt.of(1), Felt.of(2)), Optional.empty(), Optional.empty(), 5);
    }

    /** A COMPLETED task of {@code payload} bytes with a result of {@code result} bytes. */
    protected TaskRecord completedTask(String id, long escrow, int payload, int result) {
        long now = clock.millis();
        TaskRecord t = ((RelayerStore.Created) store.create(task(id, escrow, payload))).task();
        TaskRecord a = t.assigned("n-" + id, now + 60_000, now);
        assertThat(store.replace(t, a)).isTrue();
        TaskRecord c = a.completed(completion(result), now);
        assertThat(store.replace(a, c)).isTrue();
        return c;
    }

    /** Settles a COMPLETED task now. */
    protected TaskRecord settle(TaskRecord completed) {
        TaskRecord s = completed.settled(Optional.empty(), clock.millis());
        assertThat(store.replace(completed, s)).isTrue();
        return s;
    }

    /** Creates, assigns to {@code node}, runs and completes a task: COMPLETED, not finished. */
    protected TaskRecord completedTask(String id, long escrow, String node) {
        long now = clock.millis();
        TaskRecord t = ((RelayerStore.Created) store.create(task(id, escrow))).task();
        TaskRecord a = t.assigned(node, now + 60_000, now);
        assertThat(store.replace(t, a)).isTrue();
        TaskRecord r = a.running(now);
        assertThat(store.replace(a, r)).isTrue();
        TaskRecord c = r.completed(completion(), now);
        assertThat(store.replace(r, c)).isTrue();
        return c;
    }

    /** Runs a task through to SETTLED. */
    protected TaskRecord settledTask(String id, long escrow) {
        TaskRecord c = completedTask(id, escrow, "n-" + id);
        TaskRecord s = c.settled(Optional.of(Felt.of(0x5e7)), clock.millis());
        assertThat(store.replace(c, s)).isTrue();
        return s;
    }

    /** Runs a task through one failed attempt to FAILED. */
    protected TaskRecord failedTask(String id, long escrow) {
        long now = clock.millis();
        TaskRecord t = ((RelayerStore.Created) store.create(task(id, escrow))).task();
        TaskRecord a = t.assigned("n-" + id, now + 60_000, now);
        assertThat(store.replace(t, a)).isTrue();
        TaskRecord f = a.failed("no node could run it", now);
        assertThat(store.replace(a, f)).isTrue();
        return f;
    }

    static Completion completion() {
        return new Completion(ContractAddress.of(0x77), new byte[] {9, 9}, Felt.of(5), new Signature(Felt.of(1), Felt.of(2)),
                Optional.empty(), Optional.empty(), 5);
    }

    @Test
    void storesANewTaskWithASequenceAndFindsItByIdAndEscrow() {
        TaskRecord stored = ((RelayerStore.Created) store.create(task("t1", 1))).task();
        assertThat(stored.seq()).isPositive();
        assertThat(store.task("t1")).contains(stored);
        assertThat(store.taskByEscrow(U256.of(1))).contains(stored);
        assertThat(store.task("nope")).isEmpty();
    }

    @Test
    void refusesASecondTaskOnTheSameEscrow() {
        store.create(task("t1", 7));
        RelayerStore.CreateResult again = store.create(task("t2", 7));
        assertThat(again).isInstanceOf(RelayerStore.Duplicate.class);
        assertThat(((RelayerStore.Duplicate) again).task().id()).isEqualTo("t1");
        assertThat(store.task("t2")).isEmpty();
    }

    @Test
    void replacesOnlyTheVersionItRead() {
        TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 1))).task();
        TaskRecord v1 = v0.assigned("n1", 100, 2);
        assertThat(store.replace(v0, v1)).isTrue();
        assertThat(store.replace(v0, v0.assigned("n2", 100, 2))).isFalse();
        assertThat(store.task("t1").orElseThrow().nodeId()).contains("n1");
    }

    @Test
    void oneOfManyConcurrentClaimsWins() throws Exception {
        TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 1))).task();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger wins = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            String node = "n" + i;
            pool.submit(() -> {
                go.await();
                if (store.replace(v0, v0.assigned(node, 100, 2))) {
                    wins.incrementAndGet();
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(wins).hasValue(1);
    }

    @Test
    void indexesTasksByStatusOldestFirstAndByNode() {
        List<TaskRecord> made = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            made.add(((RelayerStore.Created) store.create(task("t" + i, i))).task());
        }
        store.replace(made.get(1), made.get(1).assigned("n1", 100, 2));
        store.replace(made.get(3), made.get(3).assigned("n1", 100, 2));
        assertThat(store.tasksByStatus(TaskStatus.PENDING, 0, 10)).extracting(TaskRecord::id).containsExactly("t1", "t3", "t5");
        assertThat(store.tasksByStatus(TaskStatus.PENDING, 0, 2)).extracting(TaskRecord::id).containsExactly("t1", "t3");
        long after = store.task("t3").orElseThrow().seq();
        assertThat(store.tasksByStatus(TaskStatus.PENDING, after, 10)).extracting(TaskRecord::id).containsExactly("t5");
        assertThat(store.tasksOnNode("n1")).extracting(TaskRecord::id).containsExactlyInAnyOrder("t2", "t4");
        assertThat(store.countByStatus()).containsEntry(TaskStatus.PENDING, 3L).containsEntry(TaskStatus.ASSIGNED, 2L)
                .containsEntry(TaskStatus.SETTLED, 0L);
        assertThat(store.recentTasks(2)).extracting(TaskRecord::id).containsExactly("t5", "t4");
    }

    @Test
    void aTaskLeavesItsNodeIndexWhenItCompletesOrIsRequeued() {
        TaskRecord a = ((RelayerStore.Created) store.create(task("t1", 1))).task();
        TaskRecord b = ((RelayerStore.Created) store.create(task("t2", 2))).task();
        TaskRecord a1 = a.assigned("n1", 100, 2);
        TaskRecord b1 = b.assigned("n1", 100, 2);
        store.replace(a, a1);
        store.replace(b, b1);
        store.replace(a1, a1.completed(completion(), 3));
        store.replace(b1, b1.requeued("node lost", 3));
        assertThat(store.tasksOnNode("n1")).isEmpty();
        assertThat(store.tasksByStatus(TaskStatus.COMPLETED, 0, 10)).extracting(TaskRecord::id).containsExactly("t1");
        assertThat(store.tasksByStatus(TaskStatus.PENDING, 0, 10)).extracting(TaskRecord::id).containsExactly("t2");
    }

    @Test
    void recordsARequestsNonceWithItsTaskAndRefusesItAgainUntilItExpires() {
        Instant exp = clock.instant().plusSeconds(60);
        Optional<TaskStore.NonceUse> n42 = Optional.of(new TaskStore.NonceUse("request:0x1", Felt.of(42), exp));
        assertThat(store.create(task("t1", 1), TaskStore.Room.UNBOUNDED, n42)).isInstanceOf(RelayerStore.Created.class);
        assertThat(store.create(task("t2", 2), TaskStore.Room.UNBOUNDED, n42)).isEqualTo(new TaskStore.Replayed(Felt.of(42)));
        assertThat(store.task("t2")).as("a replay stores nothing").isEmpty();
        assertThat(store.create(task("t2", 2), TaskStore.Room.UNBOUNDED,
                Optional.of(new TaskStore.NonceUse("request:0x2", Felt.of(42), exp)))).as("another signer's nonce")
                .isInstanceOf(RelayerStore.Created.class);
        assertThat(store.create(task("t1-again", 1), TaskStore.Room.UNBOUNDED, n42)).as("the escrow's task answers first")
                .isInstanceOf(RelayerStore.Duplicate.class);
        clock.advance(Duration.ofSeconds(61));
        assertThat(store.create(task("t3", 3), TaskStore.Room.UNBOUNDED, Optional.of(new TaskStore.NonceUse("request:0x1",
                Felt.of(42), clock.instant().plusSeconds(60))))).as("expired: free again").isInstanceOf(RelayerStore.Created.class);
    }

    @Test
    void aRequestRefusedForRoomLeavesItsNonceUnused() {
        Optional<TaskStore.NonceUse> n7 = Optional.of(new TaskStore.NonceUse("request:0x1", Felt.of(7),
                clock.instant().plusSeconds(60)));
        store.create(task("t1", 1));
        assertThat(store.create(task("t2", 2), new TaskStore.Room(Long.MAX_VALUE, 1), n7))
                .isEqualTo(new TaskStore.Full(1, 1));
        assertThat(store.create(task("t2", 2), new TaskStore.Room(3, 10), n7)).as("3 bytes held, 3 more would pass 3")
                .isEqualTo(new TaskStore.Busy(3, 3, 3));
        assertThat(store.create(task("t2", 2), new TaskStore.Room(Long.MAX_VALUE, 2), n7)).isInstanceOf(RelayerStore.Created.class);
    }

    @Test
    void admissionReadsTheRoomAndTheEscrowsTaskTogether() {
        TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 1))).task();
        store.create(task("t2", 2));
        store.replace(v0, v0.assigned("n1", 100, 2));
        TaskStore.Admission a = store.admission(U256.of(1));
        assertThat(a.queuedBytes()).isEqualTo(6);
        assertThat(a.pending()).isEqualTo(1);
        assertThat(a.existing().map(TaskRecord::id)).contains("t1");
        assertThat(store.admission(U256.of(99)).existing()).isEmpty();
    }

    @Test
    void keepsNodesById() {
        NodeCapabilities caps = new NodeCapabilities("gpu-box", List.of("echo"), List.of(), Tier.PRO, 4);
        store.putNode(new NodeRecord("n2", ContractAddress.of(2), caps, "r1", true, 0, 0, 1));
        store.putNode(new NodeRecord("n1", ContractAddress.of(1), caps, "r1", true, 0, 0, 1));
        store.putNode(new NodeRecord("n1", ContractAddress.of(1), caps, "r1", false, 0, 3, 2));
        assertThat(store.nodes()).extracting(NodeRecord::nodeId).containsExactly("n1", "n2");
        assertThat(store.node("n1").orElseThrow().completed()).isEqualTo(3);
    }

    static final ContractAddress PROVIDER = ContractAddress.of(0x3001);
    static final Felt EVIDENCE_A = Felt.of(0xa1);
    static final Felt EVIDENCE_B = Felt.of(0xb2);

    @Test
    void keepsEvidenceOnceByItsHashAndQueuesOneInitiationAProvider() {
        assertThat(store.evidence(EVIDENCE_A)).isEmpty();
        assertThat(store.keepEvidence(EVIDENCE_A, "{\"a\":1}", PROVIDER, Optional.empty())).isEmpty();
        assertThat(store.keepEvidence(EVIDENCE_A, "{\"other\":2}", PROVIDER, Optional.empty())).isEmpty();
        assertThat(store.evidence(EVIDENCE_A)).contains("{\"a\":1}");
        assertThat(store.keepEvidence(EVIDENCE_B, "{\"b\":\"é\"}", PROVIDER, Optional.empty())).isEmpty();
        assertThat(store.evidence(EVIDENCE_B)).contains("{\"b\":\"é\"}");
        assertThat(store.slashesToInitiate()).isEqualTo(Map.of(PROVIDER, EVIDENCE_A));
        assertThat(store.slashesWatched()).isEmpty();
        assertThat(store.disputeOf("t1")).isEmpty();
    }

    @Test
    void aSlashMovesFromInitiationToWatchedAndEndsOnlyForTheHashItHolds() {
        ContractAddress other = ContractAddress.of(0x3002);
        store.keepEvidence(EVIDENCE_A, "{}", PROVIDER, Optional.empty());
        store.keepEvidence(EVIDENCE_B, "{}", other, Optional.empty());
        store.slashInitiated(PROVIDER, EVIDENCE_A);
        assertThat(store.slashesToInitiate()).isEqualTo(Map.of(other, EVIDENCE_B));
        assertThat(store.slashesWatched()).isEqualTo(Map.of(PROVIDER, EVIDENCE_A));
        store.slashInitiated(PROVIDER, EVIDENCE_A); // a second relayer finding it initiated: no change
        assertThat(store.slashesWatched()).isEqualTo(Map.of(PROVIDER, EVIDENCE_A));
        store.dropInitiation(other, EVIDENCE_A); // not the one queued: kept
        assertThat(store.slashesToInitiate()).isEqualTo(Map.of(other, EVIDENCE_B));
        store.watchSlash(other, EVIDENCE_A); // another slash is active: watched, ours still queued
        assertThat(store.slashesToInitiate()).isEqualTo(Map.of(other, EVIDENCE_B));
        assertThat(store.slashesWatched()).isEqualTo(Map.of(PROVIDER, EVIDENCE_A, other, EVIDENCE_A));
        store.slashEnded(PROVIDER, EVIDENCE_B); // not the one watched: kept
        assertThat(store.slashesWatched()).containsKey(PROVIDER);
        store.slashEnded(PROVIDER, EVIDENCE_A);
        store.slashEnded(other, EVIDENCE_A);
        store.dropInitiation(other, EVIDENCE_B);
        assertThat(store.slashesWatched()).isEmpty();
        assertThat(store.slashesToInitiate()).isEmpty();
        assertThat(store.evidence(EVIDENCE_A)).as("evidence outlives its slash").contains("{}");
        store.keepEvidence(Felt.of(0xc3), "{}", PROVIDER, Optional.empty());
        assertThat(store.slashesToInitiate()).as("the provider's next slash").isEqualTo(Map.of(PROVIDER, Felt.of(0xc3)));
    }

    @Test
    void aTaskIsDisputedOnceAndALaterDisputeWritesNothing() {
        assertThat(store.keepEvidence(EVIDENCE_A, "{\"first\":1}", PROVIDER, Optional.of("t1"))).isEmpty();
        store.slashInitiated(PROVIDER, EVIDENCE_A);
        assertThat(store.disputeOf("t1")).contains(EVIDENCE_A);
        assertThat(store.keepEvidence(EVIDENCE_B, "{\"second\":1}", PROVIDER, Optional.of("t1"))).contains(EVIDENCE_A);
        assertThat(store.evidence(EVIDENCE_B)).isEmpty();
        assertThat(store.slashesToInitiate()).isEmpty();
        assertThat(store.disputeOf("t1")).contains(EVIDENCE_A);
        assertThat(store.disputeOf("t2")).isEmpty();
    }

    @Test
    void ofManyConcurrentDisputesOfATaskOneKeepsItsEvidence() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<Felt>>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Felt hash = Felt.of(0x100 + i);
            answers.add(pool.submit(() -> {
                go.await();
                return store.keepEvidence(hash, "{\"n\":" + hash.hex() + "}", PROVIDER, Optional.of("t1"));
            }));
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        List<Felt> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (answers.get(i).get().isEmpty()) {
                kept.add(Felt.of(0x100 + i));
            }
        }
        assertThat(kept).hasSize(1);
        for (int i = 0; i < n; i++) {
            Felt hash = Felt.of(0x100 + i);
            if (!hash.equals(kept.get(0))) {
                assertThat(answers.get(i).get()).contains(kept.get(0));
                assertThat(store.evidence(hash)).isEmpty();
            }
        }
        assertThat(store.disputeOf("t1")).contains(kept.get(0));
        assertThat(store.evidence(kept.get(0))).isPresent();
        assertThat(store.slashesToInitiate()).isEqualTo(Map.of(PROVIDER, kept.get(0)));
    }

    @Test
    void aLeaseHasOneHolderUntilItExpires() {
        assertThat(store.acquireLease("settler", "a", Duration.ofSeconds(10))).isTrue();
        assertThat(store.acquireLease("settler", "b", Duration.ofSeconds(10))).isFalse();
        assertThat(store.acquireLease("settler", "a", Duration.ofSeconds(10))).isTrue();
        clock.advance(Duration.ofSeconds(11));
        assertThat(store.acquireLease("settler", "b", Duration.ofSeconds(10))).isTrue();
        store.releaseLease("settler", "a");
        assertThat(store.acquireLease("settler", "a", Duration.ofSeconds(10))).isFalse();
        store.releaseLease("settler", "b");
        assertThat(store.acquireLease("settler", "a", Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void everyWriteThatStoresANewStatusSignalsItAndNoOtherWriteDoes() throws Exception {
        List<Signal> got = new CopyOnWriteArrayList<>();
        List<Signal> other = new CopyOnWriteArrayList<>();
        AutoCloseable sub = store.subscribe(got::add);
        AutoCloseable sub2 = store.subscribe(other::add);
        TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 1))).task();
        assertThat(store.create(task("t1-again", 1))).as("a duplicate stores nothing").isInstanceOf(RelayerStore.Duplicate.class);
        TaskRecord v1 = v0.assigned("n1", 100, 2);
        assertThat(store.replace(v0, v1)).isTrue();
        assertThat(store.replace(v0, v0.assigned("n2", 100, 2))).as("a lost race writes nothing").isFalse();
        TaskRecord v2 = v1.running(3);
        assertThat(store.replace(v1, v2)).isTrue();
        TaskRecord v3 = v2.completed(completion(), 4);
        assertThat(store.replace(v2, v3)).isTrue();
        TaskRecord v4 = v3.settlingSent(5);
        assertThat(store.replace(v3, v4)).as("the same status: no signal").isTrue();
        assertThat(store.replaceEach(List.of(v4), List.of(v4.settled(Optional.empty(), 6)))).containsExactly(true);
        store.create(task("t2", 2));
        Await.until(Duration.ofSeconds(5), () -> got.size() >= 6 && other.size() >= 6);
        sub.close();
        store.create(task("t3", 3));
        Await.until(Duration.ofSeconds(5), () -> other.size() >= 7);
        sub2.close();
        assertThat(got).containsExactly(new Signal("t1", TaskStatus.PENDING), new Signal("t1", TaskStatus.ASSIGNED),
                new Signal("t1", TaskStatus.RUNNING), new Signal("t1", TaskStatus.COMPLETED),
                new Signal("t1", TaskStatus.SETTLED), new Signal("t2", TaskStatus.PENDING));
        assertThat(other).hasSize(7).endsWith(new Signal("t3", TaskStatus.PENDING));
    }

    @Test
    void refusesAnIllegalStatusTransition() {
        TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 1))).task();
        assertThatThrownBy(() -> v0.settled(Optional.empty(), 2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> v0.running(2)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void roundTripsTasksThroughJson() {
        TaskRecord v0 = ((RelayerStore.Created) store.create(task("t1", 1))).task();
        TaskRecord v1 = v0.assigned("n1", 100, 2);
        TaskRecord v2 = v1.completed(completion(), 3);
        assertThat(StoreCodec.taskFromJson(StoreCodec.taskToJson(v2))).isEqualTo(v2);
    }

    @Test
    void readsSeveralTasksAtOnceInOrderWithNothingForAnUnknownId() {
        TaskRecord a = ((RelayerStore.Created) store.create(task("a", 1))).task();
        TaskRecord b = ((RelayerStore.Created) store.create(task("b", 2))).task();

        assertThat(store.tasks(List.of("b", "nope", "a"))).containsExactly(Optional.of(b), Optional.empty(), Optional.of(a));
        assertThat(store.tasks(List.of())).isEmpty();
    }

    @Test
    void replaceEachReplacesEachTaskOnItsOwnAsSeparateCallsWould() {
        TaskRecord a = ((RelayerStore.Created) store.create(task("a", 1))).task();
        TaskRecord b = ((RelayerStore.Created) store.create(task("b", 2))).task();
        TaskRecord bMoved = b.assigned("elsewhere", clock.millis() + 60_000, clock.millis());
        assertThat(store.replace(b, bMoved)).isTrue(); // b changed since it was read
        TaskRecord aNext = a.assigned("n1", clock.millis() + 60_000, clock.millis());
        TaskRecord bNext = b.assigned("n1", clock.millis() + 60_000, clock.millis());

        assertThat(store.replaceEach(List.of(a, b), List.of(aNext, bNext))).containsExactly(true, false);

        assertThat(store.task("a")).contains(aNext);
        assertThat(store.task("b")).contains(bMoved);
        assertThat(store.tasksOnNode("n1")).extracting(TaskRecord::id).containsExactly("a");
        assertThat(store.replaceEach(List.of(), List.of())).isEmpty();
        assertThatThrownBy(() -> store.replaceEach(List.of(aNext), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- retention of finished tasks ----

    @Test
    void dropsAFinishedTaskOnceItFinishedLongerAgoThanTheRetention() {
        reopenWith(Duration.ofSeconds(60), 1_000);
        TaskRecord old = settledTask("old", 1);
        clock.advance(Duration.ofSeconds(59));
        settledTask("younger", 2);
        assertThat(store.task("old")).as("59 s after it finished").contains(old);

        clock.advance(Duration.ofSeconds(2));
        failedTask("newest", 3);

        assertThat(store.task("old")).isEmpty();
        assertThat(store.taskByEscrow(U256.of(1))).isEmpty();
        assertThat(store.tasksByStatus(TaskStatus.SETTLED, 0, 10)).extracting(TaskRecord::id).containsExactly("younger");
        assertThat(store.recentTasks(10)).extracting(TaskRecord::id).containsExactly("newest", "younger");
        assertThat(store.task("younger")).isPresent();
    }

    @Test
    void keepsAtMostTheCapOfFinishedTasksDroppingTheOldestFinishedFirst() {
        reopenWith(Duration.ofDays(1), 3);
        // finished in the order 2, 0, 1, 4, 3 (not the order they were created in)
        List<TaskRecord> done = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            done.add(completedTask("t" + i, 10 + i, "n1"));
        }
        for (int i : new int[] {2, 0, 1, 4, 3}) {
            clock.advance(Duration.ofSeconds(1));
            TaskRecord c = done.get(i);
            assertThat(store.replace(c, c.settled(Optional.empty(), clock.millis()))).isTrue();
        }

        assertThat(store.task("t2")).isEmpty();
        assertThat(store.task("t0")).isEmpty();
        assertThat(store.tasksByStatus(TaskStatus.SETTLED, 0, 10)).extracting(TaskRecord::id)
                .containsExactly("t1", "t3", "t4");
        assertThat(store.countByStatus()).as("final statuses count every task that reached them")
                .containsEntry(TaskStatus.SETTLED, 5L).containsEntry(TaskStatus.COMPLETED, 0L);
    }

    @Test
    void neverDropsATaskThatIsNotFinishedWhateverItsAge() {
        reopenWith(Duration.ofSeconds(1), 1);
        TaskRecord pending = ((RelayerStore.Created) store.create(task("pending", 1))).task();
        TaskRecord other = ((RelayerStore.Created) store.create(task("assigned", 2))).task();
        TaskRecord onNode = other.assigned("n1", clock.millis() + 1_000, clock.millis());
        assertThat(store.replace(other, onNode)).isTrue();
        TaskRecord completed = completedTask("completed", 3, "n2");
        clock.advance(Duration.ofDays(30));
        for (int i = 0; i < 5; i++) {
            settledTask("s" + i, 100 + i);
            failedTask("f" + i, 200 + i);
            clock.advance(Duration.ofDays(1));
        }

        assertThat(store.task("pending")).contains(pending);
        assertThat(store.task("assigned")).contains(onNode);
        assertThat(store.task("completed")).contains(completed);
        assertThat(store.tasksOnNode("n1")).extracting(TaskRecord::id).containsExactly("assigned");
        assertThat(store.tasksByStatus(TaskStatus.PENDING, 0, 10)).extracting(TaskRecord::id).containsExactly("pending");
        assertThat(store.tasksByStatus(TaskStatus.COMPLETED, 0, 10)).extracting(TaskRecord::id).containsExactly("completed");
        assertThat(store.countByStatus()).containsEntry(TaskStatus.PENDING, 1L).containsEntry(TaskStatus.ASSIGNED, 1L)
                .containsEntry(TaskStatus.COMPLETED, 1L).containsEntry(TaskStatus.SETTLED, 5L)
                .containsEntry(TaskStatus.FAILED, 5L).containsEntry(TaskStatus.RUNNING, 0L);
        assertThat(store.recentTasks(100)).extracting(TaskRecord::id)
                .containsExactly("f4", "completed", "assigned", "pending");
    }

    @Test
    void anEscrowWhoseFailedTaskWasDroppedStillRefusesANewTask() {
        reopenWith(Duration.ofDays(1), 1);
        failedTask("failed", 7);
        settledTask("pushes-it-out", 8);
        assertThat(store.task("failed")).isEmpty();
        assertThat(store.taskByEscrow(U256.of(7))).isEmpty();

        assertThat(store.create(task("again", 7))).isEqualTo(new RelayerStore.Retired("failed"));
        assertThat(store.task("again")).isEmpty();
    }

    @Test
    void aDroppedSettledTaskReleasesItsEscrowEntryTheChainRefusesItsReuse() {
        reopenWith(Duration.ofDays(1), 1);
        settledTask("settled", 7);
        settledTask("pushes-it-out", 8);
        assertThat(store.task("settled")).isEmpty();
        // the store no longer guards a SETTLED escrow: the intake finds it SETTLED on chain and refuses it (RelayerIT)
        assertThat(store.create(task("again", 7))).isInstanceOf(RelayerStore.Created.class);
    }

    @Test
    void aFinishedTaskWithAPendingWebhookIsKeptUntilTheWebhookIsDone() {
        reopenWith(Duration.ofSeconds(60), 1);
        settledTask("hooked", 1);
        assertThat(store.addWebhook("hooked", clock.instant())).isTrue();
        clock.advance(Duration.ofMinutes(5));
        settledTask("second", 2);
        settledTask("third", 3);

        assertThat(store.task("hooked")).as("its webhook is pending").isPresent();
        assertThat(store.task("second")).isEmpty();
        WebhookDelivery d = store.claimWebhook("hooked", "a", LEASE).orElseThrow();
        assertThat(store.retryWebhook(d, clock.instant())).isTrue();
        settledTask("fourth", 4);
        assertThat(store.task("hooked")).as("a retry is still pending").isPresent();

        WebhookDelivery last = store.claimWebhook("hooked", "a", LEASE).orElseThrow();
        assertThat(store.finishWebhook(last)).isTrue();

        assertThat(store.task("hooked")).as("finished five minutes ago, past the retention and the cap").isEmpty();
        assertThat(store.task("fourth")).isPresent();
        assertThat(store.countByStatus()).containsEntry(TaskStatus.SETTLED, 4L);
    }

    // ---- byte budgets ----

    @Test
    void countsThePayloadOfTasksNotFinishedAndMovesItWithTheResultToTheFinishedOnFinishing() {
        TaskRecord t = ((RelayerStore.Created) store.create(task("big", 1, 1000))).task();
        assertThat(store.queuedBytes()).isEqualTo(1000);
        TaskRecord a = t.assigned("n1", clock.millis() + 1_000, clock.millis());
        assertThat(store.replace(t, a)).isTrue();
        TaskRecord r = a.requeued("node lost", clock.millis());
        assertThat(store.replace(a, r)).isTrue();
        assertThat(store.queuedBytes()).as("moving between unfinished statuses").isEqualTo(1000);
        TaskRecord c = r.completed(completion(300), clock.millis());
        assertThat(store.replace(r, c)).isTrue();
        assertThat(store.queuedBytes()).as("a completed task holds its result too").isEqualTo(1300);
        assertThat(store.finishedBytes()).isZero();

        settle(c);
        TaskRecord other = ((RelayerStore.Created) store.create(task("other", 2, 50))).task();
        assertThat(store.replace(other, other.failed("cancelled", clock.millis()))).isTrue();

        assertThat(store.queuedBytes()).isZero();
        assertThat(store.finishedBytes()).isEqualTo(1300 + 50);
    }

    @Test
    void refusesATaskWhosePayloadWouldTakeTheQueuedBytesPastTheLimitAndStoresNothing() {
        long limit = 1000;
        assertThat(store.create(task("a", 1, 600), limit)).isInstanceOf(RelayerStore.Created.class);
        assertThat(store.create(task("b", 2, 500), limit)).isEqualTo(new RelayerStore.Busy(600, 500, limit));
        assertThat(store.task("b")).isEmpty();
        assertThat(store.taskByEscrow(U256.of(2))).isEmpty();
        assertThat(store.countByStatus()).containsEntry(TaskStatus.PENDING, 1L);
        assertThat(store.queuedBytes()).isEqualTo(600);
        assertThat(store.create(task("again", 1, 600), limit)).as("a duplicate escrow is answered as such")
                .isInstanceOf(RelayerStore.Duplicate.class);
        assertThat(store.create(task("fits", 3, 400), limit)).as("exactly up to the limit")
                .isInstanceOf(RelayerStore.Created.class);
        assertThat(store.queuedBytes()).isEqualTo(1000);

        TaskRecord a = store.task("a").orElseThrow();
        assertThat(store.replace(a, a.failed("cancelled", clock.millis()))).isTrue();
        assertThat(store.queuedBytes()).isEqualTo(400);
        assertThat(store.create(task("b", 2, 500), limit)).as("the failed task's bytes came free")
                .isInstanceOf(RelayerStore.Created.class);
        assertThat(store.queuedBytes()).isEqualTo(900);
    }

    @Test
    void dropsTheOldestFinishedTasksWhenTheirBytesExceedTheBudget() {
        reopenWithBytes(1024 * KIB);
        List<TaskRecord> done = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            done.add(completedTask("t" + i, 10 + i, 300 * KIB, 100 * KIB));
        }
        assertThat(store.queuedBytes()).isEqualTo(4 * 400 * KIB);
        // finished in the order 2, 0, 1, 3 (not the order they were created in), 400 KiB each
        for (int i : new int[] {2, 0, 1}) {
            clock.advance(Duration.ofSeconds(1));
            settle(done.get(i));
        }
        assertThat(store.task("t2")).as("1200 KiB held, over 1024: the oldest-finished went").isEmpty();
        assertThat(store.tasksByStatus(TaskStatus.SETTLED, 0, 10)).extracting(TaskRecord::id).containsExactly("t0", "t1");
        assertThat(store.finishedBytes()).isEqualTo(800 * KIB);

        clock.advance(Duration.ofSeconds(1));
        settle(done.get(3));
        assertThat(store.tasksByStatus(TaskStatus.SETTLED, 0, 10)).extracting(TaskRecord::id).containsExactly("t1", "t3");
        assertThat(store.finishedBytes()).isEqualTo(800 * KIB);
        assertThat(store.queuedBytes()).isZero();
        assertThat(store.countByStatus()).containsEntry(TaskStatus.SETTLED, 4L);
    }

    @Test
    void neverDropsForBytesTheTaskThatFinishedLastHoweverLarge() {
        reopenWithBytes(1024 * KIB);
        settle(completedTask("small", 1, 10, 10));
        clock.advance(Duration.ofSeconds(1));
        settle(completedTask("huge", 2, 1024 * KIB, 1024 * KIB));
        assertThat(store.task("small")).isEmpty();
        assertThat(store.task("huge")).as("the last one left").isPresent();
        assertThat(store.finishedBytes()).isEqualTo(2048 * KIB);

        clock.advance(Duration.ofSeconds(1));
        settle(completedTask("next", 3, 10, 10));
        assertThat(store.task("huge")).isEmpty();
        assertThat(store.task("next")).isPresent();
        assertThat(store.finishedBytes()).isEqualTo(20);
    }

    @Test
    void aFinishedTaskWithAPendingWebhookIsHeldOverTheByteBudgetAndCountedUntilDropped() {
        reopenWithBytes(1024 * KIB);
        settle(completedTask("hooked", 1, 500 * KIB, 100 * KIB));
        assertThat(store.addWebhook("hooked", clock.instant())).isTrue();
        clock.advance(Duration.ofSeconds(1));
        settle(completedTask("second", 2, 500 * KIB, 100 * KIB));

        assertThat(store.task("hooked")).as("its webhook is pending").isPresent();
        assertThat(store.task("second")).as("the last one left").isPresent();
        assertThat(store.finishedBytes()).as("both are held").isEqualTo(1200 * KIB);

        clock.advance(Duration.ofSeconds(1));
        assertThat(store.finishWebhook(store.claimWebhook("hooked", "a", LEASE).orElseThrow())).isTrue();
        assertThat(store.task("hooked")).as("back among the finished, the oldest, over the budget").isEmpty();
        assertThat(store.task("second")).isPresent();
        assertThat(store.finishedBytes()).isEqualTo(600 * KIB);
    }

    @Test
    void dropsByAgeSubtractExactlyWhatTheTasksAdded() {
        reopenWith(Duration.ofSeconds(60), 1_000);
        settle(completedTask("old1", 1, 700, 70));
        TaskRecord f = ((RelayerStore.Created) store.create(task("old2", 2, 90))).task();
        assertThat(store.replace(f, f.failed("cancelled", clock.millis()))).isTrue();
        assertThat(store.finishedBytes()).isEqualTo(860);
        clock.advance(Duration.ofSeconds(61));
        settle(completedTask("new", 3, 5, 6));

        assertThat(store.task("old1")).isEmpty();
        assertThat(store.task("old2")).isEmpty();
        assertThat(store.finishedBytes()).isEqualTo(11);
        assertThat(store.queuedBytes()).isZero();
    }

    @Test
    void pruneFinishedDrainsEveryTaskPastTheRetentionWithNoFurtherWrite() {
        reopenWith(Duration.ofSeconds(60), 1_000);
        int n = 600; // more than one batch of the store's own (256 in memory, 64 in Redis)
        for (int i = 0; i < n; i++) {
            settle(completedTask("old" + i, 1 + i, 10, 5));
        }
        TaskRecord waiting = ((RelayerStore.Created) store.create(task("waiting", 10_000, 7))).task();
        clock.advance(Duration.ofSeconds(59));
        store.pruneFinished();
        assertThat(store.task("old0")).as("59 s after it finished").isPresent();
        assertThat(store.finishedBytes()).isEqualTo(15L * n);

        clock.advance(Duration.ofSeconds(2));
        store.pruneFinished();

        assertThat(store.tasksByStatus(TaskStatus.SETTLED, 0, 10)).isEmpty();
        assertThat(store.task("old0")).isEmpty();
        assertThat(store.task("old" + (n - 1))).isEmpty();
        assertThat(store.finishedBytes()).isZero();
        assertThat(store.task("waiting")).as("not finished: kept whatever its age").contains(waiting);
        assertThat(store.queuedBytes()).isEqualTo(7);
        assertThat(store.countByStatus()).as("cumulative").containsEntry(TaskStatus.SETTLED, (long) n);
    }

    @Test
    void pruneFinishedHoldsATaskWhoseWebhookIsPendingUntilTheWebhookIsDone() {
        reopenWith(Duration.ofSeconds(60), 1_000);
        settle(completedTask("hooked", 1, 10, 5));
        assertThat(store.addWebhook("hooked", clock.instant())).isTrue();
        clock.advance(Duration.ofSeconds(61));

        store.pruneFinished();
        assertThat(store.task("hooked")).as("its webhook is pending").isPresent();

        assertThat(store.finishWebhook(store.claimWebhook("hooked", "a", LEASE).orElseThrow())).isTrue();
        store.pruneFinished();
        assertThat(store.task("hooked")).isEmpty();
        assertThat(store.finishedBytes()).isZero();
    }

    // ---- webhooks ----

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void schedulesATasksWebhookOnlyOnce() {
        assertThat(store.addWebhook("t1", clock.instant())).isTrue();
        assertThat(store.addWebhook("t1", clock.instant())).isFalse();
        WebhookDelivery first = store.claimWebhook("t1", "a", LEASE).orElseThrow();
        store.finishWebhook(first);
        assertThat(store.addWebhook("t1", clock.instant())).as("after it was delivered").isFalse();
        assertThat(store.webhook("t1")).hasValueSatisfying(w -> assertThat(w.finished()).isTrue());
        assertThat(store.webhook("t2")).isEmpty();
    }

    @Test
    void aWebhookIsClaimedOnlyOnceDueAndByOneHolder() {
        store.addWebhook("t1", clock.instant().plusSeconds(5));
        assertThat(store.dueWebhooks(10)).isEmpty();
        assertThat(store.claimWebhook("t1", "a", LEASE)).as("not yet due").isEmpty();
        clock.advance(Duration.ofSeconds(5));
        assertThat(store.dueWebhooks(10)).containsExactly("t1");

        WebhookDelivery claimed = store.claimWebhook("t1", "a", LEASE).orElseThrow();

        assertThat(claimed).isEqualTo(new WebhookDelivery("t1", 1, "a"));
        assertThat(store.claimWebhook("t1", "b", LEASE)).as("held by a").isEmpty();
        assertThat(store.claimWebhook("t1", "a", LEASE)).as("held, even by a").isEmpty();
        assertThat(store.dueWebhooks(10)).as("a claimed webhook is not due").isEmpty();
        assertThat(store.webhook("t1")).contains(new RelayerStore.WebhookState(1,
                clock.instant().plus(LEASE).toEpochMilli(), Optional.of("a"), false));
    }

    @Test
    void aFailedAttemptMakesTheNextOneDueLaterForAnyone() {
        store.addWebhook("t1", clock.instant());
        WebhookDelivery first = store.claimWebhook("t1", "a", LEASE).orElseThrow();

        assertThat(store.retryWebhook(first, clock.instant().plusSeconds(2))).isTrue();

        assertThat(store.retryWebhook(first, clock.instant().plusSeconds(2))).as("the claim is spent").isFalse();
        assertThat(store.claimWebhook("t1", "b", LEASE)).as("not due yet").isEmpty();
        clock.advance(Duration.ofSeconds(2));
        assertThat(store.claimWebhook("t1", "b", LEASE)).contains(new WebhookDelivery("t1", 2, "b"));
    }

    @Test
    void aFinishedWebhookIsNeverDueOrClaimedAgain() {
        store.addWebhook("t1", clock.instant());
        store.addWebhook("t2", clock.instant());
        WebhookDelivery first = store.claimWebhook("t1", "a", LEASE).orElseThrow();

        assertThat(store.finishWebhook(first)).isTrue();

        assertThat(store.finishWebhook(first)).isFalse();
        assertThat(store.retryWebhook(first, clock.instant())).isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(store.dueWebhooks(10)).containsExactly("t2");
        assertThat(store.claimWebhook("t1", "b", LEASE)).isEmpty();
    }

    @Test
    void aClaimWhoseLeaseRanOutIsTakenAsTheNextAttemptAndItsHolderCanNoLongerRecordIt() {
        store.addWebhook("t1", clock.instant());
        WebhookDelivery lost = store.claimWebhook("t1", "dead", LEASE).orElseThrow();
        clock.advance(LEASE.plusMillis(1));
        assertThat(store.dueWebhooks(10)).containsExactly("t1");

        WebhookDelivery taken = store.claimWebhook("t1", "alive", LEASE).orElseThrow();

        assertThat(taken).isEqualTo(new WebhookDelivery("t1", 2, "alive"));
        assertThat(store.finishWebhook(lost)).isFalse();
        assertThat(store.retryWebhook(lost, clock.instant())).isFalse();
        assertThat(store.finishWebhook(taken)).isTrue();
    }

    @Test
    void oneOfManyConcurrentWebhookClaimsWins() throws Exception {
        store.addWebhook("t1", clock.instant());
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger won = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String who = "relayer-" + i;
            all.add(pool.submit(() -> {
                go.await();
                store.claimWebhook("t1", who, LEASE).ifPresent(d -> won.incrementAndGet());
                return null;
            }));
        }
        go.countDown();
        for (var f : all) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(won.get()).isEqualTo(1);
    }
}
