package io.smainer.relayer.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.Ledger;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.TaskStatus;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.ChildJvm;
import io.smainer.relayer.RedisServer;
import io.smainer.relayer.store.RedisStore;
import io.smainer.relayer.store.TaskRecord;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * What the Redis ITs share: a real {@code redis-server}, the in-process ledger served to relayer
 * processes over a {@link LedgerBridge}, a funded demander, providers registered on-chain (real Stark
 * keys, the SDK's {@link ProviderNode} over WebSocket), relayers as child JVMs, and a {@link RedisStore}
 * on the same keys to read what the relayers stored.
 */
final class Cluster implements AutoCloseable {
    static final ContractAddress OWNER = ContractAddress.of(0x1001);
    static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    static final ContractAddress TREASURY = ContractAddress.of(0x1003);
    static final ContractAddress DEMANDER = ContractAddress.of(0x2001);
    static final TokenAmount MINTED = TokenAmount.parseStrk("100000");
    static final String PREFIX = "it:";

    final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    final SecureRandom random = new SecureRandom();
    final RedisServer redis;
    final Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).build();
    final LedgerBridge bridge;
    final KeyPair demanderKey = KeyPair.generate(random, crypto);
    final Escrow demander = ledger.client(DEMANDER);
    final RedisStore view;
    final List<ProviderNode> providers = new ArrayList<>();
    final List<JavaJobRunner> runners = new ArrayList<>();
    final List<ChildJvm> relayers = new ArrayList<>();
    final List<ChildJvm> providerProcesses = new ArrayList<>();
    /** How often in-process providers ping the relayer, and how long an unanswered ping may wait. */
    Duration pingInterval = ProviderNode.DEFAULT_PING_INTERVAL;
    Duration pingTimeout = ProviderNode.DEFAULT_PING_TIMEOUT;

    /**
     * A cluster for one test class, or the test skipped (with the reason printed) where redis-server is missing.
     *
     * @param test the test class's name, for the printed reason
     * @return the cluster
     * @throws Exception when Redis or the ledger bridge cannot start
     */
    static Cluster startOrSkip(String test) throws Exception {
        return startOrSkip(test, RedisServer::start);
    }

    /**
     * A cluster on a Redis of the test's choosing, or the test skipped (with the reason printed) where redis-server is
     * missing.
     *
     * @param test the test class's name, for the printed reason
     * @param redis starts the redis-server (with an append-only file, on a tmpfs of its own, ...)
     * @return the cluster
     * @throws Exception when Redis or the ledger bridge cannot start
     */
    static Cluster startOrSkip(String test, Callable<RedisServer> redis) throws Exception {
        if (RedisServer.executable().isEmpty()) {
            System.out.println(test + " skipped: redis-server is not on the PATH (apt-get install redis-server)");
        }
        Assumptions.assumeTrue(RedisServer.executable().isPresent(), "redis-server is not on the PATH");
        return new Cluster(redis.call());
    }

    private Cluster(RedisServer redis) throws Exception {
        this.redis = redis;
        ledger.mint(DEMANDER, MINTED);
        bridge = LedgerBridge.serve(ledger);
        view = RedisStore.builder().uri(redis.uri()).prefix(PREFIX).build();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts a relayer process on the port and waits until it serves. */
    ChildJvm relayer(String name, int port) throws IOException {
        return relayer(name, port, List.of());
    }

    /** Starts a relayer process on the port, with settings overriding the defaults, and waits until it serves. */
    ChildJvm relayer(String name, int port, List<String> extra) throws IOException {
        return relayer(name, port, extra, List.of());
    }

    /**
     * Starts a relayer process under a launcher command (such as {@code Tmpfs.launcher}) on the port, with settings
     * overriding the defaults, and waits until it serves.
     */
    ChildJvm relayer(String name, int port, List<String> extra, List<String> launcher) throws IOException {
        List<String> args = new ArrayList<>(List.of(bridge.url(), RELAYER.hex(), "name=" + name, "host=127.0.0.1",
                "port=" + port, "redis.uri=" + redis.uri(), "redis.prefix=" + PREFIX,
                "demander_keys=" + DEMANDER.hex() + ":" + demanderKey.publicKey().hex(), "settlement.max_delay_millis=100",
                "settlement.batch_size=20", "settlement.lease_millis=1500", "heartbeat_seconds=1", "offline_after_seconds=3",
                "deadline_grace_seconds=1", "limits.rate_per_second=100000", "limits.rate_burst=100000",
                "limits.ip_rate_per_second=0", "limits.ws_logins_per_second=100000", "limits.ws_login_burst=100000"));
        args.addAll(extra);
        ChildJvm jvm = ChildJvm.start(name, launcher, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                RelayerProcess.class, args, System.out);
        relayers.add(jvm);
        jvm.awaitLine(Duration.ofSeconds(60), l -> l.startsWith("READY"));
        return jvm;
    }

    /** @return provider {@code n}'s account */
    static ContractAddress providerAddress(int n) {
        return ContractAddress.of(0x3000 + n);
    }

    /** Registers provider {@code n} on-chain with a fresh key; @return the key */
    private KeyPair register(int n) {
        KeyPair key = KeyPair.generate(random, crypto);
        Escrow own = ledger.client(providerAddress(n));
        own.registerNode();
        own.setProviderPublicKey(key.publicKey());
        return key;
    }

    /**
     * Registers a provider on-chain with a fresh key and starts it in a process of its own ({@link ProviderProcess}),
     * connected to the relayer on the port; waits until it has logged in.
     */
    ChildJvm providerProcess(int n, int port, int concurrency, Duration work) throws IOException {
        KeyPair key = register(n);
        ChildJvm jvm = ChildJvm.start("provider-" + n, List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                ProviderProcess.class, List.of("http://127.0.0.1:" + port, providerAddress(n).hex(),
                        Integer.toString(concurrency), Long.toString(work.toMillis()), "node-" + n), System.out);
        providerProcesses.add(jvm);
        jvm.send(key.privateKey().hex());
        jvm.awaitLine(Duration.ofSeconds(60), l -> l.startsWith("LOGGED_IN"));
        return jvm;
    }

    /** Registers a provider on-chain with a fresh key and connects it to the relayer on the port. */
    ProviderNode provider(int n, int port, int concurrency, Duration work) {
        ContractAddress address = providerAddress(n);
        KeyPair key = register(n);
        JavaJobRunner runner = JavaJobRunner.builder().standardKinds(false).handler(new EchoHandler(work))
                .workerThreads(concurrency).build();
        runners.add(runner);
        ProviderNode node = ProviderNode.builder().relayer("http://127.0.0.1:" + port).account(address, key).runner(runner)
                .concurrency(concurrency).tier(Tier.PREMIUM).name("node-" + n).crypto(crypto)
                .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(400)).closeGrace(Duration.ZERO)
                .ping(pingInterval, pingTimeout).build();
        providers.add(node);
        node.start();
        return node;
    }

    SmainerClient client(int port) {
        return SmainerClient.builder().relayer(URI.create("http://127.0.0.1:" + port)).escrow(demander).keyPair(demanderKey)
                .chainId(ChainId.LOCAL).crypto(crypto).timeout(Duration.ofSeconds(5)).build();
    }

    static JobSpec echo(int i) {
        return new JobSpec("echo", Map.of(), ("task " + i).getBytes(StandardCharsets.UTF_8), 4_000, 0);
    }

    /** Submits, retrying while no relayer answers (one was killed and is coming back). */
    static String submitRetrying(SmainerClient client, U256 escrowId, JobSpec job, Duration patience) {
        long end = System.nanoTime() + patience.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < end) {
            try {
                return client.submit(escrowId, job).taskId();
            } catch (RuntimeException e) {
                last = e;
                LockSupport.parkNanos(100_000_000);
            }
        }
        throw new AssertionError("no relayer took escrow " + escrowId + " within " + patience, last);
    }

    /** @return how many of the tasks are SETTLED in the store */
    long settled(List<String> taskIds) {
        return taskIds.stream().filter(id -> view.task(id).map(t -> t.status() == TaskStatus.SETTLED).orElse(false))
                .count();
    }

    /**
     * Every task ran to SETTLED once: one task per escrow, each escrow SETTLED on chain by exactly one
     * settlement event, and every balance is what the fee math says, to the base unit.
     */
    void assertSettledExactlyOnce(Map<U256, String> tasksByEscrow, TokenAmount demanderStart) {
        Map<ContractAddress, BigInteger> providerDue = new HashMap<>();
        BigInteger treasuryDue = BigInteger.ZERO;
        BigInteger escrowed = BigInteger.ZERO;
        for (Map.Entry<U256, String> e : tasksByEscrow.entrySet()) {
            TaskRecord t = view.task(e.getValue()).orElseThrow();
            assertThat(t.status()).as("task %s", t.id()).isEqualTo(TaskStatus.SETTLED);
            assertThat(view.taskByEscrow(e.getKey()).map(TaskRecord::id)).contains(e.getValue());
            // flat: COMPLETED on chain
            assertThat(demander.getTask(e.getKey()).orElseThrow().status()).isEqualTo(EscrowStatus.COMPLETED);
            FlatSplit split = FeeMath.flatSplit(t.escrowAmount());
            providerDue.merge(t.completion().orElseThrow().provider(), split.providerTotal().baseUnits(), BigInteger::add);
            treasuryDue = treasuryDue.add(split.treasury().baseUnits());
            escrowed = escrowed.add(t.escrowAmount().baseUnits());
        }
        Map<U256, Integer> settlements = new HashMap<>();
        for (EscrowEvent ev : demander.eventsAfter(EventCursor.START)) {
            if (ev instanceof EscrowEvent.TaskSettled done) {
                settlements.merge(done.taskId(), 1, Integer::sum);
                TaskRecord t = view.task(tasksByEscrow.get(done.taskId())).orElseThrow();
                FlatSplit split = FeeMath.flatSplit(t.escrowAmount());
                assertThat(done.provider()).isEqualTo(t.completion().orElseThrow().provider());
                assertThat(done.providerAmount()).isEqualTo(split.providerTotal());
                assertThat(done.treasuryAmount()).isEqualTo(split.treasury());
                assertThat(done.refund()).isEqualTo(TokenAmount.ZERO);
            }
        }
        assertThat(settlements).hasSize(tasksByEscrow.size());
        assertThat(settlements.values()).allMatch(n -> n == 1);
        assertThat(settlements.keySet()).containsExactlyInAnyOrderElementsOf(tasksByEscrow.keySet());
        providerDue.forEach((p, due) -> assertThat(ledger.balanceOf(p).baseUnits()).as("provider %s", p).isEqualTo(due));
        assertThat(ledger.balanceOf(TREASURY).baseUnits()).isEqualTo(treasuryDue);
        assertThat(ledger.balanceOf(DEMANDER).baseUnits()).isEqualTo(demanderStart.baseUnits().subtract(escrowed));
    }

    @Override
    public void close() throws Exception {
        for (ChildJvm r : relayers) {
            r.close();
        }
        for (ChildJvm p : providerProcesses) {
            p.close();
        }
        for (ProviderNode p : providers) {
            p.close(Duration.ZERO);
        }
        for (JavaJobRunner r : runners) {
            r.close();
        }
        view.close();
        bridge.close();
        redis.close();
    }
}
