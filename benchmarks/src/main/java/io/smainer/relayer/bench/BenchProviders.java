package io.smainer.relayer.bench;

import io.smainer.crypto.StarkCrypto;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobContext;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.protocol.JobSpec;
import io.smainer.provider.ProviderNode;
import io.smainer.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The load benchmark's providers: {@code count} SDK {@link ProviderNode}s in one process, each its own
 * WebSocket and account, sharing one HTTP client and one job runner. Each echo job notes when it
 * started (the task's assignment reached the provider). Prints {@code PROVIDERS READY} once all are
 * logged in; on {@code CPU} prints its CPU time so far; on {@code STOP} writes {@code index startMicros} lines to the output file and exits.
 */
public final class BenchProviders {
    private BenchProviders() {
    }

    /**
     * @param args relayer ports (comma-separated: provider i logs in to the (i mod n)-th), provider count, concurrency
     *     per provider, task count, output file
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String[] ports = args[0].split(",");
        int count = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        int tasks = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        AtomicLongArray started = new AtomicLongArray(tasks);
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        JavaJobRunner runner = JavaJobRunner.builder().standardKinds(false).workerThreads(4).queueCapacity(100_000)
                .handler(new JobHandler() {
                    @Override
                    public String kind() {
                        return "echo";
                    }

                    @Override
                    public JobOutput run(JobSpec spec, JobContext context) {
                        int i = BenchAccounts.index(spec.payload());
                        if (i >= 0 && i < tasks) {
                            started.compareAndSet(i, 0, BenchAccounts.nowMicros());
                        }
                        return JobOutput.of(spec.payload());
                    }
                }).build();
        // one client for all the nodes (one selector thread), running callbacks in place as a node's own does
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(Runnable::run).build();
        List<ProviderNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ProviderNode node = ProviderNode.builder().relayer("http://127.0.0.1:" + ports[i % ports.length])
                    .account(BenchAccounts.provider(i), BenchAccounts.providerKey(i, crypto)).runner(runner)
                    .concurrency(concurrency).tier(Tier.PREMIUM).name("bench-" + i).crypto(crypto).httpClient(http)
                    .closeGrace(Duration.ZERO).build();
            nodes.add(node);
            node.start();
        }
        Await.until(Duration.ofSeconds(120), () -> nodes.stream().allMatch(n -> n.status().state() == ProviderNode.State.READY),
                () -> "all " + count + " providers logged in");
        System.out.println("PROVIDERS READY count=" + count + String.format(" cpu_s=%.2f", BenchAccounts.cpuSeconds())
                + BenchAccounts.systemCpu());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("STOP")) {
                if (line.trim().equals("CPU")) {
                    System.out.println(String.format("CPU cpu_s=%.2f", BenchAccounts.cpuSeconds()) + BenchAccounts.systemCpu());
                }
            }
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < tasks; i++) {
                w.println(i + " " + started.get(i));
            }
        }
        long accepted = nodes.stream().mapToLong(n -> n.status().accepted()).sum();
        System.out.println("PROVIDERS DONE accepted=" + accepted + String.format(" cpu_s=%.2f", BenchAccounts.cpuSeconds())
                + BenchAccounts.systemCpu());
        System.exit(0); // the connections just drop: the run is over
    }
}
