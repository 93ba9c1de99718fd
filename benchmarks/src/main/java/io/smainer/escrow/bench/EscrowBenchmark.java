package io.smainer.escrow.bench;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.Settlement;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.escrow.local.TestRpcNode;
import io.smainer.fee.Tier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A load generator for the escrow: the in-process ledger's throughput (creates, flat settlements one per
 * transaction and fifty per transaction, views, concurrent creates), and the Starknet client's through the
 * JSON-RPC test node over loopback HTTP (writes per second, round trips per write). Prints its figures;
 * asserts nothing. Run: {@code mvn -pl benchmarks -am test-compile -Dbench=escrow-bench}.
 */
public final class EscrowBenchmark {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final ContractAddress OWNER = ContractAddress.of(0x0a11);
    private static final ContractAddress RELAYER = ContractAddress.of(0x0a12);
    private static final ContractAddress TREASURY = ContractAddress.of(0x0a13);
    private static final ContractAddress DEMANDER = ContractAddress.of(0x0a14);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x0a16);
    private static final KeyPair RECEIPT_KEY = KeyPair.fromPrivateKey(Felt.parse("0x5eed0001"), CRYPTO);

    private EscrowBenchmark() {
    }

    /**
     * @param args ignored
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        System.out.printf("escrow benchmark: %s, %d cores, crypto %s%n", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), CRYPTO.name());
        for (int round = 0; round < 2; round++) {
            System.out.println(round == 0 ? "-- warm-up round (discarded) --" : "-- measured round --");
            ledger(5_000);
            concurrentCreates(4_000);
            starknet(round == 0 ? 100 : 150);
        }
    }

    private static Ledger freshLedger() {
        Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).crypto(CRYPTO).build();
        ledger.mint(DEMANDER, TokenAmount.parseStrk("1000000 STRK"));
        Escrow p = ledger.client(PROVIDER);
        p.registerNode();
        p.setProviderPublicKey(RECEIPT_KEY.publicKey());
        return ledger;
    }

    private static Settlement.Flat receipt(U256 id, long result) {
        Felt r = Felt.of(result);
        return new Settlement.Flat(id, PROVIDER, r, CRYPTO.sign(RECEIPT_KEY.privateKey(),
                Receipts.flatHash(CRYPTO, id, PROVIDER, r)));
    }

    private static void ledger(int n) {
        Ledger ledger = freshLedger();
        Escrow demander = ledger.client(DEMANDER);
        Escrow relayer = ledger.client(RELAYER);
        long t0 = System.nanoTime();
        List<U256> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000 + i), Tier.PRO, Felt.of(i)).escrowId());
        }
        long t1 = System.nanoTime();
        List<Settlement> receipts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            receipts.add(receipt(ids.get(i), i));
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < n / 2; i++) {
            relayer.settle(receipts.get(i));
        }
        long t3 = System.nanoTime();
        for (int i = n / 2; i + 50 <= n; i += 50) {
            relayer.settleBatch(receipts.subList(i, i + 50));
        }
        long t4 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            demander.getTask(ids.get(i));
        }
        long t5 = System.nanoTime();
        System.out.printf("ledger: createTask %.0f/s | receipt signing %.0f/s | settle one per tx %.0f/s"
                + " | settleBatch of 50: %.0f settlements/s | getTask %.0f/s%n", rate(n, t0, t1), rate(n, t1, t2),
                rate(n / 2, t2, t3), rate((n - n / 2) / 50 * 50, t3, t4), rate(n, t4, t5));
    }

    private static void concurrentCreates(int n) throws Exception {
        Ledger ledger = freshLedger();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    Escrow e = ledger.client(DEMANDER);
                    for (int i = 0; i < n / threads; i++) {
                        e.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000), Tier.BASIC, Felt.of(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            System.out.printf("ledger: createTask from %d threads %.0f/s%n", threads, rate(n, t0, System.nanoTime()));
        } finally {
            pool.shutdownNow();
        }
    }

    private static void starknet(int n) {
        Ledger ledger = freshLedger();
        Felt demanderKey = Felt.parse("0x71");
        Felt relayerKey = Felt.parse("0x72");
        try (TestRpcNode node = TestRpcNode.builder().ledger(ledger).start();
                StarknetEscrow demander = connect(node, ledger, DEMANDER, demanderKey);
                StarknetEscrow relayer = connect(node, ledger, RELAYER, relayerKey)) {
            long rt0 = demander.rpcRoundTrips();
            long t0 = System.nanoTime();
            List<U256> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                CreatedTask t = demander.createTask(ledger.token(), TokenAmount.ofBaseUnits(1_000 + i), Tier.BASIC, Felt.of(i));
                ids.add(t.escrowId());
            }
            long t1 = System.nanoTime();
            double createTrips = (demander.rpcRoundTrips() - rt0) / (double) n;
            List<Settlement> receipts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                receipts.add(receipt(ids.get(i), i));
            }
            long rt1 = relayer.rpcRoundTrips();
            long t2 = System.nanoTime();
            for (int i = 0; i < n / 3; i++) {
                relayer.settle(receipts.get(i));
            }
            long t3 = System.nanoTime();
            double settleTrips = (relayer.rpcRoundTrips() - rt1) / (double) (n / 3);
            int batched = 0;
            for (int i = n / 3; i + 50 <= n; i += 50) {
                relayer.settleBatch(receipts.subList(i, i + 50));
                batched += 50;
            }
            long t4 = System.nanoTime();
            System.out.printf("starknet client via test node (loopback HTTP): createTask %.0f/s (%.2f round trips each,"
                    + " incl. the tier view) | settle one per tx %.0f/s (%.2f round trips) | settleBatch of 50:"
                    + " %.0f settlements/s%n", rate(n, t0, t1), createTrips, rate(n / 3, t2, t3), settleTrips,
                    rate(batched, t3, t4));
        }
    }

    private static StarknetEscrow connect(TestRpcNode node, Ledger ledger, ContractAddress a, Felt key) {
        node.addAccount(a, CRYPTO.publicKey(key));
        return StarknetEscrow.builder().rpcUrl(node.url()).account(a).privateKey(key).contract(ledger.contract())
                .token(ledger.token()).chainId(ledger.chainId()).pollInterval(Duration.ofMillis(1)).build();
    }

    private static double rate(long n, long from, long to) {
        return n / ((to - from) / 1e9);
    }
}
