package io.smainer.provider;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import io.smainer.testing.Await;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Load generator for one {@link ProviderNode}: how many tiny tasks per second it takes through the whole
 * provider protocol (decode the assignment, accept, run an echo job, hash the result, sign the h1 receipt,
 * send the completion, take the ack) over a real loopback WebSocket, and the latency from assignment sent
 * to completion received. The peer is {@link ScriptedRelayer}, so the figures are the node's own cost, not
 * a relayer's. Prints its figures; asserts nothing.
 *
 * <pre>mvn -pl benchmarks -am test-compile -Dbench=provider-bench</pre>
 */
public final class ProviderNodeBenchmark {
    private ProviderNodeBenchmark() {
    }

    /**
     * @param args {@code [tasks] [concurrency]}, default 3000 tasks, 16 at once
     * @throws Exception when the loopback network fails
     */
    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        KeyPair keys = KeyPair.generate(new SecureRandom(), crypto);
        ContractAddress address = ContractAddress.parse("0xbe7c4");
        try (ScriptedRelayer relayer = new ScriptedRelayer(0, Map.of(address, keys.publicKey()), 30);
                GatedRunner runner = new GatedRunner();
                ProviderNode node = ProviderNode.builder().relayer(relayer.url()).account(address, keys).runner(runner)
                        .concurrency(concurrency).crypto(crypto).build().start()) {
            relayer.await(Messages.NodeRegister.class, Duration.ofSeconds(30));
            Await.until(Duration.ofSeconds(30), () -> node.status().state() == ProviderNode.State.READY, () -> "logged in");
            System.out.printf(Locale.ROOT, "provider node: %d echo tasks, %d at once, crypto %s, %d cores%n", tasks,
                    concurrency, crypto.name(), Runtime.getRuntime().availableProcessors());
            run(relayer, Math.max(200, tasks / 5), concurrency, "warm-up");
            run(relayer, tasks, concurrency, "measured");
        }
    }

    private static void run(ScriptedRelayer relayer, int tasks, int concurrency, String label) throws Exception {
        relayer.received.clear();
        ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
        long[] latencies = new long[tasks];
        int done = 0;
        int sent = 0;
        long start = System.nanoTime();
        while (done < tasks) {
            while (sent < tasks && sent - done < concurrency) {
                String id = label + "-" + sent;
                sentAt.put(id, System.nanoTime());
                relayer.send(new Messages.TaskAssigned(Messages.newId(), id, U256.of(sent + 1L),
                        JobSpec.of("echo", Map.of(), ("payload " + sent).getBytes(StandardCharsets.UTF_8)),
                        SettlementMode.FLAT, TokenAmount.ONE_STRK, System.currentTimeMillis() + 600_000));
                sent++;
            }
            Messages.TaskCompleted c = relayer.await(Messages.TaskCompleted.class, Duration.ofSeconds(60));
            latencies[done++] = System.nanoTime() - sentAt.remove(c.taskId());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf(Locale.ROOT, "%-9s %6d tasks in %6.2f s: %7.0f tasks/s; latency p50 %.2f ms, p99 %.2f ms%n",
                label, tasks, seconds, tasks / seconds, latencies[tasks / 2] / 1e6, latencies[(int) (tasks * 0.99)] / 1e6);
    }
}
