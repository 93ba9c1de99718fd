package io.smainer.relayer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.Felt;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreCodecTest {
    @Test
    void aTaskRebuiltFromItsRecordAsCreatedAndItsLastChangesEqualsItAtEveryStep() {
        TaskRecord v0 = RelayerStoreContract.task("t1", 7).withSeq(42);
        TaskRecord assigned = v0.assigned("n1", 100, 2);
        TaskRecord requeued = assigned.requeued("the node went away", 3);
        TaskRecord again = requeued.assigned("n2", 200, 4);
        TaskRecord running = again.running(5);
        TaskRecord completed = running.completed(RelayerStoreContract.completion(), 6);
        TaskRecord sent = completed.settlingSent(7);
        TaskRecord settled = sent.settled(Optional.of(Felt.of(0x5e7)), 8);
        TaskRecord failed = running.failed("no node could run it", 9);
        String created = StoreCodec.taskToJson(v0);
        assertThat(StoreCodec.taskFromParts(created, null)).isEqualTo(v0);
        for (TaskRecord t : List.of(assigned, requeued, again, running, completed, sent, settled, failed)) {
            assertThat(StoreCodec.taskFromParts(created, StoreCodec.changesToJson(t))).isEqualTo(t);
        }
    }

    @Test
    void aChangeCarriesNeitherThePayloadNorAnyOtherFixedField() {
        TaskRecord big = RelayerStoreContract.task("t-big", 8, 100_000).withSeq(1);
        String changes = StoreCodec.changesToJson(big.assigned("n1", 100, 2));
        assertThat(changes.length()).isLessThan(300);
        assertThat(changes).doesNotContain("payload", "escrow_id", "demander", "webhook_url", "created_at_millis");
    }
}
