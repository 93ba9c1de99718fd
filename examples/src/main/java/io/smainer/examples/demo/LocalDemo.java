package io.smainer.examples.demo;

import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.OpenedResult;
import io.smainer.client.SmainerClient;
import io.smainer.concurrent.DaemonThreads;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EventCursor;
import io.smainer.examples.Launcher;
import io.smainer.examples.QuietLogs;
import io.smainer.fee.Tier;
import io.smainer.job.CheckResult;
import io.smainer.job.JobRunner;
import io.smainer.job.ResultChecks;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import io.smainer.provider.ProviderNode;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealedJob;
import io.smainer.testkit.LocalNetwork;
import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./smainer demo}: a whole Smainer network in one process on embedded defaults. An in-process
 * ledger plays the chain, the reference relayer runs on a loopback port with the in-memory store,
 * several providers (the SDK's {@link ProviderNode}) run jobs on the GPU runner where there is a GPU
 * and on the Java runner otherwise, and a demander funds an escrow for each task, submits it, waits for
 * the result and checks it itself. It ends with a table: per job kind the count, latency and fees, and
 * final balances that must reconcile to the base unit.
 */
public final class LocalDemo {
    static final TokenAmount MINTED = TokenAmount.parseStrk("1000");
    static final Duration RESULT_WAIT = Duration.ofSeconds(120);

    private LocalDemo() {
    }

    /**
     * The demo's knobs.
     *
     * @param providers provider nodes to start
     * @param tasks tasks to run
     * @param seed random seed of the task mix
     * @param sealed seal every task: the payload to the providers that fit, the result to the demander
     */
    public record Options(int providers, int tasks, long seed, boolean sealed) {
        /** Default: 3 providers, 120 tasks, not sealed. */
        public static final Options DEFAULT = new Options(3, 120, 42, false);

        /** Validates the ranges. */
        public Options {
            if (providers < 1 || providers > 64) {
                throw new IllegalArgumentException("--providers: expected 1 to 64, got " + providers);
            }
            if (tasks < 1 || tasks > 100_000) {
                throw new IllegalArgumentException("--tasks: expected 1 to 100000, got " + tasks);
            }
        }
    }

    /**
     * {@code ./smainer demo}'s command line ({@link Launcher}).
     *
     * @param args {@code --providers N}, {@code --tasks N}, {@code --seed N}
     */
    public static void main(String[] args) {
        String[] demo = new String[args.length + 1];
        demo[0] = "demo";
        System.arraycopy(args, 0, demo, 1, args.length);
        System.exit(Launcher.run(demo, System.out, System.err));
    }

    /**
     * Runs the demo and prints its progress and report.
     *
     * @param options the knobs
     * @param out where to print
     * @return what happened
     * @throws Exception when the network cannot start
     */
    public static DemoReport run(Options options, PrintStream out) throws Exception {
        Runners runners = Runners.detect();
        List<JobRunner> jobRunners = new ArrayList<>();
        Tier[] providerTiers = {Tier.PREMIUM, Tier.PRO, Tier.BASIC};
        QuietLogs.apply();
        try (LocalNetwork net = LocalNetwork.builder().demanderFunds(MINTED).build()) {
            out.println("Smainer local network");
            out.println("  chain     in-process ledger (" + net.chainId() + "), " + MINTED.toStrkString() + " minted to the demander");
            out.println("  runner    " + runners.description());
            out.println("  relayer   " + net.relayerUri() + " (dashboard at /), in-memory store");
            List<ProviderNode> nodes = new ArrayList<>();
            for (int i = 0; i < options.providers(); i++) {
                JobRunner runner = runners.create(i);
                jobRunners.add(runner);
                nodes.add(net.startProvider("provider-" + (i + 1), providerTiers[i % providerTiers.length], runner, 4));
            }
            out.println("  providers " + options.providers() + " online, registered on-chain with their keys"
                    + " (tiers: premium, pro, basic, ...)");
            if (options.sealed()) {
                out.println("  sealed    every payload sealed to the providers that fit (X25519 keys bound to their"
                        + " on-chain keys), every result to the demander; the relayer sees ciphertext");
            }
            out.println();

            List<TaskOutcome> outcomes = runTasks(options, net, out);
            for (ProviderNode n : nodes) {
                n.close(Duration.ofSeconds(2));
            }
            Escrow demanderEscrow = net.demanderEscrow();
            DemoReport report = DemoReport.build(outcomes, settlements(demanderEscrow), net.ledger(), LocalNetwork.DEMANDER,
                    LocalNetwork.TREASURY, net.providerAddresses(), MINTED);
            report.print(out);
            return report;
        } finally {
            jobRunners.forEach(JobRunner::close);
        }
    }

    private static List<TaskOutcome> runTasks(Options options, LocalNetwork net, PrintStream out) throws Exception {
        Random random = new Random(options.seed());
        List<TaskMix.Planned> plan = new ArrayList<>();
        for (int i = 0; i < options.tasks(); i++) {
            plan.add(TaskMix.next(i, random));
        }
        Progress progress = new Progress(out, options.tasks());
        List<TaskOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (SmainerClient client = net.demanderClient()) {
            progress.start();
            List<Future<?>> futures = new ArrayList<>();
            for (TaskMix.Planned p : plan) {
                futures.add(pool.submit(() -> {
                    outcomes.add(options.sealed() ? runSealed(client, p) : runOne(client, p));
                    progress.done();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            progress.stop();
        }
        return outcomes;
    }

    private static TaskOutcome runOne(SmainerClient client, TaskMix.Planned p) {
        long t0 = System.nanoTime();
        try {
            CreatedTask funded = client.createEscrow(p.base(), p.tier(), p.job());
            Api.TaskCreated created = client.submit(funded.escrowId(), p.job(), p.settlement(), Optional.empty());
            Api.TaskResult result = client.awaitResult(created.taskId(), RESULT_WAIT);
            return checked(p, funded, t0, result.result());
        } catch (RuntimeException e) {
            return TaskOutcome.failed(p.job().kind(), p.tier(), p.settlement(), System.nanoTime() - t0, e.getMessage());
        }
    }

    /**
     * A sealed task: sealed to every provider that fits and publishes a key bound to its on-chain key, funded for the
     * sealed job, opened and checked by the client (authentication and Freivalds), then checked again here like a
     * plain one.
     */
    private static TaskOutcome runSealed(SmainerClient client, TaskMix.Planned p) {
        long t0 = System.nanoTime();
        try {
            List<Envelope.Recipient> to = client.sealRecipients(p.job().kind(), p.tier(), p.job().maxMemoryBytes(),
                    Envelope.MAX_RECIPIENTS);
            SealedJob sealed = client.seal(p.job(), to);
            CreatedTask funded = client.createEscrow(p.base(), p.tier(), sealed.sealed());
            Api.TaskCreated created = client.submit(funded.escrowId(), sealed.sealed(), p.settlement(), Optional.empty());
            OpenedResult result = client.awaitSealedResult(created.taskId(), sealed, RESULT_WAIT);
            return checked(p, funded, t0, result.result());
        } catch (RuntimeException e) {
            return TaskOutcome.failed(p.job().kind(), p.tier(), p.settlement(), System.nanoTime() - t0, e.getMessage());
        }
    }

    /** The demander's own check of a plain result, timed from {@code t0}. */
    private static TaskOutcome checked(TaskMix.Planned p, CreatedTask funded, long t0, byte[] result) {
        long nanos = System.nanoTime() - t0;
        CheckResult check = ResultChecks.forKind(p.job().kind())
                .map(c -> c.check(p.job(), result))
                .orElse(CheckResult.pass("no independent check for this kind"));
        return new TaskOutcome(p.job().kind(), p.tier(), p.settlement(), funded.escrowId(), funded.escrowed(), nanos,
                check.passed(), check.passed() ? "" : check.detail());
    }

    private static Map<U256, EscrowEvent.TaskSettled> settlements(Escrow escrow) {
        Map<U256, EscrowEvent.TaskSettled> settled = new LinkedHashMap<>();
        for (EscrowEvent e : escrow.eventsAfter(EventCursor.START)) {
            if (e instanceof EscrowEvent.TaskSettled s) {
                settled.put(s.taskId(), s);
            }
        }
        return settled;
    }

    /**
     * One task as the demander saw it.
     *
     * @param kind job kind
     * @param tier tier
     * @param settlement flat or effort
     * @param escrowId the on-chain task id, when funded
     * @param escrowed what the demander locked
     * @param nanos submit to verified result
     * @param ok result received and its check passed
     * @param error why not
     */
    record TaskOutcome(String kind, Tier tier, SettlementMode settlement, U256 escrowId, TokenAmount escrowed, long nanos,
            boolean ok, String error) {
        static TaskOutcome failed(String kind, Tier tier, SettlementMode settlement, long nanos, String error) {
            return new TaskOutcome(kind, tier, settlement, null, TokenAmount.ZERO, nanos, false, error);
        }
    }

    /** The task mix: every standard kind, every tier, one in five settled by effort. */
    static final class TaskMix {
        private TaskMix() {
        }

        record Planned(JobSpec job, Tier tier, SettlementMode settlement, TokenAmount base) {
        }

        static Planned next(int i, Random random) {
            Tier tier = Tier.values()[i % 3];
            JobSpec job = DemoJobs.forIndex(i, random);
            Map<String, String> params = new LinkedHashMap<>(job.params());
            params.put(ProviderNode.TIER_PARAM, tier.wireName());
            job = new JobSpec(job.kind(), params, job.payload(), job.timeoutMillis(), job.maxMemoryBytes());
            // 0.1 STRK and up, with odd base units so every rounding path is taken
            TokenAmount base = TokenAmount.ofBaseUnits(new BigInteger("100000000000000000")
                    .add(BigInteger.valueOf(random.nextInt(1_000_000_007))));
            return new Planned(job, tier, i % 5 == 4 ? SettlementMode.EFFORT : SettlementMode.FLAT, base);
        }
    }

    /** Progress on one line: a bar, a count and the elapsed time. */
    static final class Progress {
        private final PrintStream out;
        private final int total;
        private final AtomicInteger done = new AtomicInteger();
        private final boolean tty = System.console() != null;
        private final long t0 = System.nanoTime();
        private volatile Thread printer;
        private int lastPrinted = -1;

        Progress(PrintStream out, int total) {
            this.out = out;
            this.total = total;
        }

        void start() {
            printer = DaemonThreads.named("demo-progress").newThread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    print(false);
                    try {
                        Thread.sleep(tty ? 100 : 1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            printer.start();
        }

        void done() {
            done.incrementAndGet();
        }

        void stop() {
            Thread p = printer;
            if (p != null) {
                p.interrupt();
            }
            print(true);
            out.println();
        }

        private synchronized void print(boolean last) {
            int n = done.get();
            if (!tty && !last && (n == lastPrinted || n * 10 / total == lastPrinted * 10 / total && lastPrinted >= 0)) {
                return;
            }
            lastPrinted = n;
            int width = 30;
            int filled = (int) ((long) n * width / total);
            String bar = "#".repeat(filled) + ".".repeat(width - filled);
            String line = String.format("  tasks [%s] %d/%d settled and verified  %.1f s", bar, n, total,
                    (System.nanoTime() - t0) / 1e9);
            if (tty) {
                out.print("\r" + line);
            } else {
                out.println(line);
            }
            out.flush();
        }
    }
}
