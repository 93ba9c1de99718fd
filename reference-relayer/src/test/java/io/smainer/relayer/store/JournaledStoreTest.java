package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the journaled memory store, and what a restart (a second open of the file) keeps. */
class JournaledStoreTest extends RelayerStoreContract {
    @TempDir
    static Path dir;
    private static final AtomicInteger FILES = new AtomicInteger();
    private Path file;

    @Override
    protected RelayerStore newStore(Retention retention) {
        file = dir.resolve("j" + FILES.incrementAndGet() + ".journal");
        return JournaledStore.open(file, clock, retention);
    }

    /** What a relayer killed now and started again sees: the file as it is, opened a second time. */
    private RelayerStore afterACrash(Retention retention) {
        return JournaledStore.open(file, clock, retention);
    }

    @Test
    void aRestartKeepsEveryTaskInItsStatusWithItsResultAndTheEscrowGuard() {
        TaskRecord pending = ((RelayerStore.Created) store.create(task("p", 1))).task();
        TaskRecord inFlight = ((RelayerStore.Created) store.create(task("a", 2))).task();
        TaskRecord assigned = inFlight.assigned("n1", clock.millis() + 60_000, clock.millis());
        assertThat(store.replace(inFlight, assigned)).isTrue();
        TaskRecord completed = completedTask("c", 3, "n2");
        TaskRecord settled = settledTask("s", 4);
        TaskRecord failed = failedTask("f", 5);

        try (RelayerStore restarted = afterACrash(Retention.DEFAULT)) { // no close: as after a SIGKILL
            for (TaskRecord t : List.of(pending, assigned, completed, settled, failed)) {
                assertThat(restarted.task(t.id())).contains(t);
            }
            assertThat(restarted.task("s").orElseThrow().completion()).isEqualTo(settled.completion());
            assertThat(restarted.tasksOnNode("n1")).containsExactly(assigned);
            assertThat(restarted.tasksByStatus(TaskStatus.COMPLETED, 0, 10)).containsExactly(completed);
            assertThat(restarted.create(task("again", 4))).isEqualTo(new RelayerStore.Duplicate(settled));
            TaskRecord next = ((RelayerStore.Created) restarted.create(task("next", 6))).task();
            assertThat(next.seq()).isGreaterThan(failed.seq());
            assertThat(restarted.queuedBytes()).isEqualTo(store.queuedBytes() + next.heldBytes());
            assertThat(restarted.finishedBytes()).isEqualTo(store.finishedBytes());
        }
    }

    @Test
    void aRestartKeepsTheEvidenceTheSlashesAndTheDisputesAndSkipsATornSlashLine() throws IOException {
        store.keepEvidence(EVIDENCE_A, "{\"a\":\"line\\nbreak é\"}", PROVIDER, Optional.of("t 1"));
        store.slashInitiated(PROVIDER, EVIDENCE_A);
        store.keepEvidence(EVIDENCE_B, "{\"b\":2}", PROVIDER, Optional.empty());
        Path slashes = file.resolveSibling(file.getFileName() + ".slashes");
        Files.writeString(slashes, "ended " + PROVIDER.hex(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (RelayerStore restarted = afterACrash(Retention.DEFAULT)) { // no close: as after a SIGKILL
            assertThat(restarted.evidence(EVIDENCE_A)).contains("{\"a\":\"line\\nbreak é\"}");
            assertThat(restarted.evidence(EVIDENCE_B)).contains("{\"b\":2}");
            assertThat(restarted.disputeOf("t 1")).contains(EVIDENCE_A);
            assertThat(restarted.slashesWatched()).isEqualTo(Map.of(PROVIDER, EVIDENCE_A));
            assertThat(restarted.slashesToInitiate()).isEqualTo(Map.of(PROVIDER, EVIDENCE_B));
            assertThat(restarted.keepEvidence(Felt.of(0xd4), "{}", PROVIDER, Optional.of("t 1"))).contains(EVIDENCE_A);
            restarted.slashEnded(PROVIDER, EVIDENCE_A);
        }
        try (RelayerStore again = afterACrash(Retention.DEFAULT)) { // the write after the torn line is whole
            assertThat(again.slashesWatched()).isEmpty();
            assertThat(again.slashesToInitiate()).isEqualTo(Map.of(PROVIDER, EVIDENCE_B));
            assertThat(again.evidence(Felt.of(0xd4))).isEmpty();
        }
    }

    @Test
    void aLineTheCrashCutShortIsSkipped() throws IOException {
        TaskRecord kept = settledTask("s", 1);
        String torn = StoreCodec.taskToJson(task("torn", 2));
        Files.writeString(file, torn.substring(0, torn.length() / 2), StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (RelayerStore restarted = afterACrash(Retention.DEFAULT)) {
            assertThat(restarted.task("s")).contains(kept);
            assertThat(restarted.task("torn")).isEmpty();
            assertThat(restarted.create(task("after", 3))).isInstanceOf(RelayerStore.Created.class);
        }
        try (RelayerStore again = afterACrash(Retention.DEFAULT)) { // the rewrite left whole lines only
            assertThat(again.task("after")).isPresent();
        }
    }

    @Test
    void retentionStillDropsFinishedTasksAcrossARestartAndTheFileShrinks() throws IOException {
        settledTask("old", 1);
        clock.advance(Duration.ofMinutes(2));
        TaskRecord young = settledTask("young", 2);
        long before = Files.size(file);

        try (RelayerStore restarted = afterACrash(new Retention(Duration.ofMinutes(1), 1_000))) {
            assertThat(restarted.task("old")).isEmpty();
            assertThat(restarted.task("young")).contains(young);
            assertThat(restarted.taskByEscrow(U256.of(2))).contains(young);
        }
        assertThat(Files.size(file)).as("rewritten with the tasks kept, one line each").isLessThan(before);
    }
}
