package io.smainer.provider.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.Ledger;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.EffortPricing;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobContext;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import io.smainer.provider.ProviderEvent;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerConfig;
import io.smainer.relayer.store.MemoryStore;
import io.smainer.testing.Await;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Embedded {@link ProviderNode}s serving tasks from a real reference relayer (Jetty on port 0) that settles
 * on the in-process ledger: real WebSockets, real Stark signatures, real settlement.
 */
class ProviderNodeRelayerIT {
    private static final ContractAddress OWNER = ContractAddress.of(0x1001);
    private static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    private static final ContractAddress TREASURY = ContractAddress.of(0x1003);
    private static final ContractAddress DEMANDER = ContractAddress.of(0x2001);
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The relayer's {@code price.effort_base}: not the deployed 0.1 STRK, and not a round number. */
    static final TokenAmount EFFORT_BASE = TokenAmount.ofBaseUnits(123_456_789_123_456_789L);

    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    private final SecureRandom random = new SecureRandom();
    private final Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).build();
    private final KeyPair demanderKey = KeyPair.generate(random, crypto);
    private final MemoryStore store = MemoryStore.create(Clock.systemUTC());
    private final List<ProviderNode> nodes = new ArrayList<>();
    private final List<ProviderEvent> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private Relayer relayer;
    private SmainerClient client;

    @BeforeEach
    void startNetwork() {
        ledger.mint(DEMANDER, TokenAmount.parseStrk("1000"));
        relayer = startRelayer(0);
        client = SmainerClient.builder().relayer(relayer.uri()).escrow(ledger.client(DEMANDER)).keyPair(demanderKey)
                .chainId(ChainId.LOCAL).build();
    }

    @AfterEach
    void stopNetwork() {
        gate.complete(null);
        for (ProviderNode n : nodes) {
            n.close(Duration.ZERO);
        }
        if (relayer != null) {
            relayer.close();
        }
        client.close();
        store.close();
    }

    private Relayer startRelayer(int port) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("host", "127.0.0.1");
        s.put("port", String.valueOf(port));
        s.put("demander_keys", DEMANDER.hex() + ":" + demanderKey.publicKey().hex());
        s.put("heartbeat_seconds", "1");
        s.put("offline_after_seconds", "3");
        s.put("settlement.max_delay_millis", "20");
        s.put("limits.rate_per_second", "100000");
        s.put("limits.rate_burst", "100000");
        s.put("price.effort_base", EFFORT_BASE.toString());
        return Relayer.builder().config(RelayerConfig.load(s)).escrow(ledger.client(RELAYER)).store(store).crypto(crypto)
                .build().start();
    }

    /** A provider registered on-chain with a fresh key, serving the portable kinds and {@code held} jobs. */
    private ProviderNode provider(int n, int concurrency) {
        return provider(n, concurrency, true);
    }

    /**
     * @param withEscrow whether the node reads escrows on-chain; without, it knows the effort pricing only from
     *     the relayer's assignment (its own base price setting is left at the deployed default)
     */
    private ProviderNode provider(int n, int concurrency, boolean withEscrow) {
        ContractAddress address = ContractAddress.of(0x3000 + n);
        KeyPair key = KeyPair.generate(random, crypto);
        Escrow own = ledger.client(address);
        own.registerNode();
        own.setProviderPublicKey(key.publicKey());
        ProviderNode.Builder b = ProviderNode.builder()
                .relayer(relayer.uri())
                .account(address, key)
                .runner(JavaJobRunner.builder().workerThreads(concurrency).computeThreads(1).build())
                .handler(new HeldJob(gate))
                .handler(new MeteredJob())
                .concurrency(concurrency)
                .tier(Tier.PREMIUM)
                .name("it-provider-" + n)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(400))
                .closeGrace(Duration.ofSeconds(2))
                .listener(events::add);
        if (withEscrow) {
            b.escrow(own);
        }
        ProviderNode node = b.build().start();
        nodes.add(node);
        return node;
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(WAIT, condition, () -> what);
    }

    private record Submitted(String taskId, CreatedTask escrow, JobSpec job) {
    }

    private Submitted submit(JobSpec job) {
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.BASIC, job);
        Api.TaskCreated created = client.submit(funded.escrowId(), job);
        return new Submitted(created.taskId(), funded, job);
    }

    private static JobSpec sha(String text) {
        return Jobs.sha256Batch(List.of(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEmbeddedNodeServesTasksFromTheRelayerAndIsPaidForEach() throws Exception {
        ProviderNode node = provider(1, 2);
        await("node logged in", () -> node.status().state() == ProviderNode.State.READY);

        List<Submitted> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(submit(sha("message " + i)));
        }
        for (int i = 0; i < tasks.size(); i++) {
            Api.TaskResult r = client.awaitResult(tasks.get(i).taskId(), WAIT);
            assertThat(Jobs.readSha256BatchOutput(tasks.get(i).job(), r.result()).get(0)).isEqualTo(sha256("message " + i));
        }

        TokenAmount expected = TokenAmount.ZERO;
        for (Submitted t : tasks) {
            assertThat(ledger.client(DEMANDER).getTask(t.escrow().escrowId()).orElseThrow().status())
                    .isEqualTo(EscrowStatus.COMPLETED); // flat
            expected = expected.plus(FeeMath.flatSplit(t.escrow().escrowed()).providerTotal());
        }
        assertThat(ledger.balanceOf(node.address())).isEqualTo(expected);
        assertThat(node.status().completed()).isEqualTo(6);
        assertThat(node.status().pendingReports()).isZero();
    }

    @Test
    void anEffortTaskSettlesAtTheCostTheNodeSignedAtTheEscrowsTier() throws Exception {
        ProviderNode node = provider(1, 1);
        await("node logged in", () -> node.status().state() == ProviderNode.State.READY);
        // 1000 input tokens, 512 output, 20 s of GPU, an 8B model: score 46000; at pro (2.2x) base * 2.2 * 4.6
        JobSpec job = JobSpec.of(MeteredJob.KIND, Map.of("in", "1000", "out", "512", "gpu_ms", "20000", "params_b", "8"),
                "metered".getBytes(StandardCharsets.UTF_8));
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("2"), Tier.PRO, job);
        TokenAmount demanderBefore = ledger.balanceOf(DEMANDER);

        Api.TaskCreated created = client.submit(funded.escrowId(), job, SettlementMode.EFFORT, Optional.empty());
        Api.TaskResult result = client.awaitResult(created.taskId(), WAIT);

        TokenAmount cost = EffortPricing.actualCost(EFFORT_BASE, Tier.PRO.defaultMultiplier(), 46_000, funded.escrowed());
        assertThat(cost).isEqualTo(TokenAmount.ofBaseUnits(new BigInteger("1249382705929382704")));
        EffortSplit split = FeeMath.effortSplit(funded.escrowed(), cost);
        assertThat(new String(result.result(), StandardCharsets.UTF_8)).isEqualTo("metered");
        assertThat(ledger.balanceOf(node.address())).isEqualTo(split.provider());
        assertThat(ledger.balanceOf(DEMANDER)).isEqualTo(demanderBefore.plus(split.refund()));
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ProviderEvent.TaskCompleted.class,
                c -> assertThat(c.actualCost()).contains(cost)));
    }

    @Test
    void proAndPremiumEffortTasksSettleAtTheRelayersPricingOnANodeThatLearnsItFromTheAssignment() throws Exception {
        ProviderNode node = provider(1, 2, false);
        await("node logged in", () -> node.status().state() == ProviderNode.State.READY);
        // 1234 input tokens, 777 output, 12.345 s of GPU, a 13B model: score 37020 + 15175 + 2469 + 4000 = 58664
        Map<String, String> metrics = Map.of("in", "1234", "out", "777", "gpu_ms", "12345", "params_b", "13");
        JobSpec proJob = JobSpec.of(MeteredJob.KIND, metrics, "pro".getBytes(StandardCharsets.UTF_8));
        JobSpec premiumJob = JobSpec.of(MeteredJob.KIND, metrics, "premium".getBytes(StandardCharsets.UTF_8));
        CreatedTask pro = client.createEscrow(TokenAmount.parseStrk("2"), Tier.PRO, proJob);
        CreatedTask premium = client.createEscrow(TokenAmount.parseStrk("2"), Tier.PREMIUM, premiumJob);
        TokenAmount demanderBefore = ledger.balanceOf(DEMANDER);
        TokenAmount treasuryBefore = ledger.balanceOf(TREASURY);

        String proTask = client.submit(pro.escrowId(), proJob, SettlementMode.EFFORT, Optional.empty()).taskId();
        String premiumTask = client.submit(premium.escrowId(), premiumJob, SettlementMode.EFFORT, Optional.empty()).taskId();
        client.awaitResult(proTask, WAIT);
        client.awaitResult(premiumTask, WAIT);

        assertThat(EffortPricing.effortScore(1234, 777, 12345, 13)).isEqualTo(58_664);
        TokenAmount proCost = EffortPricing.actualCost(EFFORT_BASE, BasisPoints.of(22_000), 58_664, pro.escrowed());
        TokenAmount premiumCost = EffortPricing.actualCost(EFFORT_BASE, BasisPoints.of(35_000), 58_664, premium.escrowed());
        // floor(123456789123456789 * 22000 * 58664 / 10^8) and the same at 35000, in exact integer arithmetic
        assertThat(proCost).isEqualTo(TokenAmount.ofBaseUnits(new BigInteger("1593343196970463195")));
        assertThat(premiumCost).isEqualTo(TokenAmount.ofBaseUnits(new BigInteger("2534864176998464174")));
        EffortSplit proSplit = FeeMath.effortSplit(pro.escrowed(), proCost);
        EffortSplit premiumSplit = FeeMath.effortSplit(premium.escrowed(), premiumCost);
        assertThat(ledger.balanceOf(node.address())).isEqualTo(proSplit.provider().plus(premiumSplit.provider()));
        assertThat(ledger.balanceOf(TREASURY)).isEqualTo(treasuryBefore.plus(proSplit.treasury()).plus(premiumSplit.treasury()));
        assertThat(ledger.balanceOf(DEMANDER)).isEqualTo(demanderBefore.plus(proSplit.refund()).plus(premiumSplit.refund()));
        for (CreatedTask t : List.of(pro, premium)) {
            assertThat(ledger.client(DEMANDER).getTask(t.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.SETTLED);
        }
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ProviderEvent.TaskCompleted.class,
                c -> assertThat(c.actualCost()).contains(proCost)));
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ProviderEvent.TaskCompleted.class,
                c -> assertThat(c.actualCost()).contains(premiumCost)));
    }

    @Test
    void providersReconnectWhenTheRelayerReturnsAndNoTaskIsLostOrPaidTwice() throws Exception {
        ProviderNode a = provider(1, 2);
        ProviderNode b = provider(2, 2);
        await("both logged in", () -> a.status().state() == ProviderNode.State.READY
                && b.status().state() == ProviderNode.State.READY);
        List<Submitted> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(submit(JobSpec.of(HeldJob.KIND, Map.of("n", String.valueOf(i)), ("held " + i).getBytes(StandardCharsets.UTF_8))));
        }
        for (int i = 0; i < 4; i++) {
            tasks.add(submit(sha("before " + i)));
        }
        await("held tasks running on the providers", () -> a.status().running() + b.status().running() == 4);
        int port = relayer.port();

        relayer.close();
        relayer = null;
        await("providers noticed", () -> a.status().state() != ProviderNode.State.READY
                && b.status().state() != ProviderNode.State.READY);
        gate.complete(null); // the held runs finish while the relayer is away
        await("their reports queued", () -> a.status().running() + b.status().running() == 0
                && a.status().pendingReports() + b.status().pendingReports() >= 4);
        relayer = startRelayer(port);
        await("both logged in again", () -> a.status().logins() == 2 && b.status().logins() == 2
                && a.status().state() == ProviderNode.State.READY && b.status().state() == ProviderNode.State.READY);
        for (int i = 0; i < 4; i++) {
            tasks.add(submit(sha("after " + i)));
        }

        for (Submitted t : tasks) {
            Api.TaskResult r = client.awaitResult(t.taskId(), WAIT);
            assertThat(r.result()).isNotEmpty();
        }
        Map<U256, Integer> settlements = new HashMap<>();
        TokenAmount providers = TokenAmount.ZERO;
        TokenAmount treasury = TokenAmount.ZERO;
        for (EscrowEvent e : allEvents()) {
            if (e instanceof EscrowEvent.TaskSettled s) {
                settlements.merge(s.taskId(), 1, Integer::sum);
            }
        }
        for (Submitted t : tasks) {
            assertThat(ledger.client(DEMANDER).getTask(t.escrow().escrowId()).orElseThrow().status())
                    .as("escrow of " + t.taskId()).isEqualTo(EscrowStatus.COMPLETED); // flat
            assertThat(settlements.get(t.escrow().escrowId())).as("settlements of " + t.taskId()).isEqualTo(1);
            FlatSplit split = FeeMath.flatSplit(t.escrow().escrowed());
            providers = providers.plus(split.providerTotal());
            treasury = treasury.plus(split.treasury());
        }
        assertThat(settlements).hasSize(tasks.size());
        assertThat(ledger.balanceOf(a.address()).plus(ledger.balanceOf(b.address()))).isEqualTo(providers);
        assertThat(ledger.balanceOf(TREASURY)).isEqualTo(treasury);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(ProviderEvent.Disconnected.class));
        await("every report acknowledged or refused", () -> a.status().pendingReports() + b.status().pendingReports() == 0);
    }

    private List<EscrowEvent> allEvents() {
        try (Escrow reader = ledger.client(OWNER)) {
            return reader.eventsAfter(EventCursor.START);
        }
    }

    /** A job of our own that reports the effort metrics its parameters name, as an inference server would. */
    static final class MeteredJob implements JobHandler {
        static final String KIND = "metered";

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            EffortMetrics m = new EffortMetrics(Long.parseLong(spec.param("in")), Long.parseLong(spec.param("out")),
                    Long.parseLong(spec.param("gpu_ms")), Long.parseLong(spec.param("params_b")));
            return new JobOutput(spec.payload().clone(), Optional.of(m), Optional.empty());
        }
    }

    /** A job of our own that runs until the test opens its gate: a task still running when the relayer goes. */
    static final class HeldJob implements JobHandler {
        static final String KIND = "held";
        private final CompletableFuture<Void> gate;

        HeldJob(CompletableFuture<Void> gate) {
            this.gate = gate;
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            while (true) {
                context.checkActive();
                try {
                    gate.get(20, TimeUnit.MILLISECONDS);
                    return JobOutput.of(("done " + new String(spec.payload(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8));
                } catch (TimeoutException e) {
                    // the gate is still shut: check the context again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    context.checkActive();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
