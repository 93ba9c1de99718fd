package io.smainer.relayer.it;

import static io.smainer.relayer.it.LocalNetwork.caps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.smainer.SmainerVersion;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.RelayerApiException;
import io.smainer.client.SmainerClient;
import io.smainer.client.TaskFailedException;
import io.smainer.client.WebhookSignature;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Snip12;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.EscrowStatus;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.testing.Await;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real relayer on port 0, real WebSocket providers, real signatures, the in-process ledger. */
class RelayerIT {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();
    private final HttpClient http = HttpClient.newHttpClient();
    @RegisterExtension
    final LocalNetwork.Scope networks = new LocalNetwork.Scope();
    private LocalNetwork net;

    private LocalNetwork start(Map<String, String> settings) throws Exception {
        net = networks.start(settings);
        return net;
    }

    private SmainerClient client() {
        return SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander).keyPair(net.demanderKey)
                .chainId(ChainId.LOCAL).build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(net.relayer.uri().resolve("/api/v1" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(net.relayer.uri().resolve("/api/v1" + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JobSpec echo(String text) {
        return JobSpec.of("echo", Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void servesHealthStatsQuoteAndMetricsOnOnePort() throws Exception {
        start(Map.of());
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(get("/health").body()).contains("\"status\":\"ok\"");
        assertThat(get("/stats").body()).contains("\"pending\":0");
        HttpResponse<String> q = get("/fees/quote?amount=1000000000000000001&tier=pro");
        assertThat(q.statusCode()).isEqualTo(200);
        Api.QuoteView view = CODEC.fromJson(q.body(), Api.QuoteView.class);
        var expected = FeeMath.quote(TokenAmount.ofBaseUnits(new BigInteger("1000000000000000001")), Tier.PRO);
        assertThat(view).isEqualTo(new Api.QuoteView("1000000000000000001", "pro", expected.escrow().toString(),
                expected.provider().toString(), expected.gasSubsidy().toString(), expected.treasury().toString()));
        HttpResponse<String> bad = get("/fees/quote?amount=1.5&tier=pro");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(CODEC.fromJson(bad.body(), Api.ErrorBody.class).field()).contains("amount");
        assertThat(get("/fees/quote?amount=10&tier=gold").body()).contains("\"field\":\"tier\"");
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body()).contains("# TYPE smainer_tasks gauge").contains("smainer_tasks{status=\"pending\"} 0.0\n");
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/tasks/unknown").statusCode()).isEqualTo(404);
    }

    @Test
    void runsATaskEndToEndAndReleasesTheResultOnlyOnceSettled() throws Exception {
        start(Map.of("settlement.max_delay_millis", "1500"));
        TestProvider p = net.online(1, caps(2), TestProvider.Behaviour.HONEST);
        SmainerClient client = client();
        JobSpec job = echo("hello relayer");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated created = client.submit(funded.escrowId(), job);
        assertThat(created.status()).isEqualTo(TaskStatus.PENDING);
        Await.until(Duration.ofSeconds(10), () -> client.task(created.taskId()).status() == TaskStatus.COMPLETED);
        assertThatThrownBy(() -> client.result(created.taskId())).isInstanceOfSatisfying(RelayerApiException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.body().error()).isEqualTo("result_not_ready");
        });
        assertThat(client.task(created.taskId()).resultHash()).isEmpty();
        Api.TaskResult result = client.awaitResult(created.taskId(), Duration.ofSeconds(20));
        assertThat(new String(result.result(), StandardCharsets.UTF_8)).isEqualTo("hello relayer");
        assertThat(net.demander.getTask(funded.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.COMPLETED);
        var split = FeeMath.flatSplit(funded.escrowed());
        assertThat(net.ledger.balanceOf(p.address)).isEqualTo(split.providerTotal());
        assertThat(net.ledger.balanceOf(LocalNetwork.TREASURY)).isEqualTo(split.treasury());
        Api.TaskView view = client.task(created.taskId());
        assertThat(view.settlementTx()).isPresent();
        assertThat(view.nodeId()).contains(p.address.hex());
        assertThat(get("/nodes").body()).contains(p.address.hex());
        assertThat(get("/nodes/summary").body()).contains("\"online\":1");
    }

    @Test
    void refusesBadRequestsNamingTheField() throws Exception {
        start(Map.of());
        SmainerClient client = client();
        JobSpec job = echo("x");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);

        // a signature by another key
        SmainerClient impostor = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(KeyPair.generate(net.random, net.crypto)).chainId(ChainId.LOCAL).build();
        assertThatThrownBy(() -> impostor.submit(funded.escrowId(), job)).isInstanceOfSatisfying(RelayerApiException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.body().field()).contains("signature");
                });
        // an escrow that does not exist, and one that is too small
        assertThatThrownBy(() -> client.submit(U256.of(999_999), job)).isInstanceOfSatisfying(RelayerApiException.class,
                e -> assertThat(e.status()).isEqualTo(402));
        CreatedTask small = client.createEscrow(TokenAmount.ofBaseUnits(1000), Tier.BASIC, job);
        assertThatThrownBy(() -> client.submit(small.escrowId(), job)).isInstanceOfSatisfying(RelayerApiException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(402);
                    assertThat(e.body().message()).contains("at least");
                });
        // an escrow created by someone else
        ContractAddress other = ContractAddress.of(0x2002);
        net.ledger.mint(other, TokenAmount.parseStrk("10"));
        CreatedTask theirs = net.ledger.client(other).createTask(net.ledger.token(), TokenAmount.parseStrk("0.2"),
                Tier.BASIC, job.contentHash());
        assertThatThrownBy(() -> client.submit(theirs.escrowId(), job)).isInstanceOfSatisfying(RelayerApiException.class,
                e -> {
                    assertThat(e.status()).isEqualTo(402);
                    assertThat(e.body().field()).contains("demander");
                });
        // accepted once; the same request again is idempotent; another job on the escrow is refused
        Api.TaskCreated first = client.submit(funded.escrowId(), job);
        Api.TaskCreated again = client.submit(funded.escrowId(), job);
        assertThat(again.taskId()).isEqualTo(first.taskId());
        assertThatThrownBy(() -> client.submit(funded.escrowId(), echo("another job")))
                .isInstanceOfSatisfying(RelayerApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(402);
                    assertThat(e.body().message()).contains(first.taskId());
                });
        // a replayed nonce on a fresh escrow
        CreatedTask fresh = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        long exp = Instant.now().getEpochSecond() + 60;
        Felt nonce = Felt.of(42);
        String body1 = signed(fresh.escrowId(), job, nonce, exp);
        CreatedTask fresh2 = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        assertThat(post("/tasks", body1).statusCode()).isEqualTo(201);
        HttpResponse<String> replay = post("/tasks", signed(fresh2.escrowId(), job, nonce, exp));
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(replay.body()).contains("\"field\":\"nonce\"");
        // expired
        HttpResponse<String> expired = post("/tasks", signed(fresh2.escrowId(), job, Felt.of(43), exp - 3600));
        assertThat(expired.statusCode()).isEqualTo(400);
        assertThat(expired.body()).contains("\"field\":\"expires_at\"");
        // malformed
        HttpResponse<String> malformed = post("/tasks", "{\"escrow_id\":\"abc\"}");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"field\":\"escrow_id\"");
        assertThat(post("/tasks", "not json").body()).contains("\"field\":\"payload\"");
        // too large: read and dropped (up to twice the limit), then refused, so the client sees the 413 and its message
        // rather than a connection reset under a half-sent body
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> huge = post("/tasks", "x".repeat(9 << 20));
            assertThat(huge.statusCode()).isEqualTo(413);
            assertThat(huge.body()).contains("at most 8388608 bytes");
        }
    }

    private String signed(U256 escrowId, JobSpec job, Felt nonce, long expiresAt) {
        Felt hash = Snip12.requestHash(Snip12.Domain.smainer(ChainId.LOCAL), LocalNetwork.DEMANDER, escrowId,
                job.contentHash(), Api.SubmitTask.termsHash(SettlementMode.FLAT, Optional.empty()), nonce, expiresAt);
        return CODEC.toJson(new Api.SubmitTask(escrowId, job, SettlementMode.FLAT, LocalNetwork.DEMANDER, nonce, expiresAt,
                net.crypto.sign(net.demanderKey.privateKey(), hash), Optional.empty()));
    }

    @Test
    void limitsTheRateOfOneClient() throws Exception {
        start(Map.of("limits.rate_per_second", "1", "limits.rate_burst", "3"));
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = get("/health");
            if (r.statusCode() == 429) {
                limited++;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("rate_limited");
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(2);
    }

    @Test
    void refusesALoginNotSignedWithTheKeyRegisteredOnChain() throws Exception {
        start(Map.of());
        TestProvider p = net.provider(1, caps(1), TestProvider.Behaviour.HONEST).connectQuiet(net.ws, net.wsUri());
        Await.until(Duration.ofSeconds(5), () -> p.challenge().isPresent());
        Messages.Challenge c = p.challenge().orElseThrow();
        assertThat(c.chainId()).isEqualTo(ChainId.LOCAL.name());
        p.send(p.register(c, KeyPair.generate(net.random, net.crypto)));
        Await.until(Duration.ofSeconds(5), () -> p.closed.isDone());
        assertThat(p.received).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Messages.ErrorMessage.class,
                e -> assertThat(e.code()).isEqualTo("invalid_signature")));
        assertThat(net.relayer.store().nodes()).isEmpty();
    }

    @Test
    void refusesALoginOfANodeThatIsNotActiveOnChain() throws Exception {
        start(Map.of());
        TestProvider p = net.provider(1, caps(1), TestProvider.Behaviour.HONEST);
        net.ledger.client(p.address).deactivateNode();
        p.connect(net.ws, net.wsUri());
        assertThatThrownBy(p::awaitLogin).hasMessageContaining("node_not_active");
    }

    @Test
    void aMalformedFrameClosesOnlyItsOwnConnection() throws Exception {
        start(Map.of());
        TestProvider good = net.online(1, caps(1), TestProvider.Behaviour.HONEST);
        TestProvider bad = net.online(2, caps(1), TestProvider.Behaviour.HONEST);
        bad.sendRaw("{\"v\":1,\"type\":\"node_heartbeat\",\"id\":\"x\",\"running\":\"lots\"}");
        Await.until(Duration.ofSeconds(5), () -> bad.closed.isDone());
        assertThat(bad.received).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Messages.ErrorMessage.class,
                e -> assertThat(e.field()).contains("running")));
        good.send(new Messages.Ping("p1"));
        Await.until(Duration.ofSeconds(5), () -> good.received.stream().anyMatch(m -> m instanceof Messages.Pong));
        assertThat(good.isOpen()).isTrue();
    }

    @Test
    void aReceiptThatDoesNotVerifyIsRefusedAndTheTaskGoesToAnotherNode() throws Exception {
        start(Map.of());
        TestProvider cheat = net.online(1, caps(1), TestProvider.Behaviour.BAD_RECEIPT);
        SmainerClient client = client();
        JobSpec job = echo("check me");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated t = client.submit(funded.escrowId(), job);
        Await.until(Duration.ofSeconds(5), () -> cheat.received.stream().anyMatch(m -> m instanceof Messages.ErrorMessage e
                && e.code().equals("receipt_rejected")));
        TestProvider honest = net.online(2, caps(1), TestProvider.Behaviour.HONEST);
        Api.TaskResult result = client.awaitResult(t.taskId(), Duration.ofSeconds(20));
        assertThat(result.result()).isEqualTo(job.payload());
        assertThat(net.ledger.balanceOf(cheat.address)).isEqualTo(TokenAmount.ZERO);
        assertThat(net.ledger.balanceOf(honest.address)).isEqualTo(FeeMath.flatSplit(funded.escrowed()).providerTotal());
    }

    @Test
    void afterTheLastAttemptTheDemanderIsToldToCancelAndCanTakeTheEscrowBack() throws Exception {
        start(Map.of("max_attempts", "2"));
        net.online(1, caps(1), TestProvider.Behaviour.FAIL);
        net.online(2, caps(1), TestProvider.Behaviour.FAIL);
        SmainerClient client = client();
        JobSpec job = echo("doomed");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        TokenAmount before = net.ledger.balanceOf(LocalNetwork.DEMANDER);
        Api.TaskCreated t = client.submit(funded.escrowId(), job);
        assertThatThrownBy(() -> client.awaitResult(t.taskId(), Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.escrowId()).isEqualTo(funded.escrowId());
                    assertThat(e.getMessage()).contains("cancel_task").contains("refund");
                });
        assertThat(client.task(t.taskId()).attempts()).isEqualTo(2);
        net.demander.cancelTask(funded.escrowId());
        assertThat(net.ledger.balanceOf(LocalNetwork.DEMANDER)).isEqualTo(before.plus(funded.escrowed()));
    }

    @Test
    void aFailedTaskPushedOutOfTheStoreIsA404AndItsEscrowStillBacksNoOtherTask() throws Exception {
        start(Map.of("max_attempts", "1", "store.max_finished_tasks", "1"));
        net.online(1, caps(1), TestProvider.Behaviour.FAIL);
        SmainerClient client = client();
        JobSpec job = echo("doomed");
        CreatedTask first = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated failed = client.submit(first.escrowId(), job);
        assertThatThrownBy(() -> client.awaitResult(failed.taskId(), Duration.ofSeconds(20)))
                .isInstanceOf(TaskFailedException.class);
        CreatedTask second = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated next = client.submit(second.escrowId(), job);
        assertThatThrownBy(() -> client.awaitResult(next.taskId(), Duration.ofSeconds(20)))
                .isInstanceOf(TaskFailedException.class);

        HttpResponse<String> gone = get("/tasks/" + failed.taskId());
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).contains("not_found", failed.taskId(), "store.finished_retention_seconds=3600",
                "store.max_finished_tasks=1");
        assertThat(get("/tasks/" + failed.taskId() + "/result").statusCode()).isEqualTo(404);
        assertThat(net.demander.getTask(first.escrowId()).orElseThrow().status()).as("the demander has not cancelled it")
                .isEqualTo(EscrowStatus.CREATED);
        // the same request again (a fresh nonce): before the task was dropped it was answered with the task
        assertThatThrownBy(() -> client.submit(first.escrowId(), job)).isInstanceOfSatisfying(RelayerApiException.class, e -> {
            assertThat(e.status()).isEqualTo(402);
            assertThat(e.body().field()).contains("escrow_id");
            assertThat(e.body().message()).contains(failed.taskId(), "store.finished_retention_seconds");
        });
        String stats = get("/stats").body();
        assertThat(stats).contains("\"failed\":2");
        assertThat(client.task(next.taskId()).status()).isEqualTo(TaskStatus.FAILED);
    }

    @Test
    void anIdleRelayerLetsGoOfAFinishedTaskOnceItsRetentionIsOver() throws Exception {
        start(Map.of("store.finished_retention_seconds", "1"));
        net.online(1, caps(1), TestProvider.Behaviour.HONEST);
        SmainerClient client = client();
        JobSpec job = echo("brief");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated t = client.submit(funded.escrowId(), job);
        assertThat(client.awaitResult(t.taskId(), Duration.ofSeconds(20)).result()).isEqualTo(job.payload());

        // no task is sent or finished after this one: only the relayer's retention timer can drop it
        Await.until(Duration.ofSeconds(10), () -> {
            try {
                return get("/tasks/" + t.taskId()).statusCode() == 404;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        },
                () -> "task " + t.taskId() + " dropped about a second after it settled");
        assertThat(get("/tasks/" + t.taskId()).body()).contains("store.finished_retention_seconds=1");
        assertThat(get("/stats").body()).as("counts are cumulative").contains("\"settled\":1");
    }

    @Test
    void refusesATaskOverTheQueuedBytesLimitWith503BeforeStoringItAndTakesItOnceTheQueueSettles() throws Exception {
        start(Map.of("limits.max_queued_bytes", "1048576", "limits.max_body_bytes", "1048576",
                "settlement.max_delay_millis", "100"));
        SmainerClient client = client();
        byte[] bytesA = new byte[600 * 1024];
        byte[] bytesB = new byte[600 * 1024];
        Arrays.fill(bytesA, (byte) 'a');
        Arrays.fill(bytesB, (byte) 'b');
        JobSpec first = JobSpec.of("echo", Map.of(), bytesA);
        JobSpec second = JobSpec.of("echo", Map.of(), bytesB);
        CreatedTask a = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, first);
        CreatedTask b = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, second);
        long expires = Instant.now().getEpochSecond() + 600;
        String requestA = signed(a.escrowId(), first, Felt.of(0xa1), expires);
        String requestB = signed(b.escrowId(), second, Felt.of(0xb1), expires);

        HttpResponse<String> accepted = post("/tasks", requestA);
        assertThat(accepted.statusCode()).isEqualTo(201);
        String idA = CODEC.fromJson(accepted.body(), Api.TaskCreated.class).taskId();
        HttpResponse<String> busy = post("/tasks", requestB);
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).contains("5");
        Api.ErrorBody error = CODEC.fromJson(busy.body(), Api.ErrorBody.class);
        assertThat(error.error()).isEqualTo("relayer_busy");
        assertThat(error.message()).contains("limits.max_queued_bytes", "hold 614400 bytes", "task's 614400 bytes",
                "limit of 1048576", "the nonce is unused");
        assertThatThrownBy(() -> client.submit(b.escrowId(), second)).as("the SDK client hands the wait on")
                .isInstanceOfSatisfying(RelayerApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.body().error()).isEqualTo("relayer_busy");
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
                });
        assertThat(post("/tasks", requestA).statusCode()).as("the accepted request again: its task, not a new one")
                .isEqualTo(200);
        assertThat(get("/stats").body()).contains("\"pending\":1");
        assertThat(get("/metrics").body()).contains("smainer_tasks_refused_busy_total 2.0\n", "smainer_queued_bytes 614400.0\n",
                "smainer_queued_bytes_limit 1048576.0\n", "smainer_finished_bytes 0.0\n");

        net.online(1, caps(2), TestProvider.Behaviour.HONEST);
        assertThat(client.awaitResult(idA, Duration.ofSeconds(20)).result()).isEqualTo(bytesA);
        assertThat(get("/metrics").body()).as("the payload and the echoed result, once finished")
                .contains("smainer_queued_bytes 0.0\n", "smainer_finished_bytes 1228800.0\n");
        HttpResponse<String> taken = post("/tasks", requestB);
        assertThat(taken.statusCode()).as("the same request, its nonce unused").isEqualTo(201);
        String idB = CODEC.fromJson(taken.body(), Api.TaskCreated.class).taskId();
        assertThat(client.awaitResult(idB, Duration.ofSeconds(20)).result()).isEqualTo(bytesB);
        assertThat(get("/metrics").body()).contains("smainer_queued_bytes 0.0\n", "smainer_finished_bytes 2457600.0\n",
                "smainer_tasks_refused_busy_total 2.0\n");
    }

    @Test
    void refusesATaskPastThePendingBoundWith503AndRetryAfterAndTakesTheSameRequestOnceTheQueueDrains() throws Exception {
        start(Map.of("limits.max_pending_tasks", "2", "settlement.max_delay_millis", "100"));
        SmainerClient client = client();
        long expires = Instant.now().getEpochSecond() + 600;
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JobSpec job = echo("queued " + i);
            CreatedTask escrow = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            requests.add(signed(escrow.escrowId(), job, Felt.of(0xc0 + i), expires));
        }
        assertThat(post("/tasks", requests.get(0)).statusCode()).isEqualTo(201);
        assertThat(post("/tasks", requests.get(1)).statusCode()).isEqualTo(201);
        HttpResponse<String> full = post("/tasks", requests.get(2));
        assertThat(full.statusCode()).as("no provider yet: two tasks wait, as many as the bound").isEqualTo(503);
        assertThat(full.headers().firstValue("Retry-After")).contains("1");
        Api.ErrorBody error = CODEC.fromJson(full.body(), Api.ErrorBody.class);
        assertThat(error.error()).isEqualTo("relayer_busy");
        assertThat(error.message()).contains("limits.max_pending_tasks", "2 tasks wait", "the nonce is unused");
        assertThat(get("/stats").body()).as("nothing stored").contains("\"pending\":2");

        net.online(1, caps(2), TestProvider.Behaviour.HONEST);
        Await.until(Duration.ofSeconds(20), () -> {
            try {
                return get("/stats").body().contains("\"pending\":0");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, () -> "queue drained");
        HttpResponse<String> taken = post("/tasks", requests.get(2));
        assertThat(taken.statusCode()).as("the same request, its nonce unused").isEqualTo(201);
        String id = CODEC.fromJson(taken.body(), Api.TaskCreated.class).taskId();
        assertThat(client.awaitResult(id, Duration.ofSeconds(20)).result()).isEqualTo(echo("queued 2").payload());
    }

    @Test
    void aSettledTaskPushedOutOfTheStoreCannotHaveItsEscrowReused() throws Exception {
        start(Map.of("store.max_finished_tasks", "1", "settlement.max_delay_millis", "100"));
        net.online(1, caps(2), TestProvider.Behaviour.HONEST);
        SmainerClient client = client();
        JobSpec job = echo("once");
        CreatedTask first = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated settled = client.submit(first.escrowId(), job);
        client.awaitResult(settled.taskId(), Duration.ofSeconds(20));
        CreatedTask second = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated next = client.submit(second.escrowId(), job);
        client.awaitResult(next.taskId(), Duration.ofSeconds(20));

        assertThat(get("/tasks/" + settled.taskId()).statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> client.submit(first.escrowId(), job)).isInstanceOfSatisfying(RelayerApiException.class, e -> {
            assertThat(e.status()).isEqualTo(402);
            assertThat(e.body().message()).contains("status COMPLETED"); // flat: COMPLETED on chain
        });
        assertThat(get("/stats").body()).contains("\"settled\":2");
    }

    @Test
    void aReplayedCompletionIsAcknowledgedAgainAndPaidOnce() throws Exception {
        start(Map.of());
        TestProvider p = net.online(1, caps(1), TestProvider.Behaviour.SILENT);
        SmainerClient client = client();
        JobSpec job = echo("once");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated t = client.submit(funded.escrowId(), job);
        Await.until(Duration.ofSeconds(5), () -> !p.assigned.isEmpty());
        Messages.TaskCompleted done = p.completion(p.assigned.get(0), job.payload(), p.key);
        p.send(done);
        p.send(done);
        client.awaitResult(t.taskId(), Duration.ofSeconds(20));
        p.send(done);
        Await.until(Duration.ofSeconds(5), () -> p.received.stream()
                .filter(m -> m instanceof Messages.Ack a && a.refId().equals(done.id())).count() == 3);
        assertThat(p.received).noneMatch(m -> m instanceof Messages.ErrorMessage);
        assertThat(net.ledger.balanceOf(p.address)).isEqualTo(FeeMath.flatSplit(funded.escrowed()).providerTotal());
        assertThat(net.relayer.settler().orElseThrow().tasksSettled()).isEqualTo(1);
    }

    @Test
    void sendsASignedWebhookOnceSettled() throws Exception {
        String secret = "a-webhook-secret-of-the-demander";
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String[]> got = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        hook.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // the first delivery fails: the relayer retries
            int status = calls.incrementAndGet() == 1 ? 503 : 204;
            if (status == 204) {
                got.add(new String[] {ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER), body,
                        ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
                        ex.getRequestHeaders().getFirst("User-Agent")});
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        hook.start();
        try {
            start(Map.of("webhook_secrets", LocalNetwork.DEMANDER.hex() + ":" + secret,
                    "webhook.initial_backoff_millis", "50"));
            net.online(1, caps(1), TestProvider.Behaviour.HONEST);
            SmainerClient client = client();
            JobSpec job = echo("hooked");
            CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
            Api.TaskCreated t = client.submit(funded.escrowId(), job, SettlementMode.FLAT, Optional.of(url));
            Await.until(Duration.ofSeconds(10), () -> got.size() == 1);
            String[] d = got.get(0);
            assertThat(WebhookSignature.verify(secret, d[0], d[1], d[2], Instant.now(), WebhookSignature.DEFAULT_WINDOW))
                    .isTrue();
            assertThat(WebhookSignature.verify("another-secret-entirely", d[0], d[1], d[2], Instant.now(),
                    WebhookSignature.DEFAULT_WINDOW)).isFalse();
            assertThat(d[1]).contains("\"event\":\"task.settled\"").contains(t.taskId())
                    .contains(Base64.getEncoder().encodeToString(job.payload()));
            assertThat(calls.get()).isEqualTo(2);
            assertThat(d[3]).isEqualTo(SmainerVersion.userAgent("smainer-relayer"));
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void aWebhookNeedsASecretForItsClient() throws Exception {
        start(Map.of());
        SmainerClient client = client();
        JobSpec job = echo("x");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        assertThatThrownBy(() -> client.submit(funded.escrowId(), job, SettlementMode.FLAT, Optional.of("http://127.0.0.1:9/h")))
                .isInstanceOfSatisfying(RelayerApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.body().field()).contains("webhook_url");
                });
    }

    @Test
    void requiresAnApiKeyWhenTheOperatorConfiguredSome() throws Exception {
        start(Map.of("api_keys", "ops:0123456789abcdef0123"));
        SmainerClient anonymous = client();
        JobSpec job = echo("x");
        CreatedTask funded = anonymous.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        assertThatThrownBy(() -> anonymous.submit(funded.escrowId(), job)).isInstanceOfSatisfying(RelayerApiException.class,
                e -> assertThat(e.status()).isEqualTo(401));
        SmainerClient keyed = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(net.demanderKey).chainId(ChainId.LOCAL).apiKey("0123456789abcdef0123").build();
        assertThat(keyed.submit(funded.escrowId(), job).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(keyed.toString()).doesNotContain("0123456789abcdef0123");
    }

    @Test
    void fallsBackToPort8001WhenThePortIsTaken() throws Exception {
        // only meaningful where 8000 is free or taken by us; skip quietly otherwise
        try (ServerSocket taken = new ServerSocket()) {
            try {
                taken.bind(new InetSocketAddress("127.0.0.1", 8000));
            } catch (IOException e) {
                Assumptions.abort("port 8000 is in use by someone else: the fallback to 8001 cannot be seen here");
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress("127.0.0.1", 8001));
            } catch (IOException e) {
                Assumptions.abort("port 8001 is in use: the fallback has nowhere to go here");
            }
            start(Map.of("port", "8000"));
            assertThat(net.relayer.port()).isEqualTo(8001);
        }
    }

    @Test
    void longPollsUntilTheTaskIsSettled() throws Exception {
        start(Map.of());
        SmainerClient client = client();
        JobSpec job = echo("wait for it");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated t = client.submit(funded.escrowId(), job);
        CompletableFuture<HttpResponse<String>> poll = http.sendAsync(HttpRequest.newBuilder(
                URI.create(net.relayer.uri() + "/api/v1/tasks/" + t.taskId() + "?wait_ms=20000")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(poll).isNotDone();
        net.online(1, caps(1), TestProvider.Behaviour.HONEST);
        HttpResponse<String> r = poll.get(20, TimeUnit.SECONDS);
        assertThat(CODEC.fromJson(r.body(), Api.TaskView.class).status()).isEqualTo(TaskStatus.SETTLED);
    }
}
