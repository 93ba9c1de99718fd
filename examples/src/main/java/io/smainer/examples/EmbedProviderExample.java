package io.smainer.examples;

import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.provider.ProviderEvent;
import io.smainer.provider.ProviderNode;
import io.smainer.provider.ProviderStatus;
import io.smainer.testkit.LocalNetwork;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Example: sell compute from your own application by embedding a provider node.
 *
 * <pre>./smainer example embed-provider [--tasks N]</pre>
 *
 * <p>A {@link ProviderNode} is the whole provider protocol in one object: it opens a WebSocket to the
 * relayer, logs in by signing the relayer's challenge with the key registered on-chain for its account,
 * heartbeats, takes tasks up to its concurrency, runs them on a {@link io.smainer.job.JobRunner}, signs the
 * receipt the escrow contract checks, and reconnects (re-sending unacknowledged receipts) when the
 * connection drops. The part to copy is the ten lines in {@link #serve}.
 *
 * <p>Before a node can log in, its account must be a registered node on the contract with its receipt key
 * published ({@code register_node}, {@code set_provider_public_key}). On Starknet that is
 * {@code ./smainer provider register}; here {@link LocalNetwork#registerProvider()} does it on the local
 * ledger. To give the node something to do, this example then plays a demander and buys a few small
 * {@code sha256-batch} jobs from it.
 */
public final class EmbedProviderExample {
    /** Jobs the demander buys unless {@code --tasks} says otherwise. */
    static final int DEFAULT_TASKS = 3;

    private EmbedProviderExample() {
    }

    /**
     * @param args {@code --tasks N}
     * @throws Exception when the local network cannot start
     */
    public static void main(String[] args) throws Exception {
        run(parseTasks(args), System.out);
    }

    /**
     * @param args {@code --tasks N} or nothing
     * @return the number of tasks, 1 to 100
     */
    static int parseTasks(String[] args) {
        if (args.length == 0) {
            return DEFAULT_TASKS;
        }
        if (args.length != 2 || !args[0].equals("--tasks") || !args[1].matches("\\d{1,3}")
                || Integer.parseInt(args[1]) < 1 || Integer.parseInt(args[1]) > 100) {
            throw new IllegalArgumentException("expected --tasks N with N from 1 to 100, got " + String.join(" ", args));
        }
        return Integer.parseInt(args[1]);
    }

    /**
     * Starts a local network without providers, embeds one node, and buys {@code tasks} jobs from it.
     *
     * @param tasks how many jobs to buy
     * @param out where to print
     * @return the node's counters at the end
     * @throws Exception when the local network cannot start
     */
    public static ProviderStatus run(int tasks, PrintStream out) throws Exception {
        out.println("Embed a provider node and serve tasks from a relayer");
        out.println();
        QuietLogs.apply();
        try (LocalNetwork net = LocalNetwork.builder().build()) {
            LocalNetwork.ProviderAccount account = net.registerProvider();
            out.println("account   " + account.address().hex() + " registered on-chain, receipt key "
                    + account.keyPair().publicKey().hex() + " published");
            return serve(net, account, tasks, out);
        }
    }

    /** The node's life: embed it, let a demander buy from it, close it. */
    static ProviderStatus serve(LocalNetwork net, LocalNetwork.ProviderAccount account, int tasks, PrintStream out)
            throws InterruptedException {
        // ---- the ten lines an application needs -------------------------------------------------------
        try (JavaJobRunner runner = JavaJobRunner.create();              // runs the built-in job kinds on the CPU
                ProviderNode node = ProviderNode.builder()
                        .relayer(net.relayerUri())                        // http://host:port or ws://host:port/api/v1/ws
                        .account(account.address(), account.keyPair())    // who is paid, and the key receipts are signed with
                        .runner(runner)                                   // where jobs run; add a GPU runner first if you have one
                        .concurrency(2)                                   // tasks at once
                        .tier(Tier.PRO)                                   // the highest tier this node serves
                        .name("embedded-node")
                        .listener(event -> describe(event).ifPresent(line -> out.println("node      " + line)))
                        .build()
                        .start()) {                                       // connects in the background
            // ---- serving: here the application would simply carry on; we wait for the login, then buy
            net.awaitProvidersOnline(1);
            buyFrom(net, tasks, out);
            ProviderStatus status = node.status();
            TokenAmount earned = net.ledger().balanceOf(account.address());
            out.println("status    " + status.completed() + " completed, " + status.failed() + " failed, " + status.logins()
                    + " login(s); the account earned " + earned.toStrkString());
            return status;
        } // close(): stop taking tasks, finish or hand back running ones, close the socket
    }

    /** A demander buys {@code tasks} small jobs; each result comes back only after the node was paid. */
    private static void buyFrom(LocalNetwork net, int tasks, PrintStream out) {
        try (SmainerClient client = net.demanderClient()) {
            for (int i = 1; i <= tasks; i++) {
                List<byte[]> messages = new ArrayList<>();
                messages.add(("hello " + i).getBytes(StandardCharsets.UTF_8));
                messages.add(("world " + i).getBytes(StandardCharsets.UTF_8));
                JobSpec job = Jobs.sha256Batch(messages);
                CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.1"), Tier.BASIC, job);
                Api.TaskCreated task = client.submit(funded.escrowId(), job);
                Api.TaskResult result = client.awaitResult(task.taskId(), Duration.ofSeconds(30));
                out.println("demander  task " + i + " of " + tasks + " settled, result hash " + result.resultHash());
            }
        }
    }

    /** One line per event worth showing; heartbeats and the like are left out. */
    private static Optional<String> describe(ProviderEvent event) {
        String line = null;
        if (event instanceof ProviderEvent.LoggedIn e) {
            line = "logged in as " + e.nodeId() + ", heartbeat every " + e.heartbeatSeconds() + " s";
        } else if (event instanceof ProviderEvent.LoginRefused e) {
            line = "login refused: " + e.code() + ": " + e.message();
        } else if (event instanceof ProviderEvent.TaskStarted e) {
            line = "running " + e.kind() + " task " + e.taskId() + " on runner " + e.runner();
        } else if (event instanceof ProviderEvent.TaskCompleted e) {
            line = "completed " + e.taskId() + " in " + e.ran().toMillis() + " ms, receipt signed over " + e.resultHash();
        } else if (event instanceof ProviderEvent.TaskFailed e) {
            line = "failed " + e.taskId() + ": " + e.reason();
        } else if (event instanceof ProviderEvent.Closed e) {
            line = "closed (" + e.handedBack() + " handed back, " + e.undelivered() + " undelivered)";
        }
        return Optional.ofNullable(line);
    }
}
