package io.smainer.seal.bench;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.protocol.JobSpec;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealBinding;
import io.smainer.seal.SealKeyPair;
import io.smainer.seal.SealedJob;
import io.smainer.seal.SealedJobs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What sealing costs per task, on one thread: CPU time to seal a job (demander), open it (provider), seal the result
 * (provider) and open it (demander), for payloads of 1 KiB (a prompt), 512 KiB (a 256 x 256 matmul's two matrices)
 * and 4 MiB, to 1, 3 and 32 recipients; and the bytes sealing adds. Also the client's check of one provider's key
 * binding (a Stark signature verification). Prints a table; asserts nothing.
 *
 * <p>{@code mvn -pl benchmarks -am test-compile -Dbench=seal-bench}
 */
public final class SealBenchmark {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private SealBenchmark() {
    }

    /**
     * @param args none
     */
    public static void main(String[] args) {
        SecureRandom random = new SecureRandom();
        SealKeyPair demander = SealKeyPair.generate(random);
        Envelope.Recipient replyTo = new Envelope.Recipient(ContractAddress.of(0xd0), demander.publicKey());
        System.out.println("| payload | recipients | sealed job adds | seal job (demander) | open job (provider) |"
                + " seal result (provider) | open result (demander) |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int size : new int[] {1024, 512 * 1024, 4 * 1024 * 1024}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            JobSpec job = JobSpec.of("matmul-f32", Map.of("m", "256", "k", "256", "n", "256"), payload);
            for (int n : new int[] {1, 3, 32}) {
                List<SealKeyPair> keys = new ArrayList<>();
                List<Envelope.Recipient> to = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    keys.add(SealKeyPair.generate(random));
                    to.add(new Envelope.Recipient(ContractAddress.of(0xa0 + i), keys.get(i).publicKey()));
                }
                int rounds = size >= 4 << 20 ? 8 : size >= 512 << 10 ? 30 : 400;
                for (int warm = 0; warm < 2; warm++) { // the first pass warms the JIT up; the second is printed
                    SealedJob[] sealed = new SealedJob[1];
                    double seal = cpuMillis(rounds, () -> sealed[0] = SealedJobs.seal(job, replyTo, to, random));
                    SealedJobs.OpenedJob[] opened = new SealedJobs.OpenedJob[1];
                    double open = cpuMillis(rounds, () -> opened[0] = SealedJobs.open(sealed[0].sealed(), keys.get(n - 1)));
                    byte[][] result = new byte[1][];
                    double sealResult = cpuMillis(rounds, () -> result[0] = SealedJobs.sealResult(payload, replyTo, random));
                    double openResult = cpuMillis(rounds, () -> SealedJobs.openResult(result[0], demander));
                    if (warm == 1) {
                        long adds = sealed[0].sealed().payload().length - (long) payload.length;
                        System.out.printf("| %s | %d | %d B (result: %d B) | %.3f ms | %.3f ms | %.3f ms | %.3f ms |%n",
                                human(size), n, adds, result[0].length - payload.length, seal, open, sealResult,
                                openResult);
                    }
                }
            }
        }
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        KeyPair stark = KeyPair.generate();
        Snip12.Domain domain = Snip12.Domain.smainer(ChainId.LOCAL);
        SealBinding b = SealBinding.sign(crypto, domain, ContractAddress.of(0xa0), stark, demander);
        for (int warm = 0; warm < 2; warm++) {
            double verify = cpuMillis(200, () -> b.verifies(crypto, domain, ContractAddress.of(0xa0), stark.publicKey()));
            if (warm == 1) {
                System.out.printf("%nkey binding check (client, per provider; a Stark signature verification): %.3f ms%n",
                        verify);
            }
        }
    }

    private static String human(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /** @return CPU milliseconds per run of {@code op}, on this thread */
    private static double cpuMillis(int rounds, Runnable op) {
        long t0 = CPU.getCurrentThreadCpuTime();
        for (int i = 0; i < rounds; i++) {
            op.run();
        }
        return (CPU.getCurrentThreadCpuTime() - t0) / 1e6 / rounds;
    }
}
