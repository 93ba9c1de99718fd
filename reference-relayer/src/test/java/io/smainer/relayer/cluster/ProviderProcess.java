package io.smainer.relayer.cluster;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.provider.ProviderEvent;
import io.smainer.provider.ProviderNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A provider in a process of its own, for tests that kill it hard: the SDK's {@link ProviderNode} running the
 * {@code echo} job. Arguments: relayer URL, account address, concurrency, work per task in milliseconds, name; the
 * private key is the first line of its standard input (not on its command line). The account is registered on-chain
 * by the test. Prints {@code LOGGED_IN node=<id>},
 * {@code STARTED task=<id>} and {@code COMPLETED task=<id>}; stops when its standard input closes, and by itself
 * after ten minutes at most.
 */
public final class ProviderProcess {
    private ProviderProcess() {
    }

    /**
     * @param args relayer URL, address, concurrency, work millis, name
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        ContractAddress address = ContractAddress.parse(args[1]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        KeyPair key = KeyPair.fromPrivateKey(Felt.parse(in.readLine().strip()), crypto);
        int concurrency = Integer.parseInt(args[2]);
        JavaJobRunner runner = JavaJobRunner.builder().standardKinds(false)
                .handler(new EchoHandler(Duration.ofMillis(Long.parseLong(args[3])))).workerThreads(concurrency).build();
        ProviderNode node = ProviderNode.builder().relayer(args[0]).account(address, key).runner(runner)
                .concurrency(concurrency).tier(Tier.PREMIUM).name(args[4]).crypto(crypto)
                .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(400)).closeGrace(Duration.ZERO)
                .listener(ProviderProcess::print).build();
        node.start();
        Thread stopper = new Thread(() -> {
            try (in) {
                while (in.readLine() != null) {
                    // keep reading until the test closes it
                }
            } catch (IOException e) {
                // stdin gone: stop
            }
        }, "stopper");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(600_000);
        node.close(Duration.ZERO);
        runner.close();
        System.exit(0);
    }

    private static void print(ProviderEvent e) {
        if (e instanceof ProviderEvent.LoggedIn in) {
            System.out.println("LOGGED_IN node=" + in.nodeId());
        } else if (e instanceof ProviderEvent.TaskStarted s) {
            System.out.println("STARTED task=" + s.taskId());
        } else if (e instanceof ProviderEvent.TaskCompleted c) {
            System.out.println("COMPLETED task=" + c.taskId());
        }
    }
}
