package io.smainer.relayer.scheduling;

import static io.smainer.relayer.scheduling.RecordingChannel.caps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Signature;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.FaultyStore;
import io.smainer.relayer.store.MemoryStore;
import io.smainer.relayer.store.TaskEvents;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler on the memory store, a hand-moved clock and a direct executor: no server, no threads. */
class SchedulerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final ManualDeadlines deadlines = new ManualDeadlines(clock);
    private final List<TaskRecord> failed = new CopyOnWriteArrayList<>();
    private final TaskEvents recordFailed = new TaskEvents() {
        @Override
        public void failed(TaskRecord t) {
            failed.add(t);
        }
    };
    private MemoryStore store;
    private Scheduler scheduler;
    private int escrows;

    @BeforeEach
    void start() {
        store = MemoryStore.create(clock);
        scheduler = Scheduler.builder().store(store).deadlines(deadlines).executor(Runnable::run).maxAttempts(3)
                .offlineAfter(Duration.ofSeconds(90)).deadlineGrace(Duration.ofSeconds(10)).events(recordFailed).build();
    }

    @AfterEach
    void stop() {
        scheduler.close();
        store.close();
    }

    private String submit(String kind, Tier tier, long memory) {
        String id = "t" + (++escrows);
        JobSpec job = new JobSpec(kind, Map.of(), new byte[0], 60_000, memory);
        store.create(TaskRecord.pending(id, U256.of(escrows), ContractAddress.of(0xd), job, SettlementMode.FLAT,
                TokenAmount.ofBaseUnits(100), TokenAmount.ofBaseUnits(100), tier.defaultMultiplier(), tier, Optional.empty(),
                Optional.empty(), clock.millis()));
        return id;
    }

    private String submit() {
        return submit("echo", Tier.BASIC, 0);
    }

    private TaskRecord task(String id) {
        return store.task(id).orElseThrow();
    }

    @Test
    void assignsAPendingTaskTheMomentAFittingNodeLogsIn() {
        String t = submit();
        assertThat(task(t).status()).isEqualTo(TaskStatus.PENDING);
        RecordingChannel n1 = new RecordingChannel("n1", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(n1);
        assertThat(n1.assigned()).containsExactly(t);
        assertThat(task(t).status()).isEqualTo(TaskStatus.ASSIGNED);
        assertThat(task(t).nodeId()).contains("n1");
        assertThat(task(t).attempts()).isEqualTo(1);
        assertThat(task(t).deadlineMillis()).isEqualTo(clock.millis() + 60_000 + 10_000);
    }

    @Test
    void anEffortAssignmentCarriesTheRelayersBasePriceAndTheEscrowsMultiplierAndAFlatOneNeither() {
        scheduler.close();
        TokenAmount base = TokenAmount.ofBaseUnits(123_456_789);
        scheduler = Scheduler.builder().store(store).deadlines(deadlines).executor(Runnable::run).effortBase(base)
                .events(recordFailed).build();
        JobSpec job = new JobSpec("echo", Map.of(), new byte[0], 60_000, 0);
        // the escrow's on-chain multiplier as read at intake: not the tier's default
        store.create(TaskRecord.pending("effort", U256.of(501), ContractAddress.of(0xd), job, SettlementMode.EFFORT,
                TokenAmount.ofBaseUnits(300), TokenAmount.ofBaseUnits(100), BasisPoints.of(30_000), Tier.PRO, Optional.empty(),
                Optional.empty(), clock.millis()));
        store.create(TaskRecord.pending("flat", U256.of(502), ContractAddress.of(0xd), job, SettlementMode.FLAT,
                TokenAmount.ofBaseUnits(220), TokenAmount.ofBaseUnits(100), BasisPoints.of(22_000), Tier.PRO, Optional.empty(),
                Optional.empty(), clock.millis()));
        RecordingChannel n = new RecordingChannel("n", caps(Tier.PREMIUM, 2, 0, "echo"));

        scheduler.nodeOnline(n);

        Map<String, Messages.TaskAssigned> sent = new HashMap<>();
        n.sent.stream().filter(m -> m instanceof Messages.TaskAssigned).map(m -> (Messages.TaskAssigned) m)
                .forEach(a -> sent.put(a.taskId(), a));
        assertThat(sent.keySet()).containsExactlyInAnyOrder("effort", "flat");
        assertThat(sent.get("effort").effortPrice()).contains(new Messages.EffortPrice(base, BasisPoints.of(30_000)));
        assertThat(sent.get("flat").effortBasePrice()).isEmpty();
        assertThat(sent.get("flat").tierMultiplier()).isEmpty();
    }

    @Test
    void refusesAZeroEffortBasePrice() {
        assertThatThrownBy(() -> Scheduler.builder().store(store).deadlines(deadlines).executor(Runnable::run)
                .effortBase(TokenAmount.ZERO).build()).isInstanceOf(InvalidFieldException.class).hasMessageContaining("effort_base");
    }

    @Test
    void matchesJobKindTierAndGpuMemory() {
        RecordingChannel cpuBasic = new RecordingChannel("cpu", caps(Tier.BASIC, 8, 0, "echo"));
        RecordingChannel gpuPro = new RecordingChannel("gpu", caps(Tier.PRO, 8, 16L << 30, "echo", "matmul-f32"));
        scheduler.nodeOnline(cpuBasic);
        scheduler.nodeOnline(gpuPro);
        String matmul = submit("matmul-f32", Tier.BASIC, 0);
        String pro = submit("echo", Tier.PRO, 0);
        String bigMemory = submit("echo", Tier.BASIC, 8L << 30);
        String tooBig = submit("echo", Tier.BASIC, 32L << 30);
        String premium = submit("echo", Tier.PREMIUM, 0);
        String unknownKind = submit("llm", Tier.BASIC, 0);
        assertThat(gpuPro.assigned()).containsExactlyInAnyOrder(matmul, pro, bigMemory);
        assertThat(cpuBasic.assigned()).isEmpty();
        assertThat(List.of(tooBig, premium, unknownKind)).allSatisfy(id -> assertThat(task(id).status()).isEqualTo(TaskStatus.PENDING));
    }

    @Test
    void prefersTheIdleNodeThenTheFasterOne() {
        RecordingChannel a = new RecordingChannel("a", caps(Tier.BASIC, 2, 0, "echo"));
        RecordingChannel b = new RecordingChannel("b", caps(Tier.BASIC, 2, 0, "echo"));
        scheduler.nodeOnline(a);
        scheduler.nodeOnline(b);
        String t1 = submit();
        String t2 = submit();
        assertThat(a.assigned().size()).isEqualTo(1);
        assertThat(b.assigned().size()).isEqualTo(1);
        // b finishes in 1 s, a in 5 s: b is faster
        clock.advance(Duration.ofSeconds(1));
        String onB = b.assigned().get(0);
        complete(onB);
        scheduler.released("b", onB);
        clock.advance(Duration.ofSeconds(4));
        String onA = a.assigned().get(0);
        complete(onA);
        scheduler.released("a", onA);
        assertThat(List.of(t1, t2)).containsExactlyInAnyOrder(onA, onB);
        String t3 = submit();
        assertThat(b.assigned()).contains(t3);
    }

    private void complete(String id) {
        TaskRecord t = task(id);
        store.replace(t, t.completed(new Completion(ContractAddress.of(1), new byte[0],
                Felt.ONE, new Signature(Felt.ONE, Felt.ONE),
                Optional.empty(), Optional.empty(), clock.millis()), clock.millis()));
    }

    @Test
    void spreadsByLoadRatioOverManyNodesOfUnequalCapacityAndRefillsTheOneThatFreesASlot() {
        List<RecordingChannel> small = new ArrayList<>();
        List<RecordingChannel> large = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            small.add(new RecordingChannel(String.format("s%02d", i), caps(Tier.BASIC, 1, 0, "echo")));
            large.add(new RecordingChannel(String.format("l%02d", i), caps(Tier.BASIC, 4, 0, "echo")));
        }
        small.forEach(scheduler::nodeOnline);
        large.forEach(scheduler::nodeOnline);
        // 80 tasks: every node at load 0 takes one first (small ones are then full, large ones at 1/4)
        for (int i = 0; i < 80; i++) {
            submit();
        }
        assertThat(small).allSatisfy(n -> assertThat(n.assigned()).hasSize(1));
        assertThat(large).allSatisfy(n -> assertThat(n.assigned()).hasSize(1));
        // 120 more fill the large ones to their capacity of 4, and one more waits
        for (int i = 0; i < 120; i++) {
            submit();
        }
        String waiting = submit();
        assertThat(large).allSatisfy(n -> assertThat(n.assigned()).hasSize(4));
        assertThat(task(waiting).status()).isEqualTo(TaskStatus.PENDING);
        // the node that frees a slot gets the waiting task, and nothing else moves: 200 assignments plus that one
        RecordingChannel freed = small.get(17);
        String done = freed.assigned().get(0);
        complete(done);
        scheduler.released(freed.nodeId(), done);
        assertThat(freed.assigned()).containsExactly(done, waiting);
        assertThat(small.stream().mapToInt(n -> n.assigned().size()).sum() + large.stream().mapToInt(n -> n.assigned().size()).sum())
                .isEqualTo(201);
    }

    @Test
    void neverGivesANodeMoreThanItsConcurrency() {
        RecordingChannel n = new RecordingChannel("n", caps(Tier.BASIC, 2, 0, "echo"));
        scheduler.nodeOnline(n);
        String t1 = submit();
        String t2 = submit();
        String t3 = submit();
        assertThat(n.assigned()).containsExactly(t1, t2);
        assertThat(task(t3).status()).isEqualTo(TaskStatus.PENDING);
        complete(t1);
        scheduler.released("n", t1);
        assertThat(n.assigned()).containsExactly(t1, t2, t3);
    }

    @Test
    void reassignsTheTasksOfALostNode() {
        RecordingChannel a = new RecordingChannel("a", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(a);
        String t = submit();
        RecordingChannel b = new RecordingChannel("b", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(b);
        assertThat(a.assigned()).containsExactly(t);
        scheduler.nodeClosed(a, "connection closed");
        assertThat(b.assigned()).containsExactly(t);
        assertThat(task(t).attempts()).isEqualTo(2);
        assertThat(store.node("a").orElseThrow().online()).isFalse();
    }

    @Test
    void failsAfterTheLastAttemptAndTellsTheDemanderToCancel() {
        List<RecordingChannel> nodes = List.of(new RecordingChannel("n0", caps(Tier.BASIC, 1, 0, "echo")),
                new RecordingChannel("n1", caps(Tier.BASIC, 1, 0, "echo")),
                new RecordingChannel("n2", caps(Tier.BASIC, 1, 0, "echo")));
        nodes.forEach(scheduler::nodeOnline);
        String t = submit();
        String previous = "";
        for (int i = 0; i < 3; i++) {
            String on = task(t).nodeId().orElseThrow();
            assertThat(on).as("attempt %d goes to another node than the one that just failed", i + 1).isNotEqualTo(previous);
            scheduler.failed(on, t, "out of memory", true);
            previous = on;
        }
        TaskRecord done = task(t);
        assertThat(done.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(done.error().orElseThrow()).contains("out of memory").contains("cancel_task").contains("refund");
        assertThat(failed).extracting(TaskRecord::id).containsExactly(t);
    }

    @Test
    void aNonRetryableFailureFailsAtOnce() {
        RecordingChannel n = new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(n);
        String t = submit();
        scheduler.failed("n", t, "matrix dimensions do not match", false);
        assertThat(task(t).status()).isEqualTo(TaskStatus.FAILED);
        assertThat(task(t).attempts()).isEqualTo(1);
    }

    @Test
    void aTimeoutRevokesTheTaskAndReassignsIt() {
        RecordingChannel a = new RecordingChannel("a", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(a);
        String t = submit();
        RecordingChannel b = new RecordingChannel("b", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(b);
        scheduler.nodeSeen("a");
        deadlines.advance(Duration.ofSeconds(69));
        scheduler.nodeSeen("a");
        scheduler.nodeSeen("b");
        assertThat(task(t).nodeId()).contains("a");
        deadlines.advance(Duration.ofSeconds(1));
        assertThat(a.revoked()).containsExactly(t);
        assertThat(b.assigned()).containsExactly(t);
        assertThat(task(t).attempts()).isEqualTo(2);
    }

    @Test
    void aRelayerThatWasPausedGivesItsNodesTimeToReportBeforeTakingTheirTasksBack() {
        RecordingChannel a = new RecordingChannel("a", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(a);
        String t = submit();
        assertThat(task(t).nodeId()).contains("a");
        clock.advance(Duration.ofSeconds(200)); // this relayer did not run (SIGSTOP): the deadline and the liveness check
        deadlines.advance(Duration.ZERO); // fire late, together
        assertThat(a.revoked()).as("the node had no chance to report").isEmpty();
        assertThat(scheduler.isOnline("a")).isTrue();
        assertThat(task(t).status()).isEqualTo(TaskStatus.ASSIGNED);
        scheduler.nodeSeen("a"); // its report arrives within the grace
        complete(t);
        scheduler.released("a", t);
        deadlines.advance(Duration.ofSeconds(30));
        scheduler.nodeSeen("a");
        assertThat(task(t).status()).isEqualTo(TaskStatus.COMPLETED);
        assertThat(task(t).attempts()).isEqualTo(1);

        String t2 = submit(); // a node that stays silent after the grace is taken as gone, as ever
        assertThat(task(t2).nodeId()).contains("a");
        clock.advance(Duration.ofSeconds(200));
        deadlines.advance(Duration.ZERO);
        assertThat(scheduler.isOnline("a")).isTrue();
        deadlines.advance(Duration.ofSeconds(91));
        assertThat(scheduler.isOnline("a")).isFalse();
        assertThat(task(t2).status()).isEqualTo(TaskStatus.PENDING);
    }

    @Test
    void aSilentNodeGoesOfflineAfterNinetySecondsAndAHeartbeatKeepsItOnline() {
        RecordingChannel quiet = new RecordingChannel("quiet", caps(Tier.BASIC, 1, 0, "echo"));
        RecordingChannel chatty = new RecordingChannel("chatty", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(quiet);
        scheduler.nodeOnline(chatty);
        for (int i = 0; i < 4; i++) {
            deadlines.advance(Duration.ofSeconds(30));
            scheduler.nodeSeen("chatty");
        }
        assertThat(scheduler.isOnline("quiet")).isFalse();
        assertThat(quiet.closedBecause).contains("no message");
        assertThat(scheduler.isOnline("chatty")).isTrue();
        assertThat(chatty.closedBecause).isNull();
    }

    @Test
    void aSecondLoginReplacesTheFirstAndKeepsItsTasks() {
        RecordingChannel first = new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(first);
        String t = submit();
        RecordingChannel second = new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(second);
        assertThat(first.closedBecause).contains("replaced");
        scheduler.nodeClosed(first, "closed");
        assertThat(task(t).status()).isEqualTo(TaskStatus.ASSIGNED);
        assertThat(scheduler.isOnline("n")).isTrue();
        String t2 = submit();
        assertThat(second.assigned()).isEmpty();
        complete(t);
        scheduler.released("n", t);
        assertThat(second.assigned()).containsExactly(t2);
    }

    @Test
    void acceptedMovesTheTaskToRunning() {
        RecordingChannel n = new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(n);
        String t = submit();
        scheduler.accepted("other", t);
        assertThat(task(t).status()).isEqualTo(TaskStatus.ASSIGNED);
        scheduler.accepted("n", t);
        assertThat(task(t).status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void aFreeSlotLooksPastEveryPendingTaskThatDoesNotFitIt() {
        RecordingChannel n = new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(n);
        for (int i = 0; i < 70; i++) { // more than a page of tasks no node here can run
            submit("llm", Tier.BASIC, 0);
        }
        String echo = submit();
        assertThat(n.assigned()).containsExactly(echo);
    }

    @Test
    void acceptedLeavesATaskAloneThatChangedSinceItWasAssigned() {
        RecordingChannel n = new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(n);
        String t = submit();
        TaskRecord assigned = task(t);
        // another relayer sharing the store moved it on meanwhile (here: back to the queue)
        assertThat(store.replace(assigned, assigned.requeued("moved elsewhere", clock.millis()))).isTrue();

        scheduler.accepted("n", t);

        assertThat(task(t).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(task(t).version()).isEqualTo(assigned.version() + 1);
    }

    /**
     * A task assigned to node {@code n}; then this scheduler closes and a new one starts on the same store and
     * recovers, as a restarted relayer would: the new one never assigned the task itself.
     */
    private String assignedToNBeforeARestart() {
        scheduler.nodeOnline(new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo")));
        String t = submit();
        scheduler.close();
        scheduler = Scheduler.builder().store(store).deadlines(deadlines).executor(Runnable::run).build();
        scheduler.recover();
        return t;
    }

    @Test
    void recoveryRequeuesInFlightTasksWhoseNodeDoesNotComeBack() {
        String t = assignedToNBeforeARestart();
        deadlines.advance(Duration.ofSeconds(60));
        assertThat(task(t).status()).isEqualTo(TaskStatus.ASSIGNED);
        deadlines.advance(Duration.ofSeconds(31));
        assertThat(task(t).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(task(t).error().orElseThrow()).contains("not connected");
    }

    @Test
    void aTaskRecoveredAfterARestartIsAcceptedByItsNodeLoggingInAgain() {
        String t = assignedToNBeforeARestart();
        scheduler.nodeOnline(new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo")));

        scheduler.accepted("n", t);

        assertThat(task(t).status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void anAcceptanceThatArrivesAfterTheCompletionChangesNothing() {
        RecordingChannel n = new RecordingChannel("n", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(n);
        String t = submit();
        TaskRecord assigned = task(t);
        TaskRecord completed = assigned.completed(new Completion(ContractAddress.of(0xe), new byte[] {7}, Felt.of(1),
                new Signature(Felt.of(2), Felt.of(3)), Optional.empty(), Optional.empty(), clock.millis()), clock.millis());
        assertThat(store.replace(assigned, completed)).isTrue();
        scheduler.released("n", t);

        scheduler.accepted("n", t);

        assertThat(task(t)).isEqualTo(completed);
    }

    @Test
    void aRetriedTaskWaitsForAnotherNodeThanTheOneThatFailedIt() {
        RecordingChannel a = new RecordingChannel("a", caps(Tier.BASIC, 4, 0, "echo"));
        scheduler.nodeOnline(a);
        String t = submit();
        scheduler.failed("a", t, "bad receipt", true);
        assertThat(task(t).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(a.assigned()).containsExactly(t);
        RecordingChannel b = new RecordingChannel("b", caps(Tier.BASIC, 4, 0, "echo"));
        scheduler.nodeOnline(b);
        assertThat(b.assigned()).containsExactly(t);
    }
    @Test
    void twoThreadsClosingAtOnceRunTheCloseOnce() throws Exception {
        for (int round = 0; round < 300; round++) {
            AtomicInteger steps = new AtomicInteger();
            Scheduler s = Scheduler.builder().store(store).deadlines(deadlines).executor(r -> {
                steps.incrementAndGet();
                r.run();
            }).build();
            CyclicBarrier start = new CyclicBarrier(2);
            Runnable close = () -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                s.close();
            };
            Thread other = new Thread(close);
            other.start();
            close.run();
            other.join();
            assertThat(steps).as("close steps in round " + round).hasValue(1);
        }
    }

    // ---- outages: nothing stranded ----

    /** A scheduler over {@code faulty}'s store, in place of the one {@link #start()} built. */
    private FaultyStore faulty() {
        scheduler.close();
        FaultyStore faulty = FaultyStore.over(store);
        scheduler = Scheduler.builder().store(faulty.store()).deadlines(deadlines).executor(Runnable::run).maxAttempts(3)
                .offlineAfter(Duration.ofSeconds(90)).deadlineGrace(Duration.ofSeconds(10)).events(recordFailed).build();
        return faulty;
    }

    @Test
    void aDeadlineThatFallsInAStoreOutageIsRetriedUntilTheStoreAnswersAndFreesTheNodesSlot() {
        FaultyStore faulty = faulty();
        RecordingChannel n1 = new RecordingChannel("n1", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(n1);
        String t = submit();
        assertThat(n1.assigned()).containsExactly(t);

        faulty.down(true);
        deadlines.advance(Duration.ofSeconds(71)); // past timeout and grace, with the store down
        scheduler.nodeSeen("n1"); // its heartbeats keep it connected
        assertThat(faulty.refused()).isPositive();
        assertThat(task(t).status()).isEqualTo(TaskStatus.ASSIGNED);
        deadlines.advance(Duration.ofSeconds(20)); // still down: retried with a backoff, still re-armed
        scheduler.nodeSeen("n1");
        assertThat(deadlines.armed()).isPositive();

        faulty.down(false);
        deadlines.advance(Scheduler.MAX_RETRY_DELAY);

        assertThat(task(t).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(task(t).error()).hasValueSatisfying(e -> assertThat(e).contains("timed out on node n1"));
        assertThat(n1.revoked()).containsExactly(t);
        String next = submit(); // n1's one slot is free again
        assertThat(n1.assigned()).containsExactly(t, next);
    }

    @Test
    void aLoginDuringAStoreOutageIsRetriedAndTheNodeGetsWork() {
        FaultyStore faulty = faulty();
        String t = submit();
        RecordingChannel n1 = new RecordingChannel("n1", caps(Tier.BASIC, 1, 0, "echo"));
        faulty.down(true);
        scheduler.nodeOnline(n1);
        assertThat(scheduler.isOnline("n1")).isFalse();

        faulty.down(false);
        deadlines.advance(Duration.ofSeconds(1));

        assertThat(scheduler.isOnline("n1")).isTrue();
        assertThat(n1.assigned()).containsExactly(t);
    }

    @Test
    void aLoginWhoseConnectionClosedDuringTheOutageIsNotRetried() {
        FaultyStore faulty = faulty();
        RecordingChannel n1 = new RecordingChannel("n1", caps(Tier.BASIC, 1, 0, "echo"));
        faulty.down(true);
        scheduler.nodeOnline(n1);
        scheduler.nodeClosed(n1, "gone");
        faulty.down(false);
        deadlines.advance(Duration.ofSeconds(1));
        assertThat(scheduler.isOnline("n1")).isFalse();
    }

    @Test
    void reconciliationArmsTheDeadlineOfAnInFlightTaskNobodyWatches() {
        String t = submit();
        TaskRecord pending = task(t);
        // assigned by a relayer that died with it, to a node that is online nowhere
        assertThat(store.replace(pending, pending.assigned("gone", clock.millis() + 70_000, clock.millis()))).isTrue();
        deadlines.advance(Duration.ofMinutes(5));
        assertThat(task(t).status()).isEqualTo(TaskStatus.ASSIGNED); // nothing watches it

        scheduler.reconcile();
        deadlines.advance(Duration.ofSeconds(1));

        assertThat(task(t).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(task(t).error()).hasValueSatisfying(e -> assertThat(e).contains("node gone is not connected"));
    }

    @Test
    void reconciliationGivesBackASlotWhoseReleaseWasLost() {
        RecordingChannel n1 = new RecordingChannel("n1", caps(Tier.BASIC, 1, 0, "echo"));
        scheduler.nodeOnline(n1);
        String t = submit();
        complete(t); // recorded, but the release never reached the scheduler (its step failed)
        String next = submit();
        assertThat(n1.assigned()).containsExactly(t);

        scheduler.reconcile();
        assertThat(n1.assigned()).as("within the grace the release may still be on its way").containsExactly(t);

        deadlines.advance(Scheduler.RELEASE_GRACE.plusSeconds(1));
        scheduler.reconcile();

        assertThat(n1.assigned()).containsExactly(t, next);
    }

    @Test
    void retryDelaysDoubleFromOneSecondToThirty() {
        assertThat(List.of(0, 1, 2, 3, 4, 5, 9).stream().map(Scheduler::retryDelay).toList())
                .containsExactly(1000L, 2000L, 4000L, 8000L, 16_000L, 30_000L, 30_000L);
    }

    @Test
    void aNodeThatRefusesTasksAsLateWhileTheyAreNotIsOfferedTasksLastUntilItCompletesOne() {
        RecordingChannel a = new RecordingChannel("a", caps(Tier.BASIC, 2, 0, "echo"));
        RecordingChannel b = new RecordingChannel("b", caps(Tier.BASIC, 2, 0, "echo"));
        scheduler.nodeOnline(a);
        scheduler.nodeOnline(b);
        String t1 = submit();
        assertThat(a.assigned()).containsExactly(t1);

        // a minute left by the relayer's clock: the node's runs ahead
        scheduler.failed("a", t1, "the task's deadline had passed when it arrived", true);
        assertThat(b.assigned()).containsExactly(t1);
        String t2 = submit();

        assertThat(b.assigned()).as("b is busier, but a refuses tasks as late").containsExactly(t1, t2);
        assertThat(store.node("a").orElseThrow().lateRefusals()).isEqualTo(1);
        String t3 = submit(); // b is full: a still gets what nobody else can take
        assertThat(a.assigned()).containsExactly(t1, t3);
        complete(t3);
        scheduler.released("a", t3);
        assertThat(store.node("a").orElseThrow().lateRefusals()).isZero();
    }

    @Test
    void aFailureThatIsLateByTheRelayersClockTooIsNoClockProblem() {
        RecordingChannel a = new RecordingChannel("a", caps(Tier.BASIC, 2, 0, "echo"));
        scheduler.nodeOnline(a);
        String t1 = submit();
        deadlines.advance(Duration.ofSeconds(69)); // within the last second
        scheduler.nodeSeen("a");
        scheduler.failed("a", t1, "the task's deadline passed before the run finished", true);
        assertThat(store.node("a").orElseThrow().lateRefusals()).isZero();
    }
}

