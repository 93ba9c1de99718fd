package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How {@link GuardedStore} takes an outage: a store that stops answering, and one whose disk is full. */
class GuardedStoreTest {
    private final FaultyStore faulty = FaultyStore.over(MemoryStore.create(Clock.systemUTC(), Retention.DEFAULT));
    private final GuardedStore store = GuardedStore.of(faulty.store(), "a test store", Clock.systemUTC());

    @Test
    void aFullDiskRefusesWritesNamingItWhileReadsGoOnAndOnlyAWriteEndsTheOutage() {
        TaskRecord kept = ((RelayerStore.Created) store.create(RelayerStoreContract.task("kept", 1))).task();
        faulty.diskFull(true);

        assertThatThrownBy(() -> store.create(RelayerStoreContract.task("new", 2)))
                .isInstanceOfSatisfying(StoreUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("its disk is full (No space left on device)"));
        assertThat(store.isDown()).isTrue();
        assertThat(store.task("kept")).as("what it has stays readable").contains(kept);
        assertThat(store.countByStatus()).isNotEmpty();
        assertThat(store.isDown()).as("a read does not end an outage of refused writes").isTrue();
        assertThat(store.acquireLease("settlement-leader", "a relayer", Duration.ofSeconds(60))).isTrue();
        assertThat(store.isDown()).as("nor does a write the journal does not hold (a lease)").isTrue();
        assertThatThrownBy(() -> store.create(RelayerStoreContract.task("new", 2)))
                .isInstanceOfSatisfying(StoreUnavailableException.class,
                        e -> assertThat(e.reason()).contains("disk is full"));
        assertThat(store.outages()).isEqualTo(1);

        faulty.diskFull(false);
        assertThat(store.task("kept")).contains(kept);
        assertThat(store.isDown()).isTrue();
        assertThat(store.create(RelayerStoreContract.task("new", 2))).isInstanceOf(RelayerStore.Created.class);
        assertThat(store.isDown()).as("the first write that succeeds ends it").isFalse();
        assertThat(store.outages()).isEqualTo(1);
    }

    @Test
    void aStoreThatStopsAnsweringRefusesReadsToo() {
        store.create(RelayerStoreContract.task("kept", 1));
        faulty.diskFull(true);
        assertThatThrownBy(() -> store.create(RelayerStoreContract.task("new", 2)))
                .isInstanceOf(StoreUnavailableException.class);
        faulty.down(true); // then it stops answering at all: reads wait for a probe like every call
        assertThatThrownBy(() -> store.task("kept")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.task("kept")).isInstanceOf(StoreUnavailableException.class);
        faulty.down(false);
        faulty.diskFull(false);
        assertThat(store.task("kept")).isPresent();
        assertThat(store.isDown()).as("once every call waits for the store, a read that succeeds ends it").isFalse();
    }
}
