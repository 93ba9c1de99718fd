package io.smainer.relayer.bench;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.protocol.JobSpec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

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
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /**
     * @return {@code sys_s=...}: this process's CPU time in the kernel so far (Linux {@code /proc/self/stat};
     *     the rest of {@link #cpuSeconds()} is user time), or an empty string elsewhere
     */
    static String systemCpu() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return String.format(" sys_s=%.2f", Long.parseLong(f[12]) / 100.0) // stime, in clock ticks (USER_HZ 100)
                    + runQueueWait();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * @return {@code wait_s=...}: how long this process's live threads have waited, runnable, for a core
     *     (Linux {@code /proc/self/task/N/schedstat}, second field), or an empty string elsewhere
     */
    static String runQueueWait() {
        long nanos = 0;
        try (java.util.stream.Stream<java.nio.file.Path> tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String[] f = java.nio.file.Files.readString(t.resolve("schedstat")).trim().split(" ");
                    nanos += Long.parseLong(f[1]);
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
            return String.format(" wait_s=%.2f", nanos / 1e9);
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    /** @return epoch microseconds from the wall clock, comparable across processes on one machine */
    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
