package io.smainer.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Ledger;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.EffortPricing;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import io.smainer.testing.Await;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider node against a real WebSocket peer that plays the relayer's side of the protocol. */
class ProviderNodeIT {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final KeyPair KEYS = KeyPair.generate(new SecureRandom(), CRYPTO);
    private static final ContractAddress ADDRESS = ContractAddress.parse("0x5ab1e");

    private ScriptedRelayer relayer;
    private final GatedRunner runner = new GatedRunner();
    private final List<ProviderEvent> events = new CopyOnWriteArrayList<>();
    private final List<ProviderNode> nodes = new ArrayList<>();

    @BeforeEach
    void startRelayer() throws Exception {
        relayer = new ScriptedRelayer(0, Map.of(ADDRESS, KEYS.publicKey()), 1);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (ProviderNode n : nodes) {
            n.close(Duration.ZERO);
        }
        relayer.close();
        runner.close();
    }

    private ProviderNode.Builder node() {
        return node(relayer.url());
    }

    private ProviderNode.Builder node(String relayerUrl) {
        return ProviderNode.builder()
                .relayer(relayerUrl)
                .account(ADDRESS, KEYS)
                .runner(runner)
                .concurrency(2)
                .name("test-node")
                .listener(events::add)
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(300))
                .closeGrace(Duration.ofSeconds(5));
    }

    private ProviderNode started(ProviderNode.Builder b) throws InterruptedException {
        ProviderNode n = b.build();
        nodes.add(n);
        n.start();
        relayer.await(Messages.NodeRegister.class, WAIT);
        Await.until(WAIT, () -> n.status().state() == ProviderNode.State.READY, () -> "node logged in");
        return n;
    }

    private static Messages.TaskAssigned task(String taskId, long escrowId, JobSpec job, SettlementMode mode,
            TokenAmount escrow) {
        return new Messages.TaskAssigned(Messages.newId(), taskId, U256.of(escrowId), job, mode, escrow,
                System.currentTimeMillis() + 60_000);
    }

    private static JobSpec job(String kind, Map<String, String> params, String payload) {
        return JobSpec.of(kind, params, payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void logsInWithASignatureCheckedAgainstThePublishedKeyAndHeartbeats() throws Exception {
        ProviderNode n = started(node());

        Messages.NodeHeartbeat hb = relayer.await(Messages.NodeHeartbeat.class, WAIT);
        assertThat(hb.capacity()).isEqualTo(2);
        assertThat(hb.running()).isZero();
        assertThat(n.status().nodeId()).contains("node-" + ADDRESS.hex());
        assertThat(n.status().logins()).isEqualTo(1);
        assertThat(n.capabilities().jobKinds()).contains("echo", "gate");
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(ProviderEvent.LoggedIn.class));
    }

    @Test
    void runsAFlatTaskAndSignsTheH1ReceiptTheContractChecks() throws Exception {
        ProviderNode n = started(node());
        relayer.send(task("t-1", 41, job("echo", Map.of(), "hello"), SettlementMode.FLAT, TokenAmount.ONE_STRK));

        relayer.await(Messages.TaskAccepted.class, m -> m.taskId().equals("t-1"), WAIT);
        Messages.TaskCompleted done = relayer.await(Messages.TaskCompleted.class, WAIT);

        byte[] expected = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(done.taskId()).isEqualTo("t-1");
        assertThat(done.result()).isEqualTo(expected);
        assertThat(done.resultHash()).isEqualTo(Receipts.resultHash(expected));
        assertThat(done.actualCost()).isEmpty();
        Felt h1 = Receipts.flatHash(CRYPTO, U256.of(41), ADDRESS, done.resultHash());
        assertThat(CRYPTO.verify(KEYS.publicKey(), h1, done.signature())).isTrue();
        assertThat(CRYPTO.verify(KEYS.publicKey(), Receipts.flatHash(CRYPTO, U256.of(42), ADDRESS, done.resultHash()),
                done.signature())).isFalse();
        Await.until(WAIT, () -> n.status().pendingReports() == 0
                && n.status().completed() == 1, () -> "report acknowledged");
    }

    @Test
    void signsAnEffortReceiptOverTheCostItsMetricsEarnAtTheJobsTier() throws Exception {
        started(node());
        // score = 30*1000 + 625*512/32 + 20000/5 + 2000 (8B model) = 46000; cost = 0.1 STRK * 2.2 * 4.6 = 1.012 STRK
        Map<String, String> params = Map.of("in", "1000", "out", "512", "gpu_ms", "20000", "params_b", "8", "tier", "pro");
        relayer.send(task("t-e", 7, job("effort", params, "answer"), SettlementMode.EFFORT, TokenAmount.parseStrk("5")));

        Messages.TaskCompleted done = relayer.await(Messages.TaskCompleted.class, WAIT);

        assertThat(done.actualCost()).contains(TokenAmount.parseStrk("1.012"));
        assertThat(done.effort()).hasValueSatisfying(m -> assertThat(m.effortScore()).isEqualTo(46_000));
        Felt h2 = Receipts.effortHash(CRYPTO, U256.of(7), ADDRESS, done.resultHash(), TokenAmount.parseStrk("1.012"));
        assertThat(CRYPTO.verify(KEYS.publicKey(), h2, done.signature())).isTrue();
    }

    @Test
    void clampsTheEffortCostToTheEscrowedAmount() throws Exception {
        started(node());
        Map<String, String> params = Map.of("in", "1000", "out", "512", "gpu_ms", "20000", "params_b", "8", "tier", "pro");
        relayer.send(task("t-c", 8, job("effort", params, "x"), SettlementMode.EFFORT, TokenAmount.parseStrk("0.5")));

        Messages.TaskCompleted done = relayer.await(Messages.TaskCompleted.class, WAIT);

        assertThat(done.actualCost()).contains(TokenAmount.parseStrk("0.5"));
        Felt h2 = Receipts.effortHash(CRYPTO, U256.of(8), ADDRESS, done.resultHash(), TokenAmount.parseStrk("0.5"));
        assertThat(CRYPTO.verify(KEYS.publicKey(), h2, done.signature())).isTrue();
    }

    @Test
    void withAnEscrowItRefusesUnfundedWorkAndPricesEffortAtTheEscrowsOnChainTier() throws Exception {
        Ledger ledger = Ledger.builder().owner(ContractAddress.of(1)).relayer(ContractAddress.of(2))
                .treasury(ContractAddress.of(3)).build();
        ContractAddress demander = ContractAddress.of(0xd);
        ledger.mint(demander, TokenAmount.parseStrk("100"));
        Map<String, String> params = Map.of("in", "1000", "out", "512", "gpu_ms", "20000", "params_b", "8");
        JobSpec job = job("effort", params, "answer");
        CreatedTask pro = ledger.client(demander).createTask(ledger.token(), TokenAmount.parseStrk("2"), Tier.PRO,
                job.contentHash());
        started(node().escrow(ledger.client(ADDRESS)));

        relayer.send(task("t-none", 999, job, SettlementMode.EFFORT, TokenAmount.parseStrk("5")));
        Messages.TaskFailed unfunded = relayer.await(Messages.TaskFailed.class, WAIT);
        relayer.send(new Messages.TaskAssigned(Messages.newId(), "t-pro", pro.escrowId(), job, SettlementMode.EFFORT,
                pro.escrowed(), System.currentTimeMillis() + 60_000));
        Messages.TaskCompleted done = relayer.await(Messages.TaskCompleted.class, WAIT);

        assertThat(unfunded.taskId()).isEqualTo("t-none");
        assertThat(unfunded.retryable()).isFalse();
        assertThat(unfunded.reason()).contains("escrow 999 does not exist on-chain");
        // no tier parameter: the 2.2x comes from the escrow; score 46000 -> 0.1 * 2.2 * 4.6 = 1.012 STRK
        assertThat(done.actualCost()).contains(TokenAmount.parseStrk("1.012"));
        assertThat(CRYPTO.verify(KEYS.publicKey(), Receipts.effortHash(CRYPTO, pro.escrowId(), ADDRESS, done.resultHash(),
                TokenAmount.parseStrk("1.012")), done.signature())).isTrue();
    }

    @Test
    void pricesAnEffortReceiptWithTheAssignmentsBasePriceAndMultiplierOverItsOwnSettings() throws Exception {
        // the node's own fallback settings say 0.1 STRK and (tier param) basic; the relayer says 0.25 STRK at 3.5x
        started(node().effortBasePrice(TokenAmount.parseStrk("0.1")));
        Map<String, String> params = Map.of("in", "1000", "out", "512", "gpu_ms", "20000", "params_b", "8", "tier", "basic");
        relayer.send(new Messages.TaskAssigned(Messages.newId(), "t-p", U256.of(11), job("effort", params, "p"),
                SettlementMode.EFFORT, TokenAmount.parseStrk("10"), System.currentTimeMillis() + 60_000,
                Optional.of(TokenAmount.parseStrk("0.25")), Optional.of(BasisPoints.of(35_000))));

        Messages.TaskCompleted done = relayer.await(Messages.TaskCompleted.class, WAIT);

        // score 46000: 0.25 * 3.5 * 4.6 = 4.025 STRK
        TokenAmount expected = EffortPricing.actualCost(TokenAmount.parseStrk("0.25"), BasisPoints.of(35_000), 46_000,
                TokenAmount.parseStrk("10"));
        assertThat(expected).isEqualTo(TokenAmount.parseStrk("4.025"));
        assertThat(done.actualCost()).contains(expected);
        assertThat(CRYPTO.verify(KEYS.publicKey(), Receipts.effortHash(CRYPTO, U256.of(11), ADDRESS, done.resultHash(),
                expected), done.signature())).isTrue();
    }

    @Test
    void refusesAnEffortTaskPricedBelowItsMinimumBasePrice() throws Exception {
        started(node().minEffortBasePrice(TokenAmount.parseStrk("0.05")));
        Map<String, String> params = Map.of("in", "1", "out", "1", "gpu_ms", "1", "params_b", "1");
        relayer.send(new Messages.TaskAssigned(Messages.newId(), "t-cheap", U256.of(12), job("effort", params, "c"),
                SettlementMode.EFFORT, TokenAmount.ONE_STRK, System.currentTimeMillis() + 60_000,
                Optional.of(TokenAmount.parseStrk("0.04")), Optional.of(BasisPoints.of(10_000))));
        Messages.TaskFailed refused = relayer.await(Messages.TaskFailed.class, WAIT);
        relayer.send(new Messages.TaskAssigned(Messages.newId(), "t-fair", U256.of(13), job("effort", params, "f"),
                SettlementMode.EFFORT, TokenAmount.ONE_STRK, System.currentTimeMillis() + 60_000,
                Optional.of(TokenAmount.parseStrk("0.05")), Optional.of(BasisPoints.of(10_000))));
        Messages.TaskCompleted fair = relayer.await(Messages.TaskCompleted.class, WAIT);

        assertThat(refused.taskId()).isEqualTo("t-cheap");
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.reason()).contains("effort base price 40000000000000000 base units is below this node's minimum"
                + " of 50000000000000000");
        assertThat(fair.taskId()).isEqualTo("t-fair");
        // score clamped up to 10000: 0.05 * 1.0 * 1.0
        assertThat(fair.actualCost()).contains(TokenAmount.parseStrk("0.05"));
    }

    @Test
    void withAnEscrowItRefusesARelayersTierMultiplierThatDiffersFromTheEscrows() throws Exception {
        Ledger ledger = Ledger.builder().owner(ContractAddress.of(1)).relayer(ContractAddress.of(2))
                .treasury(ContractAddress.of(3)).build();
        ContractAddress demander = ContractAddress.of(0xd);
        ledger.mint(demander, TokenAmount.parseStrk("100"));
        JobSpec job = job("effort", Map.of("in", "1000", "out", "512", "gpu_ms", "20000", "params_b", "8"), "answer");
        CreatedTask pro = ledger.client(demander).createTask(ledger.token(), TokenAmount.parseStrk("2"), Tier.PRO,
                job.contentHash());
        started(node().escrow(ledger.client(ADDRESS)));

        // the escrow is pro (22000 bps); this relayer claims premium
        relayer.send(new Messages.TaskAssigned(Messages.newId(), "t-lie", pro.escrowId(), job, SettlementMode.EFFORT,
                pro.escrowed(), System.currentTimeMillis() + 60_000, Optional.of(TokenAmount.parseStrk("0.1")),
                Optional.of(BasisPoints.of(35_000))));
        Messages.TaskFailed refused = relayer.await(Messages.TaskFailed.class, WAIT);
        relayer.send(new Messages.TaskAssigned(Messages.newId(), "t-true", pro.escrowId(), job, SettlementMode.EFFORT,
                pro.escrowed(), System.currentTimeMillis() + 60_000, Optional.of(TokenAmount.parseStrk("0.1")),
                Optional.of(BasisPoints.of(22_000))));
        Messages.TaskCompleted done = relayer.await(Messages.TaskCompleted.class, WAIT);

        assertThat(refused.taskId()).isEqualTo("t-lie");
        assertThat(refused.retryable()).isFalse();
        assertThat(refused.reason()).contains("tier multiplier 35000 bps does not match escrow " + pro.escrowId()
                + "'s on-chain multiplier 22000 bps");
        assertThat(done.taskId()).isEqualTo("t-true");
        assertThat(done.actualCost()).contains(TokenAmount.parseStrk("1.012"));
    }

    @Test
    void refusesAssignmentsBeyondItsConcurrencyAsRetryableFailures() throws Exception {
        started(node().concurrency(1));
        relayer.send(task("t-a", 1, job("gate", Map.of("gate", "a"), "a"), SettlementMode.FLAT, TokenAmount.ONE_STRK));
        relayer.await(Messages.TaskAccepted.class, m -> m.taskId().equals("t-a"), WAIT);

        relayer.send(task("t-b", 2, job("gate", Map.of("gate", "b"), "b"), SettlementMode.FLAT, TokenAmount.ONE_STRK));
        Messages.TaskFailed refused = relayer.await(Messages.TaskFailed.class, WAIT);

        assertThat(refused.taskId()).isEqualTo("t-b");
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.reason()).contains("at capacity (1 of 1");
        runner.open("a");
        assertThat(relayer.await(Messages.TaskCompleted.class, WAIT).taskId()).isEqualTo("t-a");
    }

    @Test
    void reportsAFailedJobWithItsRetryability() throws Exception {
        started(node());
        relayer.send(task("t-f1", 1, job("fail", Map.of("retryable", "false"), ""), SettlementMode.FLAT,
                TokenAmount.ONE_STRK));
        Messages.TaskFailed f1 = relayer.await(Messages.TaskFailed.class, WAIT);
        relayer.send(task("t-f2", 2, job("fail", Map.of("retryable", "true"), ""), SettlementMode.FLAT,
                TokenAmount.ONE_STRK));
        Messages.TaskFailed f2 = relayer.await(Messages.TaskFailed.class, WAIT);

        assertThat(f1.taskId()).isEqualTo("t-f1");
        assertThat(f1.retryable()).isFalse();
        assertThat(f1.reason()).contains("failed on purpose");
        assertThat(f2.taskId()).isEqualTo("t-f2");
        assertThat(f2.retryable()).isTrue();
    }

    @Test
    void refusesAJobKindItDoesNotRun() throws Exception {
        started(node());
        relayer.send(task("t-k", 1, job("matmul-f32", Map.of(), ""), SettlementMode.FLAT, TokenAmount.ONE_STRK));

        Messages.TaskFailed refused = relayer.await(Messages.TaskFailed.class, WAIT);

        assertThat(refused.reason()).contains("does not run job kind 'matmul-f32'");
        assertThat(refused.retryable()).isTrue();
    }

    @Test
    void cancelsARevokedTaskAndReportsNothingForIt() throws Exception {
        ProviderNode n = started(node());
        relayer.send(task("t-r", 1, job("gate", Map.of("gate", "r"), "r"), SettlementMode.FLAT, TokenAmount.ONE_STRK));
        relayer.await(Messages.TaskAccepted.class, m -> m.taskId().equals("t-r"), WAIT);

        relayer.send(new Messages.TaskRevoked(Messages.newId(), "t-r", "reassigned"));
        Await.until(WAIT, () -> runner.cancelled.get() == 1, () -> "run cancelled");
        runner.open("r");
        relayer.send(task("t-after", 2, job("echo", Map.of(), "z"), SettlementMode.FLAT, TokenAmount.ONE_STRK));
        relayer.await(Messages.TaskCompleted.class, m -> m.taskId().equals("t-after"), WAIT);

        assertThat(relayer.all).noneMatch(m -> m instanceof Messages.TaskCompleted c && c.taskId().equals("t-r"));
        assertThat(relayer.all).noneMatch(m -> m instanceof Messages.TaskFailed f && f.taskId().equals("t-r"));
        Await.until(WAIT, () -> n.status().running() == 0 && n.status().completed() == 1, () -> "status caught up");
        assertThat(n.status().revoked()).isEqualTo(1);
    }

    @Test
    void sendsUnacknowledgedReportsAgainAfterReconnecting() throws Exception {
        ProviderNode n = started(node());
        relayer.autoAck = false;
        relayer.send(task("t-u", 3, job("echo", Map.of(), "keep me"), SettlementMode.FLAT, TokenAmount.ONE_STRK));
        Messages.TaskCompleted first = relayer.await(Messages.TaskCompleted.class, WAIT);
        assertThat(n.status().pendingReports()).isEqualTo(1);

        relayer.disconnect();
        Messages.TaskCompleted again = relayer.await(Messages.TaskCompleted.class, WAIT);

        assertThat(relayer.logins.get()).isEqualTo(2);
        assertThat(again).isEqualTo(first);
        relayer.send(new Messages.Ack(Messages.newId(), again.id(), "", 0));
        Await.until(WAIT, () -> n.status().pendingReports() == 0, () -> "report acknowledged");
        assertThat(events).anySatisfy(e -> assertThat(e).isEqualTo(new ProviderEvent.ReportAcknowledged("t-u")));
    }

    @Test
    void keepsACompletionTheRelayerCouldNotRecordAndSendsItAgainLater() throws Exception {
        ProviderNode n = started(node());
        relayer.deferReports.set(2);
        relayer.send(task("t-l", 4, job("echo", Map.of(), "later"), SettlementMode.FLAT, TokenAmount.ONE_STRK));

        Messages.TaskCompleted first = relayer.await(Messages.TaskCompleted.class, WAIT);
        Messages.TaskCompleted second = relayer.await(Messages.TaskCompleted.class, WAIT);
        Messages.TaskCompleted third = relayer.await(Messages.TaskCompleted.class, WAIT);

        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        Await.until(WAIT, () -> n.status().pendingReports() == 0, () -> "report acknowledged");
        assertThat(relayer.logins.get()).isEqualTo(1);
        assertThat(n.status().completed()).isEqualTo(1);
        assertThat(events).noneMatch(e -> e instanceof ProviderEvent.ReportRejected);
        assertThat(events).filteredOn(e -> e instanceof ProviderEvent.ReportDeferred).hasSize(2);
        assertThat(events).anySatisfy(e -> assertThat(e).isEqualTo(new ProviderEvent.ReportAcknowledged("t-l")));
    }

    @Test
    void reconnectsWhenTheRelayerStopsAnsweringWithItsConnectionUp() throws Exception {
        relayer.close();
        relayer = new ScriptedRelayer(0, Map.of(ADDRESS, KEYS.publicKey()), 30); // a relayer's usual heartbeat
        ProviderNode n = started(node().ping(Duration.ofMillis(100), Duration.ofMillis(400)));

        relayer.freeze();
        Await.until(WAIT, () -> events.stream().anyMatch(e -> e instanceof ProviderEvent.Disconnected d
                && d.reason().contains("did not answer a ping")), () -> "node noticed the frozen relayer");
        relayer.resume();

        Await.until(WAIT, () -> n.status().logins() == 2 && n.status().state() == ProviderNode.State.READY,
                () -> "node logged in again");
        assertThat(relayer.connections.get()).isEqualTo(2);
    }

    @Test
    void finishesATaskWhileTheRelayerIsDownAndDeliversItWhenTheRelayerReturnsOnTheSamePort() throws Exception {
        ProviderNode n = started(node());
        relayer.send(task("t-d", 5, job("gate", Map.of("gate", "d"), "survives"), SettlementMode.FLAT,
                TokenAmount.ONE_STRK));
        relayer.await(Messages.TaskAccepted.class, m -> m.taskId().equals("t-d"), WAIT);
        int port = relayer.port();

        relayer.close();
        Await.until(WAIT, () -> n.status().state() != ProviderNode.State.READY, () -> "node noticed");
        runner.open("d");
        Await.until(WAIT, () -> n.status().pendingReports() == 1, () -> "report queued");
        relayer = new ScriptedRelayer(port, Map.of(ADDRESS, KEYS.publicKey()), 1);

        Messages.TaskCompleted done = relayer.await(Messages.TaskCompleted.class, WAIT);
        assertThat(done.taskId()).isEqualTo("t-d");
        assertThat(done.result()).isEqualTo("survives".getBytes(StandardCharsets.UTF_8));
        Await.until(WAIT, () -> n.status().pendingReports() == 0, () -> "report acknowledged");
        assertThat(n.status().logins()).isEqualTo(2);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(ProviderEvent.Disconnected.class));
    }

    @Test
    void closeHandsBackRunningTasksAsRetryableFailures() throws Exception {
        ProviderNode n = started(node());
        relayer.send(task("t-h", 1, job("gate", Map.of("gate", "h"), "h"), SettlementMode.FLAT, TokenAmount.ONE_STRK));
        relayer.await(Messages.TaskAccepted.class, m -> m.taskId().equals("t-h"), WAIT);

        n.close(Duration.ZERO);

        Messages.TaskFailed back = relayer.await(Messages.TaskFailed.class, WAIT);
        assertThat(back.taskId()).isEqualTo("t-h");
        assertThat(back.retryable()).isTrue();
        assertThat(back.reason()).contains("handed back");
        assertThat(runner.cancelled.get()).isEqualTo(1);
        assertThat(n.status().state()).isEqualTo(ProviderNode.State.CLOSED);
        assertThat(events.get(events.size() - 1)).isEqualTo(new ProviderEvent.Closed(1, 0));
    }

    @Test
    void closeLetsRunningTasksFinishWithinTheGraceAndRefusesNewOnes() throws Exception {
        ProviderNode n = started(node());
        relayer.send(task("t-g", 1, job("gate", Map.of("gate", "g"), "g"), SettlementMode.FLAT, TokenAmount.ONE_STRK));
        relayer.await(Messages.TaskAccepted.class, m -> m.taskId().equals("t-g"), WAIT);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> n.close(Duration.ofSeconds(20)));
        Await.until(WAIT, () -> n.status().state() == ProviderNode.State.CLOSING, () -> "closing");
        relayer.send(task("t-late", 2, job("echo", Map.of(), "late"), SettlementMode.FLAT, TokenAmount.ONE_STRK));
        Messages.TaskFailed late = relayer.await(Messages.TaskFailed.class, WAIT);
        runner.open("g");
        closing.get();

        assertThat(late.taskId()).isEqualTo("t-late");
        assertThat(late.reason()).contains("shutting down");
        assertThat(relayer.all).anyMatch(m -> m instanceof Messages.TaskCompleted c && c.taskId().equals("t-g"));
        assertThat(n.status().state()).isEqualTo(ProviderNode.State.CLOSED);
        assertThat(events.get(events.size() - 1)).isEqualTo(new ProviderEvent.Closed(0, 0));
    }

    @Test
    void closeIsIdempotentAndANodeCannotStartAgain() throws Exception {
        ProviderNode n = started(node());

        n.close();
        n.close();

        assertThat(events.stream().filter(e -> e instanceof ProviderEvent.Closed)).hasSize(1);
        assertThatThrownBy(n::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reportsARefusedLoginAndKeepsTrying() throws Exception {
        ProviderNode n = node().account(ADDRESS, KeyPair.generate(new SecureRandom(), CRYPTO)).build();
        nodes.add(n);
        n.start();

        Await.until(WAIT, () -> events.stream()
                .filter(e -> e instanceof ProviderEvent.LoginRefused).count() >= 2, () -> "login refused twice");
        assertThat(n.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("login refused"));
        assertThat(n.status().logins()).isZero();
    }

    @Test
    void namesTheRelayerWhenItCannotConnect() throws Exception {
        int port = relayer.port();
        relayer.close();
        ProviderNode n = node("http://127.0.0.1:" + port).build();
        nodes.add(n);
        n.start();

        Await.until(WAIT, () -> events.stream().anyMatch(e -> e instanceof ProviderEvent.Disconnected), () -> "disconnected event");
        ProviderEvent.Disconnected d = (ProviderEvent.Disconnected) events.stream()
                .filter(e -> e instanceof ProviderEvent.Disconnected).findFirst().orElseThrow();
        assertThat(d.reason()).contains("ws://127.0.0.1:" + port + "/api/v1/ws");
        assertThat(d.retryIn()).isPositive();
        relayer = new ScriptedRelayer(0, Map.of(), 1);
    }
}
