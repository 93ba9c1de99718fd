package io.smainer.relayer.bench;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Signature;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.MemoryStore;
import io.smainer.relayer.store.RelayerStore;
import io.smainer.relayer.store.Retention;
import io.smainer.relayer.store.TaskRecord;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Measures the heap a {@link MemoryStore} holds per finished task: fills one with N SETTLED tasks as the relayer
 * stores them (a UUID id, a random 252-bit escrow id, an echo job of BYTES payload bytes, a webhook URL, a
 * completion with 64 result bytes, a result hash, a receipt signature, a settlement transaction), with a
 * retention that keeps them all, then N FAILED ones dropped at once (their escrows stay guarded), and prints
 * the heap used after a full GC per task. {@code java ... FinishedTaskHeap [N [BYTES]]} (default 100,000 tasks, 64
 * payload and 64 result bytes each); run with
 * {@code -Xmx1g -XX:+UseG1GC}. A figure, not a test: docs/operations.md quotes it.
 */
public final class FinishedTaskHeap {
    /** Payload and result bytes per task. */
    private static int bytes;

    private FinishedTaskHeap() {
    }

    /**
     * @param args the number of tasks
     * @throws Exception never, in practice
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        bytes = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Random random = new Random(42);
        Clock clock = Clock.systemUTC();
        long before = usedAfterGc();
        MemoryStore store = MemoryStore.create(clock, new Retention(Duration.ofDays(1), n));
        for (int i = 0; i < n; i++) {
            finish(store, random, clock, true);
        }
        long held = usedAfterGc();
        System.out.printf("HELD finished=%d heap_mib=%.1f bytes_per_task=%d%n", n, (held - before) / 1048576.0,
                (held - before) / n);
        // N FAILED tasks push the SETTLED ones out and are then pushed out by N more SETTLED ones: what is left
        // beyond N held tasks is the escrow guard of N dropped FAILED tasks
        for (int i = 0; i < n; i++) {
            finish(store, random, clock, false);
        }
        for (int i = 0; i < n; i++) {
            finish(store, random, clock, true);
        }
        long guarded = usedAfterGc();
        System.out.printf("GUARD dropped_failed=%d heap_mib=%.1f bytes_per_guard=%d%n", n,
                (guarded - held) / 1048576.0, (guarded - held) / n);
        System.out.println("tasks now " + store.countByStatus());
        store.close();
    }

    private static void finish(RelayerStore store, Random random, Clock clock, boolean settle) {
        long now = clock.millis();
        byte[] payload = new byte[bytes];
        random.nextBytes(payload);
        byte[] result = new byte[bytes];
        random.nextBytes(result);
        TaskRecord t = ((RelayerStore.Created) store.create(TaskRecord.pending(UUID.randomUUID().toString(),
                U256.of(new BigInteger(252, random)), ContractAddress.of(0x2001), JobSpec.of("echo", Map.of(), payload),
                SettlementMode.FLAT, TokenAmount.parseStrk("0.2"), TokenAmount.parseStrk("0.2"),
                Tier.BASIC.defaultMultiplier(), Tier.BASIC, Optional.of("https://demander.example/hooks/smainer"),
                Optional.empty(), now))).task();
        TaskRecord a = t.assigned(address(random).hex(), now + 310_000, now);
        store.replace(t, a);
        TaskRecord r = a.running(now);
        store.replace(a, r);
        if (!settle) {
            store.replace(r, r.failed("node failed: out of memory; cancel escrow (cancel_task) for a full refund", now));
            return;
        }
        TaskRecord c = r.completed(new Completion(address(random), result,
                Felt.of(new BigInteger(250, random)), new Signature(Felt.of(new BigInteger(250, random)),
                        Felt.of(new BigInteger(250, random))), Optional.empty(), Optional.empty(), now), now);
        store.replace(r, c);
        TaskRecord s = c.settlingSent(now);
        store.replace(c, s);
        store.replace(s, s.settled(Optional.of(Felt.of(new BigInteger(250, random))), now));
    }

    private static ContractAddress address(Random random) {
        return ContractAddress.parse("0x" + new BigInteger(250, random).toString(16));
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200); // let the collector settle between full collections (not a wait for a condition)
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
