package io.smainer.relayer.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ChainId;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.SettlementMode;
import io.smainer.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;

/**
 * The load benchmark's demanders: signs one SNIP-12 request per escrow (before the clock starts: a
 * demander signs on its own machine), then submits them all over HTTP with a bounded number in flight,
 * noting when each was sent, and polls {@code /stats} until every task is settled. Prints
 * {@code DEMAND ...} with the times; writes {@code index sentMicros} lines to the output file.
 */
public final class BenchDemander {
    private BenchDemander() {
    }

    /**
     * @param args relayer ports (comma-separated: task i goes to the (i mod n)-th; {@code /stats}, which counts all
     *     relayers on one store, is read from the first), task count, demander count, requests in flight, output file, rate (tasks/s, 0 for
     *     as fast as the window allows), warm-up tasks, and of those the last ones sent at the rate (the JIT
     *     compiles again when the load changes from flat out to paced: the measured phase should not pay for it)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        String[] ports = args[0].split(",");
        int tasks = Integer.parseInt(args[1]);
        int demanders = Integer.parseInt(args[2]);
        int inFlight = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0; // tasks/s; 0: as fast as the window allows
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 0; // tasks sent first and not measured
        int paced = args.length > 7 ? Integer.parseInt(args[7]) : 0; // the warm-up's last tasks, sent at the rate
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        ProtocolCodec codec = ProtocolCodec.create();
        SecureRandom random = new SecureRandom();
        Snip12.Domain domain = Snip12.Domain.smainer(ChainId.LOCAL);
        KeyPair[] keys = new KeyPair[demanders];
        for (int d = 0; d < demanders; d++) {
            keys[d] = BenchAccounts.demanderKey(d, crypto);
        }
        String[] bodies = new String[tasks];
        long expiresAt = Instant.now().plusSeconds(600).getEpochSecond();
        for (int i = 0; i < tasks; i++) {
            int d = i % demanders;
            JobSpec job = BenchAccounts.job(i);
            U256 escrowId = U256.of(i + 1L);
            Felt nonce = new Felt(new BigInteger(248, random));
            Felt hash = Snip12.requestHash(domain, BenchAccounts.demander(d), escrowId, job.contentHash(),
                    Api.SubmitTask.termsHash(SettlementMode.FLAT, Optional.empty()), nonce, expiresAt);
            Signature sig = crypto.sign(keys[d].privateKey(), hash);
            bodies[i] = codec.toJson(new Api.SubmitTask(escrowId, job, SettlementMode.FLAT, BenchAccounts.demander(d), nonce,
                    expiresAt, sig, Optional.empty()));
        }
        System.out.println("DEMAND signed=" + tasks + String.format(" cpu_s=%.2f", BenchAccounts.cpuSeconds())
                + BenchAccounts.systemCpu());
        // The load generator's HTTP client is Jetty's: the JDK's costs about 0.8 ms of CPU per request on this
        // machine, which the relayer would otherwise lose to the harness on the same two cores.
        HttpClient http = new HttpClient();
        http.setMaxConnectionsPerDestination(inFlight);
        http.setMaxRequestsQueuedPerDestination(Math.max(1024, inFlight * 2));
        http.setConnectTimeout(10_000);
        http.start();
        URI[] submitUri = new URI[ports.length];
        for (int p = 0; p < ports.length; p++) {
            submitUri[p] = URI.create("http://127.0.0.1:" + ports[p] + "/api/v1/tasks");
        }
        URI stats = URI.create("http://127.0.0.1:" + ports[0] + "/api/v1/stats");
        AtomicLongArray sent = new AtomicLongArray(tasks);
        AtomicLongArray answered = new AtomicLongArray(tasks);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        Semaphore window = new Semaphore(inFlight);
        if (warmup > 0) {
            // warm-up: the JIT compiles the hot paths and the key tables fill before anything is measured
            submit("warm-up", http, submitUri, bodies, 0, warmup - paced, 0, window, sent, answered, refused, busy);
            if (paced > 0) {
                submit("warm-up at the rate", http, submitUri, bodies, warmup - paced, warmup, rate, window, sent, answered,
                        refused, busy);
            }
            window.acquire(inFlight);
            window.release(inFlight);
            // settled, not only completed: the warm-up's settlement backlog would otherwise still be running
            // (receipts checked, transactions sent) when the measured phase starts, and be counted against it
            awaitSettled(http, stats, warmup - refused.get(), Duration.ofMinutes(3)); // refused ones never settle
            System.out.println("DEMAND warm tasks=" + warmup + String.format(" cpu_s=%.2f", BenchAccounts.cpuSeconds())
                    + BenchAccounts.systemCpu());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("GO")) {
                // the benchmark takes every process's CPU counters, then says GO
            }
        }
        long start = System.nanoTime();
        int refusedInWarmup = refused.get();
        int busyInWarmup = busy.get();
        submit("measured", http, submitUri, bodies, warmup, tasks, rate, window, sent, answered, refused, busy);
        window.acquire(inFlight);
        long submitted = System.nanoTime();
        long completedAt = 0;
        long settledAt = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject t = stats(http, stats);
            long settled = t.get("settled").getAsLong();
            long completed = t.get("completed").getAsLong() + settled;
            long now = System.nanoTime();
            if (completedAt == 0 && completed >= tasks - refused.get()) {
                completedAt = now;
            }
            if (settled >= tasks - refused.get()) {
                settledAt = now;
                break;
            }
            Thread.sleep(20); // the poll itself costs the relayer CPU: 50 a second, each ending within 20 ms
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < tasks; i++) {
                w.println(i + " " + sent.get(i));
            }
        }
        long[] rtt = new long[tasks - warmup];
        int n = 0;
        for (int i = warmup; i < tasks; i++) {
            if (answered.get(i) > 0) {
                rtt[n++] = answered.get(i) - sent.get(i);
            }
        }
        Arrays.sort(rtt, 0, n);
        if (n > 0) {
            System.out.printf("DEMAND POST /tasks answered (from send or due time) p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n",
                    rtt[n / 2] / 1e3, rtt[(int) (n * 0.9)] / 1e3, rtt[(int) Math.min(n - 1, n * 0.99)] / 1e3);
        }
        long settledNow = stats(http, stats).get("settled").getAsLong();
        System.out.printf("DEMAND measured phase: %d accepted, %d refused 503 with Retry-After, %d refused otherwise;"
                + " %d settled of the %d accepted in all (lost: %d)%n", tasks - warmup - (refused.get() - refusedInWarmup),
                busy.get() - busyInWarmup, refused.get() - refusedInWarmup - (busy.get() - busyInWarmup), settledNow,
                tasks - refused.get(), tasks - refused.get() - settledNow);
        System.out.println(String.format("DEMAND tasks=%d measured=%d refused=%d submit_s=%.3f completed_s=%.3f settled_s=%.3f"
                + " cpu_s=%.2f", tasks, tasks - warmup, refused.get(), (submitted - start) / 1e9, completedAt == 0 ? -1 : (completedAt - start) / 1e9,
                settledAt == 0 ? -1 : (settledAt - start) / 1e9, BenchAccounts.cpuSeconds()) + BenchAccounts.systemCpu());
        System.exit(0);
    }

    /**
     * Sends bodies {@code [from, to)}, at most the window's permits in flight; with a rate, task i is due at
     * the start plus {@code (i - from) / rate}, and its latency counts from then even when the generator falls
     * behind (no coordinated omission).
     */
    private static void submit(String phase, HttpClient http, URI[] uris, String[] bodies, int from, int to, double rate,
            Semaphore window, AtomicLongArray sent, AtomicLongArray answered, AtomicInteger refused, AtomicInteger busy)
            throws InterruptedException {
        long startMicros = BenchAccounts.nowMicros();
        long start = System.nanoTime();
        for (int i = from; i < to; i++) {
            long due = 0;
            if (rate > 0) {
                due = start + (long) ((i - from) * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            window.acquire();
            if (i > from && (i - from) % 10_000 == 0) { // a long phase shows it is moving
                System.out.printf("DEMAND progress %s: %,d of %,d sent, %.0f tasks/s%n", phase, i - from, to - from,
                        (i - from) / ((System.nanoTime() - start) / 1e9));
            }
            int index = i;
            sent.set(i, rate > 0 ? startMicros + (due - start) / 1_000 : BenchAccounts.nowMicros());
            http.POST(uris[i % uris.length]).body(new StringRequestContent("application/json", bodies[i], StandardCharsets.UTF_8))
                    .timeout(30, TimeUnit.SECONDS).send(new BufferingResponseListener() {
                        @Override
                        public void onComplete(Result r) {
                            if (r.isFailed() || r.getResponse().getStatus() / 100 != 2) {
                                boolean forRoom = !r.isFailed() && r.getResponse().getStatus() == 503
                                        && r.getResponse().getHeaders().contains("Retry-After");
                                if (forRoom) {
                                    busy.incrementAndGet(); // refused for room: the demander would send it again later
                                }
                                if (refused.incrementAndGet() - busy.get() <= 5 && !forRoom) {
                                    System.out.println("refused task " + index + ": " + (r.isFailed() ? r.getFailure()
                                            : r.getResponse().getStatus() + " " + getContentAsString()));
                                }
                            }
                            answered.set(index, BenchAccounts.nowMicros());
                            window.release();
                        }
                    });
        }
    }

    private static JsonObject stats(HttpClient http, URI stats) throws Exception {
        return JsonParser.parseString(http.GET(stats).getContentAsString()).getAsJsonObject().getAsJsonObject("tasks");
    }

    /** Waits until at least {@code count} tasks are settled. */
    private static void awaitSettled(HttpClient http, URI stats, int count, Duration timeout) {
        Await.until(timeout, () -> {
            try {
                return stats(http, stats).get("settled").getAsLong() >= count;
            } catch (Exception e) {
                throw new IllegalStateException("GET /stats failed", e);
            }
        }, () -> count + " tasks settled");
    }
}
