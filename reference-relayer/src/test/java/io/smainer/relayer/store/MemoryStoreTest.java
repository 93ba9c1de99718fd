package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store contract, on the in-memory store, and that its memory stays bounded. */
class MemoryStoreTest extends RelayerStoreContract {
    @Override
    protected RelayerStore newStore(Retention retention) {
        return MemoryStore.create(clock, retention);
    }

    @Test
    void everyIndexStaysWithinTheCapWhateverHowManyTasksRunThrough() {
        int cap = 500;
        reopenWith(Duration.ofDays(1), cap);
        MemoryStore memory = (MemoryStore) store;
        for (int i = 0; i < 3 * cap; i++) {
            if (i % 10 == 0) {
                failedTask("f" + i, i);
            } else {
                settledTask("s" + i, i);
                if (i % 7 == 0) {
                    assertThat(store.addWebhook("s" + i, clock.instant())).isTrue();
                    store.finishWebhook(store.claimWebhook("s" + i, "a", Duration.ofSeconds(30)).orElseThrow());
                }
            }
            clock.advance(Duration.ofMillis(10));
            Map<String, Integer> sizes = memory.sizes();
            assertThat(sizes.get("tasks")).isLessThanOrEqualTo(cap);
            assertThat(sizes.get("byStatus")).isLessThanOrEqualTo(cap);
            assertThat(sizes.get("bySeq")).isLessThanOrEqualTo(cap);
            assertThat(sizes.get("finished")).isLessThanOrEqualTo(cap);
            assertThat(sizes.get("webhooks")).isLessThanOrEqualTo(cap);
            assertThat(sizes.get("byNode")).isZero();
            assertThat(sizes.get("nodesWithTasks")).isZero();
            assertThat(sizes.get("retiredEscrows")).isLessThanOrEqualTo(cap);
            // the held tasks' escrows plus the guarded escrows of dropped FAILED tasks
            assertThat(sizes.get("byEscrow")).isLessThanOrEqualTo(cap + sizes.get("retiredEscrows"));
        }
        assertThat(memory.sizes()).containsEntry("tasks", cap).containsEntry("dueWebhooks", 0);
        assertThat(store.countByStatus()).containsEntry(TaskStatus.FAILED, 150L).containsEntry(TaskStatus.SETTLED, 1350L);
        assertThat(store.create(task("again", 0))).as("the first FAILED task's escrow is still guarded")
                .isEqualTo(new RelayerStore.Retired("f0"));
        assertThat(store.taskByEscrow(U256.of(3 * cap - 1))).isPresent();
    }

    @Test
    void theGuardOfDroppedFailedEscrowsIsBoundedToTheCap() {
        reopenWith(Duration.ofDays(1), 2);
        for (int i = 0; i < 6; i++) {
            failedTask("f" + i, i);
        }
        Map<String, Integer> sizes = ((MemoryStore) store).sizes();
        assertThat(sizes).containsEntry("tasks", 2).containsEntry("retiredEscrows", 2).containsEntry("byEscrow", 4);
        assertThat(store.create(task("reuses-f3", 3))).isEqualTo(new RelayerStore.Retired("f3"));
        assertThat(store.create(task("reuses-f0", 0))).as("guarded no longer: 4 FAILED tasks were dropped since")
                .isInstanceOf(RelayerStore.Created.class);
    }
}
