package io.smainer.relayer.bench;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Tier;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The load benchmark's relayer process: an in-process ledger standing for the chain (providers
 * registered with their keys, demanders funded, {@code tasks} escrows created in order so escrow
 * {@code i + 1} pays for task {@code i}), and a relayer on it with signature checks on. Prints
 * {@code READY port=N}; on standard input {@code HEAP} prints the heap used after a GC, {@code CPU} the CPU
 * time so far (process, in-process chain, kernel, threads), {@code STOP}
 * prints the final counts and whether the balances reconcile, then exits. Stops by itself after 15
 * minutes.
 */
public final class BenchRelayer {
    private BenchRelayer() {
    }

    /**
     * @param args tasks, providers, demanders, port, then optional {@code key=value} relayer settings
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int tasks = Integer.parseInt(args[0]);
        int providers = Integer.parseInt(args[1]);
        int demanders = Integer.parseInt(args[2]);
        int port = Integer.parseInt(args[3]);
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        Ledger ledger = Ledger.builder().owner(BenchAccounts.OWNER).relayer(BenchAccounts.RELAYER)
                .treasury(BenchAccounts.TREASURY).crypto(crypto).build();
        long t0 = System.nanoTime();
        for (int i = 0; i < providers; i++) {
            Escrow own = ledger.client(BenchAccounts.provider(i));
            own.registerNode();
            own.setProviderPublicKey(BenchAccounts.providerKey(i, crypto).publicKey());
        }
        StringBuilder demanderKeys = new StringBuilder();
        TokenAmount base = TokenAmount.parseStrk("0.1");
        for (int d = 0; d < demanders; d++) {
            ledger.mint(BenchAccounts.demander(d), TokenAmount.ofBaseUnits(base.baseUnits().multiply(
                    BigInteger.valueOf(tasks / demanders + 1))));
            demanderKeys.append(d == 0 ? "" : ",").append(BenchAccounts.demander(d).hex()).append(':')
                    .append(BenchAccounts.demanderKey(d, crypto).publicKey().hex());
        }
        Escrow[] clients = new Escrow[demanders];
        for (int d = 0; d < demanders; d++) {
            clients[d] = ledger.client(BenchAccounts.demander(d));
        }
        for (int i = 0; i < tasks; i++) {
            Escrow c = clients[i % demanders];
            var created = c.createTask(c.token(), base, Tier.BASIC, BenchAccounts.job(i).contentHash());
            if (!created.escrowId().value().equals(BigInteger.valueOf(i + 1L))) {
                throw new IllegalStateException("escrow ids must run 1..N in order, got " + created.escrowId());
            }
        }
        System.out.printf("chain set up: %d providers, %d demanders, %d escrows in %d ms%n", providers, demanders, tasks,
                (System.nanoTime() - t0) / 1_000_000);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("name", "bench-relayer");
        s.put("host", "127.0.0.1");
        s.put("port", Integer.toString(port));
        s.put("demander_keys", demanderKeys.toString());
        s.put("limits.rate_per_second", "1000000");
        s.put("limits.rate_burst", "1000000");
        s.put("limits.ip_rate_per_second", "0"); // every demander process submits from loopback
        s.put("limits.ws_logins_per_second", "100000"); // and every provider logs in from it
        s.put("limits.ws_login_burst", "100000");
        s.put("settlement.batch_size", "200");
        s.put("settlement.max_delay_millis", "200");
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            s.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        ChainCpu chainCpu = new ChainCpu();
        Relayer relayer = Relayer.builder().config(RelayerConfig.load(s))
                .escrow(chainCpu.measure(ledger.client(BenchAccounts.RELAYER))).crypto(crypto).build().start();
        System.out.println("READY port=" + relayer.port() + String.format(" cpu_s=%.2f", BenchAccounts.cpuSeconds())
                + BenchAccounts.systemCpu());
        Thread stopper = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.trim().equals("HEAP")) {
                        String collections = BenchAccounts.gcPauses(); // the run's, before the full collection below
                        System.gc();
                        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                        System.out.printf("HEAP used_mib=%d committed_mib=%d max_mib=%d ws_connections=%d%s%n",
                                heap.getUsed() >> 20, heap.getCommitted() >> 20, heap.getMax() >> 20,
                                (long) relayer.metrics().value("smainer_ws_connections"), collections);
                        int rows = Integer.getInteger("bench.histogram", 0);
                        if (rows > 0) {
                            System.out.println(histogram(rows));
                        }
                    } else if (line.trim().equals("CPU")) {
                        System.out.println(String.format("CPU cpu_s=%.2f chain_cpu_s=%.2f assigned=%d", BenchAccounts.cpuSeconds(),
                                chainCpu.seconds(), assigned(relayer)) + BenchAccounts.systemCpu() + " " + threadCpu());
                    } else if (line.trim().equals("STOP")) {
                        break;
                    }
                }
            } catch (IOException e) {
                // stdin gone
            }
            Map<TaskStatus, Long> counts = relayer.store().countByStatus();
            long settled = counts.get(TaskStatus.SETTLED);
            TokenAmount perTask = FeeMath.flatSplit(FeeMath.quote(base, Tier.BASIC).escrow()).treasury();
            boolean reconciled = ledger.balanceOf(BenchAccounts.TREASURY).baseUnits()
                    .equals(perTask.baseUnits().multiply(BigInteger.valueOf(settled)));
            System.out.println("THREADS " + threadCpu());
            System.out.println("FINAL " + counts + " batches=" + relayer.settler().map(x -> x.batchesSent()).orElse(0L)
                    + " treasury_reconciles=" + reconciled + String.format(" cpu_s=%.2f chain_cpu_s=%.2f assigned=%d",
                    BenchAccounts.cpuSeconds(), chainCpu.seconds(), assigned(relayer)) + BenchAccounts.systemCpu());
            relayer.close();
            System.exit(0);
        }, "stopper");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(900_000);
        relayer.close();
        System.exit(0);
    }

    /** The assignments this relayer made (with several relayers on one store, its share of the work). */
    private static long assigned(Relayer relayer) {
        return (long) relayer.metrics().value("smainer_tasks_assigned_total");
    }

    /**
     * The CPU time the relayer's calls into the in-process ledger take (the chain's work, which in a real
     * deployment runs on Starknet, not on the relayer's cores), summed over the calling threads.
     */
    static final class ChainCpu {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final LongAdder nanos = new LongAdder();

        Escrow measure(Escrow escrow) {
            return (Escrow) Proxy.newProxyInstance(Escrow.class.getClassLoader(), new Class<?>[] {Escrow.class},
                    (proxy, method, args) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return method.invoke(escrow, args);
                        }
                        long before = threads.getCurrentThreadCpuTime();
                        try {
                            return method.invoke(escrow, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        } finally {
                            nanos.add(threads.getCurrentThreadCpuTime() - before);
                        }
                    });
        }

        double seconds() {
            return nanos.sum() / 1e9;
        }
    }

    /** CPU seconds of the live threads, grouped by name with any trailing number dropped, largest first. */
    static String threadCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Double> byGroup = new TreeMap<>();
        for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long nanos = threads.getThreadCpuTime(id);
            if (info != null && nanos > 0) {
                byGroup.merge(info.getThreadName().replaceAll("[-#]?\\d+$", ""), nanos / 1e9, Double::sum);
            }
        }
        StringBuilder out = new StringBuilder();
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                .forEach(e -> out.append(String.format("%s=%.2f ", e.getKey().replace(' ', '_'), e.getValue())));
        return out.toString().trim();
    }

    static ContractAddress relayerAccount() {
        return BenchAccounts.RELAYER;
    }

    /** The first {@code rows} lines of the live heap's class histogram (the JVM's own diagnostic command, no attach). */
    private static String histogram(int rows) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String[] lines = text.toString().split("\n");
            return String.join("\n", Arrays.copyOf(lines, Math.min(lines.length, rows + 3)));
        } catch (JMException e) {
            return "HISTOGRAM unavailable: " + e;
        }
    }
}
