package io.smainer.relayer.bench;

import com.sun.management.OperatingSystemMXBean;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.protocol.JobSpec;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The load benchmark's accounts, the same in every process: keys derived from a fixed seed (benchmark
 * keys, never real ones), addresses from indexes, the i-th task's job.
 */
final class BenchAccounts {
    static final ContractAddress OWNER = ContractAddress.of(0x1001);
    static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    static final ContractAddress TREASURY = ContractAddress.of(0x1003);
    private static final String SEED = "smainer-load-bench";

    private BenchAccounts() {
    }

    static ContractAddress provider(int i) {
        return ContractAddress.of(0x500000L + i);
    }

    static ContractAddress demander(int i) {
        return ContractAddress.of(0x600000L + i);
    }

    static KeyPair providerKey(int i, StarkCrypto crypto) {
        return key("provider", i, crypto);
    }

    static KeyPair demanderKey(int i, StarkCrypto crypto) {
        return key("demander", i, crypto);
    }

    private static KeyPair key(String role, int i, StarkCrypto crypto) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((SEED + "/" + role + "/" + i).getBytes(StandardCharsets.UTF_8));
            BigInteger k = new BigInteger(1, h).mod(KeyPair.CURVE_ORDER.subtract(BigInteger.ONE)).add(BigInteger.ONE);
            return KeyPair.fromPrivateKey(Felt.of(k), crypto);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The i-th task's job: an echo of a few bytes; escrow {@code i + 1} pays for it. */
    static JobSpec job(int i) {
        return new JobSpec("echo", Map.of(), ("task " + i).getBytes(StandardCharsets.UTF_8), 30_000, 0);
    }

    /** @return the task index an echo payload names */
    static int index(byte[] payload) {
        return Integer.parseInt(new String(payload, 5, payload.length - 5, StandardCharsets.US_ASCII));
    }

    /** @return this process's CPU time so far, in seconds */
    static double cpuSeconds() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /**
     * @return {@code sys_s=...}: this process's CPU time in the kernel so far (Linux {@code /proc/self/stat};
     *     the rest of {@link #cpuSeconds()} is user time), or an empty string elsewhere
     */
    static String systemCpu() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return String.format(" sys_s=%.2f", Long.parseLong(f[12]) / 100.0) // stime, in clock ticks (USER_HZ 100)
                    + runQueueWait() + gcPauses();
        } catch (IOException | RuntimeException e) {
            return gcPauses();
        }
    }

    /**
     * @return {@code gc_n=... gc_ms=...}: this process's collections so far and the time they took, from the
     *     collectors that stop the application (G1's young and mixed, Parallel's, ZGC's and Shenandoah's pauses; not
     *     the concurrent cycles, which run beside it)
     */
    static String gcPauses() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Cycles") || gc.getName().contains("Concurrent")) {
                continue;
            }
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return " gc_n=" + count + " gc_ms=" + millis;
    }

    /**
     * @return {@code wait_s=...}: how long this process's live threads have waited, runnable, for a core
     *     (Linux {@code /proc/self/task/N/schedstat}, second field), or an empty string elsewhere
     */
    static String runQueueWait() {
        long nanos = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String[] f = Files.readString(t.resolve("schedstat")).trim().split(" ");
                    nanos += Long.parseLong(f[1]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
            return String.format(" wait_s=%.2f", nanos / 1e9);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** @return epoch microseconds from the wall clock, comparable across processes on one machine */
    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
