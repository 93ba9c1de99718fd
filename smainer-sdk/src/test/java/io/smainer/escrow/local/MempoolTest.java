package io.smainer.escrow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.local.LedgerRpcServer.RpcError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The node's admission rules without HTTP: the sender's next nonce (counting invokes that wait for a block), no
 * hash twice, blocks on demand in the order received, and the transaction kept as it came.
 */
class MempoolTest {
    private static final ContractAddress ALICE = ContractAddress.of(0xa1);
    private static final ContractAddress BOB = ContractAddress.of(0xb0b);

    private final Ledger ledger = Ledger.builder().owner(ContractAddress.of(0xa11)).relayer(ContractAddress.of(0xa12))
            .treasury(ContractAddress.of(0xa13)).build();

    /** An invoke with no calls: it runs on the ledger as a transaction that only spends its nonce. */
    private static Invoke invoke(ContractAddress sender, long nonce, long hash) {
        return new Invoke(sender, Felt.of(nonce), Felt.of(hash), List.of(), List.of(Felt.ZERO), List.of(), false);
    }

    private static JsonObject json(long hash) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "INVOKE");
        o.addProperty("marker", hash);
        return o;
    }

    @Test
    void runsAtOnceInABlockOfItsOwnAndKeepsTheTransactionAsReceived() {
        Mempool pool = new Mempool(ledger, false);
        long before = ledger.blockNumber();

        pool.submit(invoke(ALICE, 0, 0x100), json(0x100));

        assertThat(ledger.blockNumber()).isEqualTo(before + 1);
        assertThat(ledger.nonce(ALICE)).isEqualTo(Felt.ONE);
        assertThat(ledger.transaction(Felt.of(0x100))).isPresent();
        assertThat(pool.size()).isZero();
        JsonObject kept = pool.received(Felt.of(0x100)).orElseThrow();
        assertThat(kept.get("marker").getAsLong()).isEqualTo(0x100);
        kept.addProperty("marker", 0); // a copy: what a caller does to it does not change what the node keeps
        assertThat(pool.received(Felt.of(0x100)).orElseThrow().get("marker").getAsLong()).isEqualTo(0x100);
    }

    @Test
    void refusesANonceThatIsNotTheSendersNextWithTheExpectedOne() {
        Mempool pool = new Mempool(ledger, false);
        pool.submit(invoke(ALICE, 0, 0x100), json(0x100));

        for (long wrong : new long[] {0, 2}) {
            assertThatThrownBy(() -> pool.submit(invoke(ALICE, wrong, 0x200 + wrong), json(0x200 + wrong)))
                    .isInstanceOfSatisfying(RpcError.class, e -> {
                        assertThat(e.code()).isEqualTo(52);
                        assertThat(e.data().orElseThrow().getAsString())
                                .isEqualTo("Account nonce: " + Felt.ONE.hex() + "; got: " + Felt.of(wrong).hex());
                    });
        }
        assertThat(ledger.nonce(ALICE)).isEqualTo(Felt.ONE);
        assertThat(pool.received(Felt.of(0x200))).isEmpty();
    }

    @Test
    void refusesAHashItHasSeenAndRunsNothing() {
        Mempool pool = new Mempool(ledger, true);
        pool.submit(invoke(ALICE, 0, 0x100), json(0x100));

        assertThatThrownBy(() -> pool.submit(invoke(BOB, 0, 0x100), json(0x100)))
                .isInstanceOfSatisfying(RpcError.class, e -> assertThat(e.code()).isEqualTo(59));
        assertThat(pool.createBlock()).isEqualTo(1);
        assertThatThrownBy(() -> pool.submit(invoke(BOB, 0, 0x100), json(0x100)))
                .isInstanceOfSatisfying(RpcError.class, e -> assertThat(e.code()).isEqualTo(59));
        assertThat(ledger.nonce(BOB)).isEqualTo(Felt.ZERO);
    }

    @Test
    void onDemandHoldsInvokesCountsTheirNoncesAndRunsThemInOrder() {
        Mempool pool = new Mempool(ledger, true);
        long before = ledger.blockNumber();

        pool.submit(invoke(ALICE, 0, 0x100), json(0x100));
        pool.submit(invoke(BOB, 0, 0x101), json(0x101));
        pool.submit(invoke(ALICE, 1, 0x102), json(0x102)); // the waiting one counts: 1 is ALICE's next

        assertThat(pool.size()).isEqualTo(3);
        assertThat(pool.hashes()).containsExactly(Felt.of(0x100), Felt.of(0x101), Felt.of(0x102));
        assertThat(pool.waitingSender(Felt.of(0x101))).contains(BOB);
        assertThat(ledger.blockNumber()).isEqualTo(before);
        assertThat(ledger.transaction(Felt.of(0x100))).isEmpty();

        assertThat(pool.createBlock()).isEqualTo(3);

        assertThat(pool.size()).isZero();
        assertThat(pool.hashes()).isEmpty();
        assertThat(ledger.blockNumber()).isEqualTo(before + 3);
        assertThat(ledger.transactionInBlock(before + 1).orElseThrow().hash()).isEqualTo(Felt.of(0x100));
        assertThat(ledger.transactionInBlock(before + 3).orElseThrow().hash()).isEqualTo(Felt.of(0x102));
        assertThat(ledger.nonce(ALICE)).isEqualTo(Felt.of(2));
        assertThat(pool.waitingSender(Felt.of(0x101))).isEmpty();
    }
}
