package io.smainer.escrow.bench;

import com.swmansion.starknet.data.Selector;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.Settlement;
import io.smainer.fee.Tier;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Measures the heap the in-process ledger's history (its transactions and their events) holds per settled
 * task, as the relayer's local mode leaves it: N escrows created by 4 demanders (one transaction each),
 * settled flat by the relayer in batches of 50 (one multicall each) with receipts signed by 3 providers;
 * addresses, task hashes and result hashes are random 250-bit felts as on Starknet. Prints the heap after a
 * full GC per task with the ledger, and again once its history is dropped (by reflection), so the
 * difference is what the history costs. Then times {@code events()} reads over that history: every contract
 * event through {@code Escrow.eventsAfter} (what the local demo reads), one selector over all blocks (the
 * test node's keyed {@code starknet_getEvents}), and a poll of the last 100 blocks. {@code java ...
 * LedgerHistoryHeap [N]} (default 20,000, after a discarded warm-up of N/4); run with {@code -Xmx1g -XX:+UseG1GC}. A figure, not a test:
 * docs/benchmarks.md quotes it.
 */
public final class LedgerHistoryHeap {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final int BATCH = 50;

    private LedgerHistoryHeap() {
    }

    /**
     * @param args the number of tasks
     * @throws Exception never, in practice
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.printf("ledger history heap: %s, %d cores, crypto %s%n", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), CRYPTO.name());
        run(Math.max(BATCH, n / 4), false); // warm-up: the JIT compiles, the crypto's tables fill; discarded
        run(n, true);
    }

    private static void run(int n, boolean print) throws Exception {
        Random random = new Random(42);
        ContractAddress owner = address(random);
        ContractAddress relayerAccount = address(random);
        ContractAddress treasury = address(random);
        List<ContractAddress> providers = new ArrayList<>();
        List<KeyPair> keys = new ArrayList<>();
        List<ContractAddress> demanders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            providers.add(address(random));
            keys.add(KeyPair.fromPrivateKey(Felt.of(new BigInteger(240, random).add(BigInteger.ONE)), CRYPTO));
        }
        for (int i = 0; i < 4; i++) {
            demanders.add(address(random));
        }
        long before = usedAfterGc();
        Ledger ledger = Ledger.builder().owner(owner).relayer(relayerAccount).treasury(treasury).crypto(CRYPTO).build();
        for (int i = 0; i < providers.size(); i++) {
            Escrow p = ledger.client(providers.get(i));
            p.registerNode();
            p.setProviderPublicKey(keys.get(i).publicKey());
        }
        TokenAmount base = TokenAmount.parseStrk("0.1");
        List<Escrow> clients = new ArrayList<>();
        for (ContractAddress d : demanders) {
            ledger.mint(d, TokenAmount.ofBaseUnits(base.baseUnits().multiply(BigInteger.valueOf(n))));
            clients.add(ledger.client(d));
        }
        Escrow relayer = ledger.client(relayerAccount);
        long createNanos = 0;
        long settleNanos = 0;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            List<Settlement> batch = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                Escrow c = clients.get(i % clients.size());
                long t0 = System.nanoTime();
                U256 id = c.createTask(c.token(), base, Tier.BASIC, Felt.of(new BigInteger(250, random))).escrowId();
                createNanos += System.nanoTime() - t0;
                int p = i % providers.size();
                Felt result = Felt.of(new BigInteger(250, random));
                batch.add(new Settlement.Flat(id, providers.get(p), result, CRYPTO.sign(keys.get(p).privateKey(),
                        Receipts.flatHash(CRYPTO, id, providers.get(p), result))));
            }
            long t0 = System.nanoTime();
            relayer.settleBatch(batch);
            settleNanos += System.nanoTime() - t0;
        }
        long blocks = ledger.blockNumber();
        long events = ledger.events(0, blocks, Optional.empty(), List.of(), 0, Integer.MAX_VALUE).size();
        if (!print) {
            readEvents(ledger, relayer, blocks, false);
            return;
        }
        System.out.printf("LEDGER tasks=%d blocks=%d events=%d (%.2f a task) | createTask %.1f us, settle %.1f us a"
                + " task (receipt checks included)%n", n, blocks, events, events / (double) n, createNanos / 1e3 / n,
                settleNanos / 1e3 / n);
        readEvents(ledger, relayer, blocks, true);
        long withLedger = usedAfterGc();
        long objectsWithLedger = liveObjects();
        dropHistory(ledger);
        long withoutHistory = usedAfterGc();
        long objectsWithoutHistory = liveObjects();
        System.out.printf("HEAP ledger=%.1f MiB (%d bytes a task), of which history=%.1f MiB (%d bytes a task, %.2f"
                + " live objects a task)%n", (withLedger - before) / 1048576.0, (withLedger - before) / n,
                (withLedger - withoutHistory) / 1048576.0, (withLedger - withoutHistory) / n,
                (objectsWithLedger - objectsWithoutHistory) / (double) n);
        if (ledger.blockNumber() != blocks) {
            throw new IllegalStateException("the ledger moved");
        }
    }

    private static void readEvents(Ledger ledger, Escrow relayer, long blocks, boolean print) {
        for (int round = 0; round < 4; round++) {
            long t0 = System.nanoTime();
            int all = relayer.eventsAfter(EventCursor.START).size();
            long t1 = System.nanoTime();
            Felt created = Felt.of(Selector.selectorFromName("TaskCreated").getValue());
            List<ChainEvent> keyed = ledger.events(0, blocks, Optional.of(ledger.contract()),
                    List.of(List.of(created)), 0, Integer.MAX_VALUE);
            long t2 = System.nanoTime();
            int polled = 0;
            int polls = 200;
            for (int i = 0; i < polls; i++) {
                polled += ledger.events(blocks - 99, blocks, Optional.of(ledger.contract()), List.of(), 0, 1024).size();
            }
            long t3 = System.nanoTime();
            if (print && round == 3) {
                System.out.printf("EVENTS eventsAfter(START): %d escrow events in %.1f ms (%.0f ns an event) | one"
                        + " selector over all blocks: %d in %.1f ms | poll of the last 100 blocks: %d events in %.1f us%n",
                        all, (t1 - t0) / 1e6, (t1 - t0) / (double) all, keyed.size(), (t2 - t1) / 1e6, polled / polls,
                        (t3 - t2) / 1e3 / polls);
            }
        }
    }

    /** Drops the ledger's history (whatever the machine keeps it in) so that a GC frees it. */
    private static void dropHistory(Ledger ledger) throws ReflectiveOperationException {
        Field m = Ledger.class.getDeclaredField("machine");
        m.setAccessible(true);
        Object machine = m.get(ledger);
        for (Field f : machine.getClass().getDeclaredFields()) {
            if (!List.of("transactions", "byHash", "history").contains(f.getName())) {
                continue;
            }
            f.setAccessible(true);
            Object v = f.get(machine);
            if (v instanceof Collection<?> c) {
                c.clear();
            } else if (v instanceof Map<?, ?> map) {
                map.clear();
            } else {
                f.set(machine, null);
            }
        }
    }

    private static ContractAddress address(Random random) {
        return new ContractAddress(Felt.of(new BigInteger(250, random)));
    }

    /** @return the live objects on the heap: the total of the JVM's class histogram (which collects first) */
    private static long liveObjects() throws JMException {
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String[] lines = text.toString().trim().split("\n");
        return Long.parseLong(lines[lines.length - 1].trim().split("\\s+")[1]);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200); // let the collector settle between full collections (not a wait for a condition)
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
