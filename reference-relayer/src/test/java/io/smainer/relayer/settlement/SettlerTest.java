package io.smainer.relayer.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.Ledger;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.scheduling.ManualDeadlines;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.FaultyStore;
import io.smainer.relayer.store.MemoryStore;
import io.smainer.relayer.store.RelayerStore;
import io.smainer.relayer.store.TaskEvents;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.testing.Await;
import io.smainer.testing.MutableClock;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The settler on the in-process ledger and the memory store: no server. */
class SettlerTest {
    private static final ContractAddress RELAYER = ContractAddress.of(0x52);
    private static final ContractAddress TREASURY = ContractAddress.of(0x53);
    private static final ContractAddress DEMANDER = ContractAddress.of(0x54);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x55);

    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    private final Ledger ledger = Ledger.builder().owner(ContractAddress.of(0x51)).relayer(RELAYER).treasury(TREASURY).build();
    private final KeyPair providerKey = KeyPair.generate(new SecureRandom(), crypto);
    private final MemoryStore store = MemoryStore.create(Clock.systemUTC());
    private final List<TaskRecord> settled = new CopyOnWriteArrayList<>();
    private final List<TaskRecord> failed = new CopyOnWriteArrayList<>();
    private final TaskEvents recorder = new TaskEvents() {
        @Override
        public void settled(TaskRecord t) {
            settled.add(t);
        }

        @Override
        public void failed(TaskRecord t) {
            failed.add(t);
        }
    };
    private Settler settler;
    private int n;

    SettlerTest() {
        ledger.mint(DEMANDER, TokenAmount.parseStrk("1000"));
        Escrow p = ledger.client(PROVIDER);
        p.registerNode();
        p.setProviderPublicKey(providerKey.publicKey());
    }

    private Settler settler(int batch, Duration delay) {
        settler = Settler.builder().escrow(ledger.client(RELAYER)).store(store).batchSize(batch).maxDelay(delay)
                .events(recorder).build();
        return settler;
    }

    @AfterEach
    void close() {
        if (settler != null) {
            settler.close();
        }
    }

    /** A COMPLETED task on a fresh escrow, with a valid receipt unless told otherwise. */
    private TaskRecord completed(boolean validReceipt) {
        n++;
        JobSpec job = JobSpec.of("echo", Map.of(), new byte[] {(byte) n});
        CreatedTask escrow = ledger.client(DEMANDER).createTask(ledger.token(), TokenAmount.parseStrk("0.1"), Tier.BASIC,
                job.contentHash());
        byte[] result = job.payload();
        Felt hash = Receipts.resultHash(result);
        Felt h1 = Receipts.flatHash(crypto, escrow.escrowId(), PROVIDER, hash);
        Signature sig = crypto.sign(validReceipt ? providerKey.privateKey()
                : KeyPair.generate(new SecureRandom(), crypto).privateKey(), h1);
        TaskRecord t = ((RelayerStore.Created) store.create(TaskRecord.pending("t" + n, escrow.escrowId(), DEMANDER, job, SettlementMode.FLAT,
                escrow.escrowed(), TokenAmount.parseStrk("0.1"), Tier.BASIC.defaultMultiplier(), Tier.BASIC, Optional.empty(),
                Optional.empty(), 1))).task();
        TaskRecord a = t.assigned("node", 100, 2);
        store.replace(t, a);
        TaskRecord c = a.completed(new Completion(PROVIDER, result, hash, sig, Optional.empty(), Optional.empty(), 3), 3);
        store.replace(a, c);
        return c;
    }

    private TaskStatus status(TaskRecord t) {
        return store.task(t.id()).orElseThrow().status();
    }

    @Test
    void aCompletionWhoseSignalWasLostIsSettledAtTheLeadersNextRenewal() {
        FaultyStore faulty = FaultyStore.over(store);
        settler = Settler.builder().escrow(ledger.client(RELAYER)).store(faulty.store()).batchSize(10)
                .maxDelay(Duration.ofMillis(10)).leaseTtl(Duration.ofMillis(300)).events(recorder).build();
        Await.until(Duration.ofSeconds(10), settler::isLeader, () -> "the settler never became the leader");

        faulty.signalsLost(true); // as when the store's pub/sub connection is down: the COMPLETED signal is gone
        TaskRecord t = completed(true);
        faulty.signalsLost(false);

        Await.until(Duration.ofSeconds(10), () -> status(t) == TaskStatus.SETTLED,
                () -> "still " + status(t) + ": a leader that stays leader never looked for COMPLETED tasks again");
        assertThat(settled).extracting(TaskRecord::id).containsExactly(t.id());
    }

    @Test
    void settlesABatchInOneTransactionAndOnlyThenMarksItSettled() {
        settler(10, Duration.ofSeconds(60));
        List<TaskRecord> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(completed(true));
            assertThat(status(tasks.get(i))).isEqualTo(TaskStatus.COMPLETED);
        }
        Await.until(Duration.ofSeconds(10), () -> settled.size() == 10);
        assertThat(settler.batchesSent()).isEqualTo(1);
        assertThat(tasks).allSatisfy(t -> {
            assertThat(status(t)).isEqualTo(TaskStatus.SETTLED);
            // a flat settlement leaves the escrow COMPLETED on chain (smainer.cairo:633)
            assertThat(ledger.client(RELAYER).getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.COMPLETED);
        });
        assertThat(store.task(tasks.get(0).id()).orElseThrow().settlementTx()).isPresent();
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(TokenAmount.ofBaseUnits(
                FeeMath.flatSplit(tasks.get(0).escrowAmount()).providerTotal().baseUnits().multiply(BigInteger.TEN)));
    }

    @Test
    void aPartialBatchLeavesAfterTheMaximumDelay() {
        settler(50, Duration.ofMillis(100));
        TaskRecord t = completed(true);
        settler.enqueue(t.id());
        Await.until(Duration.ofSeconds(10), () -> status(t) == TaskStatus.SETTLED);
        assertThat(settler.batchesSent()).isEqualTo(1);
    }

    @Test
    void aRevertedBatchIsSplitTheBadSettlementFailsAndTheRestAreSettled() {
        settler(8, Duration.ofSeconds(60));
        List<TaskRecord> good = new ArrayList<>();
        TaskRecord bad = null;
        for (int i = 0; i < 8; i++) {
            TaskRecord t = completed(i != 5);
            if (i == 5) {
                bad = t;
            } else {
                good.add(t);
            }
            settler.enqueue(t.id());
        }
        TaskRecord culprit = bad;
        Await.until(Duration.ofSeconds(10), () -> settled.size() == 7 && failed.size() == 1);
        assertThat(settler.batchesReverted()).isGreaterThanOrEqualTo(1);
        assertThat(good).allSatisfy(t -> assertThat(status(t)).isEqualTo(TaskStatus.SETTLED));
        TaskRecord f = store.task(culprit.id()).orElseThrow();
        assertThat(f.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(f.error().orElseThrow()).contains("Invalid signature").contains("cancel_task");
        assertThat(ledger.client(RELAYER).getTask(culprit.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.CREATED);
    }

    @Test
    void aTaskSentBeforeARestartIsLookedUpOnChainAndNeverPaidTwice() {
        TaskRecord t = completed(true);
        TaskRecord sent = t.settlingSent(4);
        store.replace(t, sent);
        // the previous process sent the settlement, which landed, then died before recording it
        ledger.client(RELAYER).settleBatch(List.of(Settler.settlementOf(sent)));
        TokenAmount paid = ledger.balanceOf(PROVIDER);
        settler(10, Duration.ofMillis(10)).recover();
        Await.until(Duration.ofSeconds(10), () -> status(t) == TaskStatus.SETTLED);
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(paid);
        assertThat(settler.batchesSent()).isZero();
        assertThat(settler.batchesReverted()).isZero();
    }

    @Test
    void aBatchHoldingATaskAlreadyPaidOnChainMarksItSettledAndPaysTheRestOnce() {
        TaskRecord paidBefore = completed(true);
        TaskRecord fresh = completed(true);
        // another process paid the first one (flat: COMPLETED on chain) without the store knowing
        ledger.client(RELAYER).settleBatch(List.of(Settler.settlementOf(paidBefore)));
        assertThat(ledger.client(RELAYER).getTask(paidBefore.escrowId()).orElseThrow().status())
                .isEqualTo(EscrowStatus.COMPLETED);
        TokenAmount paid = ledger.balanceOf(PROVIDER);
        settler(2, Duration.ofSeconds(60));
        settler.enqueue(paidBefore.id());
        settler.enqueue(fresh.id());
        Await.until(Duration.ofSeconds(10), () -> settled.size() == 2 || !failed.isEmpty());
        assertThat(failed).isEmpty();
        assertThat(status(paidBefore)).isEqualTo(TaskStatus.SETTLED);
        assertThat(status(fresh)).isEqualTo(TaskStatus.SETTLED);
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(paid.plus(FeeMath.flatSplit(fresh.escrowAmount()).providerTotal()));
    }

    @Test
    void aTaskWhoseEscrowWasCancelledFails() {
        TaskRecord t = completed(true);
        ledger.client(DEMANDER).cancelTask(t.escrowId());
        settler(10, Duration.ofMillis(10)).enqueue(t.id());
        Await.until(Duration.ofSeconds(10), () -> status(t) == TaskStatus.FAILED);
        assertThat(store.task(t.id()).orElseThrow().error().orElseThrow()).contains("CANCELLED");
        assertThat(ledger.balanceOf(PROVIDER)).isEqualTo(TokenAmount.ZERO);
    }
    @Test
    void aRefusedLeaseTimeToLiveLeavesNoListenerOrThreadBehind() {
        long before = settlerThreads();

        assertThatThrownBy(() -> Settler.builder().escrow(ledger.client(RELAYER)).store(store).maxDelay(Duration.ofMillis(1))
                .leaseTtl(Duration.ofMillis(2)).events(recorder).build())
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("lease_ttl");
        completed(true); // the store signals COMPLETED: a listener left behind would start a settler thread

        assertThat(settlerThreads()).isEqualTo(before);
        assertThat(settled).isEmpty();
    }

    private static long settlerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().equals("settler")).count();
    }

    @Test
    void onDeadlinesAPartialBatchLeavesExactlyAtTheMaximumDelay() {
        ManualDeadlines deadlines = new ManualDeadlines(new MutableClock(Instant.parse("2025-01-01T00:00:00Z")));
        settler = Settler.builder().escrow(ledger.client(RELAYER)).store(store).batchSize(50)
                .maxDelay(Duration.ofSeconds(2)).deadlines(deadlines).executor(Runnable::run).events(recorder)
                .build();
        TaskRecord t = completed(true);
        settler.enqueue(t.id());

        deadlines.advance(Duration.ofMillis(1999));
        assertThat(status(t)).isEqualTo(TaskStatus.COMPLETED);
        deadlines.advance(Duration.ofMillis(1));
        assertThat(status(t)).isEqualTo(TaskStatus.SETTLED);
        assertThat(settler.batchesSent()).isEqualTo(1);
    }

    @Test
    void onDeadlinesTheLeaseIsRenewedEveryThirdOfItsTimeToLiveUntilClosed() {
        ManualDeadlines deadlines = new ManualDeadlines(new MutableClock(Instant.parse("2025-01-01T00:00:00Z")));
        settler = Settler.builder().escrow(ledger.client(RELAYER)).store(store).leaseTtl(Duration.ofSeconds(30))
                .deadlines(deadlines).executor(Runnable::run).build();
        assertThat(settler.isLeader()).isFalse();

        deadlines.advance(Duration.ofSeconds(10));
        assertThat(settler.isLeader()).isTrue();
        assertThat(deadlines.armed()).isEqualTo(1);
        settler.close();
        settler.close();
        assertThat(deadlines.armed()).isZero();
    }
}

