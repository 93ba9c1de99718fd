package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.client.NothingToDisputeException;
import io.smainer.client.OpenedResult;
import io.smainer.client.SealedResultRefusedException;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.AccountSignature;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ActiveSlash;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.Staking;
import io.smainer.escrow.StakingEvent;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.Jobs;
import io.smainer.job.ResultChecks;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.SettlementMode;
import io.smainer.provider.OllamaHandler;
import io.smainer.provider.OllamaLikeServer;
import io.smainer.provider.ProviderEvent;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.RedisServer;
import io.smainer.relayer.staking.StakingPolicy;
import io.smainer.relayer.store.RedisStore;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealException;
import io.smainer.seal.SealKeyPair;
import io.smainer.seal.SealedJob;
import io.smainer.seal.SealedJobs;
import io.smainer.testing.Await;
import io.smainer.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Sealed tasks end to end: a real relayer on the Redis store, real SDK provider nodes over WebSocket (the Java runner's
 * matmul and the Ollama handler against a local Ollama-like server), the demander's {@link SmainerClient} sealing and
 * opening, the in-process ledger settling. Afterwards everything the relayer kept or said (every Redis key, its log
 * lines at DEBUG, {@code /metrics}, the webhook it posted) is searched for the payloads' and results' plaintext.
 */
class SealedTaskIT {
    /** A prompt no one would write by chance: found anywhere, it leaked. */
    private static final String PROMPT = "zebra-quartz-7781 tell me what the sealed prompt says";
    private static final String WEBHOOK_SECRET = "a-webhook-secret-of-the-sealed-demander";
    private static final JobSpec MATMUL = Jobs.matmul(3, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9},
            new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1});

    private static final ContractAddress OTHER_DEMANDER = ContractAddress.of(0x2002);
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final KeyPair OTHER_KEY = KeyPair.generate(new SecureRandom(), CRYPTO);
    private static final TokenAmount STAKE = TokenAmount.parseStrk("100");
    private static final Duration APPEAL_WINDOW = Duration.ofDays(7);
    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    private final MutableClock chainClock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    private RedisServer redis;
    private LocalNetwork net;
    private OllamaLikeServer ollama;
    private HttpServer hook;
    private final List<String> hookBodies = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ListAppender<ILoggingEvent> relayerLogs = new ListAppender<>();
    private Logger relayerLogger;
    private Level relayerLevel;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(RedisServer.executable().isPresent(), "redis-server is not on the PATH");
        redis = RedisServer.start();
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        relayerLogger = ctx.getLogger("io.smainer.relayer");
        relayerLevel = relayerLogger.getLevel();
        relayerLogger.setLevel(Level.DEBUG); // every line the relayer writes, debug included
        relayerLogs.setContext(ctx);
        relayerLogs.start();
        relayerLogger.addAppender(relayerLogs);
        ollama = new OllamaLikeServer();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            hookBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hook.start();
    }

    /**
     * The network on Redis; with staking, the chain's clock is {@link #chainClock}, the relayer's slash checks run
     * when the test asks ({@code checkNow}), and {@link #OTHER_DEMANDER} is a second demander the relayer knows.
     */
    private LocalNetwork network(boolean staking) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("redis.uri", redis.uri());
        s.put("webhook_secrets", LocalNetwork.DEMANDER.hex() + ":" + WEBHOOK_SECRET);
        s.put("webhook.initial_backoff_millis", "50");
        if (staking) {
            s.put("staking.slash_check_seconds", "3600");
            s.put("demander_keys", OTHER_DEMANDER.hex() + ":" + OTHER_KEY.publicKey().hex());
        }
        net = new LocalNetwork(s, staking, staking ? Optional.of(chainClock) : Optional.empty());
        return net;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (net != null) {
            net.close();
        }
        if (hook != null) {
            hook.stop(0);
        }
        if (ollama != null) {
            ollama.close();
        }
        if (relayerLogger != null) {
            relayerLogger.detachAppender(relayerLogs);
            relayerLogger.setLevel(relayerLevel);
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** A real SDK provider node, registered on chain, running the Java runner's kinds and the Ollama handler. */
    private ProviderNode node(int n, KeyPair key, List<ProviderEvent> events) {
        ContractAddress address = ContractAddress.of(0x3100 + n);
        Escrow own = net.ledger.client(address);
        own.registerNode();
        own.setProviderPublicKey(key.publicKey());
        JavaJobRunner runner = JavaJobRunner.create();
        closing.add(runner);
        ProviderNode p = ProviderNode.builder().relayer(net.wsUri()).account(address, key).name("sealed-" + n)
                .runner(runner).handler(OllamaHandler.builder().url(ollama.url()).build()).tier(Tier.PREMIUM)
                .escrow(own).listener(events::add).build().start();
        closing.add(0, p);
        Await.until(Duration.ofSeconds(15), () -> p.status().state() == ProviderNode.State.READY,
                () -> "node " + n + " logged in: " + p.status());
        return p;
    }

    private SmainerClient client() {
        return SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander).keyPair(net.demanderKey)
                .chainId(ChainId.LOCAL).build();
    }

    @Test
    void sealedMatmulAndLlmTasksSettleAndTheRelayerKeepsNoPlaintextAnywhere() throws Exception {
        network(false);
        KeyPair outsiderKey = KeyPair.generate(net.random, net.crypto);
        List<ProviderEvent> outsiderEvents = new CopyOnWriteArrayList<>();
        // the outsider sorts first: were sealed tasks routed like plain ones, it would be offered them first
        ProviderNode outsider = node(1, outsiderKey, outsiderEvents);
        SmainerClient client = client();

        // the LLM task is submitted while only the outsider is online: it waits for its recipient
        List<ProviderEvent> recipientEvents = new CopyOnWriteArrayList<>();
        KeyPair recipientKey = KeyPair.generate(net.random, net.crypto);
        ContractAddress recipientAddress = ContractAddress.of(0x3102);
        Envelope.Recipient recipient = new Envelope.Recipient(recipientAddress, SealKeyPair.derive(recipientKey).publicKey());
        JobSpec llm = new JobSpec(OllamaHandler.KIND, Map.of(OllamaHandler.MODEL_PARAM, "llama3.1:8b",
                OllamaHandler.PROMPT_PARAM, PROMPT), new byte[0], 60_000, 0);
        SealedJob sealedLlm = client.seal(llm, List.of(recipient));
        CreatedTask llmEscrow = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, sealedLlm.sealed());
        Api.TaskCreated llmTask = client.submit(llmEscrow.escrowId(), sealedLlm.sealed(), SettlementMode.FLAT,
                Optional.of("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
        Await.until(Duration.ofSeconds(5), () -> client.task(llmTask.taskId()).waiting().isPresent());
        assertThat(client.task(llmTask.taskId()).waiting().orElseThrow()).contains("sealed");
        assertThat(getBody("/stats")).contains("\"no_recipient\":1");
        assertThat(outsiderEvents).noneMatch(e -> e instanceof ProviderEvent.TaskStarted);

        ProviderNode provider = node(2, recipientKey, recipientEvents);
        assertThat(provider.address()).isEqualTo(recipientAddress);
        // the recipients a client finds are those whose published key verifies against the chain's key (the relayer
        // stores a node as online just after acknowledging its login: wait for it to show)
        Await.until(Duration.ofSeconds(10), () -> client.sealRecipients(Jobs.MATMUL_F32, Tier.BASIC, 0, 32).size() == 2);
        List<Envelope.Recipient> found = client.sealRecipients(Jobs.MATMUL_F32, Tier.BASIC, 0, 32);
        assertThat(found).extracting(Envelope.Recipient::address)
                .containsExactlyInAnyOrder(outsider.address(), recipientAddress);
        assertThat(found).contains(recipient);

        OpenedResult llmResult = client.awaitSealedResult(llmTask.taskId(), sealedLlm, Duration.ofSeconds(30));
        assertThat(new String(llmResult.result(), StandardCharsets.UTF_8)).isEqualTo("echo: " + PROMPT);
        assertThat(ollama.prompts()).contains(PROMPT); // the provider read it

        Random random = new Random(22);
        int n = 24;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() * 2 - 1;
            b[i] = random.nextFloat() * 2 - 1;
        }
        JobSpec matmul = Jobs.matmul(n, a, b);
        SealedJob sealedMatmul = client.seal(matmul, List.of(recipient));
        CreatedTask mmEscrow = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, sealedMatmul.sealed());
        Api.TaskCreated mmTask = client.submit(mmEscrow.escrowId(), sealedMatmul.sealed());
        OpenedResult mm = client.awaitSealedResult(mmTask.taskId(), sealedMatmul, Duration.ofSeconds(30));
        assertThat(mm.check().passed()).as(mm.check().detail()).isTrue();
        float[] c = Jobs.readMatmulOutput(matmul, mm.result());
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += (double) a[i * n + k] * b[k * n + j];
                }
                assertThat((double) c[i * n + j]).isCloseTo(sum, within(1e-4));
            }
        }

        // both settled on chain, paid to the recipient; the relayer says it did not check the results itself
        for (CreatedTask e : List.of(llmEscrow, mmEscrow)) {
            assertThat(net.demander.getTask(e.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.COMPLETED);
        }
        assertThat(net.ledger.balanceOf(recipientAddress)).isEqualTo(FeeMath.flatSplit(llmEscrow.escrowed())
                .providerTotal().plus(FeeMath.flatSplit(mmEscrow.escrowed()).providerTotal()));
        assertThat(net.ledger.balanceOf(outsider.address())).isEqualTo(TokenAmount.ZERO);
        for (Api.TaskCreated t : List.of(llmTask, mmTask)) {
            Api.TaskView v = client.task(t.taskId());
            assertThat(v.resultCheck()).contains(Api.TaskView.CHECKED_BY_DEMANDER);
            assertThat(v.nodeId()).contains(recipientAddress.hex());
        }

        // the outsider was never offered either task, and could not have read them
        assertThat(outsiderEvents).noneMatch(e -> e instanceof ProviderEvent.TaskStarted);
        assertThat(recipientEvents).filteredOn(e -> e instanceof ProviderEvent.TaskStarted).hasSize(2);
        SealKeyPair outsiderSeal = SealKeyPair.derive(outsiderKey);
        for (SealedJob s : List.of(sealedLlm, sealedMatmul)) {
            assertThatThrownBy(() -> SealedJobs.open(s.sealed(), outsiderSeal)).isInstanceOfSatisfying(
                    SealException.class, e -> assertThat(e.problem()).isEqualTo(SealException.Problem.NOT_RECIPIENT));
        }

        // an unsealed task, as the control: the same search finds its plaintext in the store
        String control = "plain-control-marker-5521";
        JobSpec plain = new JobSpec(OllamaHandler.KIND, Map.of(OllamaHandler.MODEL_PARAM, "llama3.1:8b",
                OllamaHandler.PROMPT_PARAM, control), new byte[0], 60_000, 0);
        CreatedTask plainEscrow = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, plain);
        Api.TaskCreated plainTask = client.submit(plainEscrow.escrowId(), plain);
        client.awaitResult(plainTask.taskId(), Duration.ofSeconds(30));
        Await.until(Duration.ofSeconds(10), () -> !hookBodies.isEmpty(), () -> "the sealed task's webhook arrived");

        byte[] store = redisContents();
        String logs = relayerLogText();
        String metrics = getBody("/metrics");
        String webhooks = String.join("\n", hookBodies);
        assertThat(contains(store, control.getBytes(StandardCharsets.UTF_8))).as("the control is found in Redis").isTrue();
        assertThat(contains(store, Base64.getEncoder().encode(sealedLlm.sealed().payload())))
                .as("the sealed payload (ciphertext) is in Redis").isTrue();
        assertThat(webhooks).as("the webhook carried the sealed result")
                .contains(Base64.getEncoder().encodeToString(client.result(llmTask.taskId()).result()));
        assertThat(logs).as("the relayer's log lines are captured").contains(recipientAddress.hex() + " logged in")
                .contains("settled 1 tasks");

        Map<String, byte[]> secrets = Map.of("prompt", PROMPT.getBytes(StandardCharsets.UTF_8),
                "llm result", llmResult.result(), "matmul payload", matmul.payload(), "matmul result", mm.result());
        Map<String, byte[]> places = Map.of("Redis", store, "relayer logs", logs.getBytes(StandardCharsets.UTF_8),
                "/metrics", metrics.getBytes(StandardCharsets.UTF_8), "webhooks", webhooks.getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
            for (Map.Entry<String, byte[]> place : places.entrySet()) {
                assertThat(leaks(place.getValue(), secret.getValue())).as("%s in %s", secret.getKey(), place.getKey())
                        .isFalse();
            }
        }
        System.out.printf("SealedTaskIT searched %d bytes of Redis, %d of relayer logs, %d of /metrics, %d of webhooks:"
                + " no plaintext%n", store.length, logs.length(), metrics.length(), webhooks.length());
    }

    @Test
    void aTamperedSealedResultIsDetectedAndRefusedByTheDemander() throws Exception {
        network(false);
        NodeCapabilities caps = new NodeCapabilities("tamperer", List.of(Jobs.MATMUL_F32), List.of(), Tier.PREMIUM, 1);
        TestProvider tamperer = net.online(7, caps, TestProvider.Behaviour.TAMPER_SEALED);
        SmainerClient client = client();
        JobSpec matmul = Jobs.matmul(2, new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8});
        SealedJob sealed = client.seal(matmul, List.of(new Envelope.Recipient(tamperer.address,
                tamperer.sealKeys.publicKey())));
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, sealed.sealed());
        Api.TaskCreated task = client.submit(funded.escrowId(), sealed.sealed());
        // the relayer cannot tell: the hash matches the bytes and the receipt verifies, so it settles
        assertThatThrownBy(() -> client.awaitSealedResult(task.taskId(), sealed, Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(SealedResultRefusedException.class, e -> {
                    assertThat(e.getMessage()).contains("was changed");
                    assertThat(e.getCause()).isInstanceOfSatisfying(SealException.class,
                            s -> assertThat(s.problem()).isEqualTo(SealException.Problem.TAMPERED));
                });
        assertThat(net.demander.getTask(funded.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.COMPLETED);
        // a released result whose bytes were changed after signing is refused on its hash before any opening
        Api.TaskResult released = client.result(task.taskId());
        byte[] bytes = released.result();
        bytes[bytes.length - 1] ^= 1;
        Api.TaskResult changed = new Api.TaskResult(released.taskId(), bytes, released.resultHash(),
                released.settlementTx());
        assertThatThrownBy(() -> client.openResult(changed, sealed)).isInstanceOf(SealedResultRefusedException.class)
                .hasMessageContaining("do not hash to the signed result_hash");
        // a result that does not open has no content key to reveal: the client sends no dispute
        assertThatThrownBy(() -> client.disputeSealedResult(task.taskId(), sealed))
                .isInstanceOf(SealedResultRefusedException.class).hasMessageContaining("was changed");
        // and this relayer has no staking policy: a dispute is answered so, and changes nothing
        HttpResponse<String> off = dispute(task.taskId(), LocalNetwork.DEMANDER, net.demanderKey, sealed.fileKey(),
                new byte[16]);
        assertThat(off.statusCode()).as(off.body()).isEqualTo(409);
        assertThat(off.body()).contains("\"staking_disabled\"");
    }

    @Test
    void aStakedProviderThatSignsAWrongSealedResultIsDisputedByItsDemanderAndSlashedOnce() throws Exception {
        network(true);
        WrongSealed w = wrongSealedResult(8);
        TestProvider cheat = w.cheat();
        SmainerClient client = w.client();
        SealedJob sealed = w.sealed();
        CreatedTask funded = w.funded();
        Api.TaskCreated task = w.task();
        assertThat(net.demander.getTask(funded.escrowId()).orElseThrow().status()).isEqualTo(EscrowStatus.COMPLETED);
        Staking anyone = net.ledger.staking(LocalNetwork.DEMANDER);
        assertThat(anyone.activeSlash(cheat.address)).isEmpty();
        byte[] resultKey = w.resultKey();

        // someone else's dispute, even one signed by a demander the relayer knows: 403, nothing kept
        HttpResponse<String> other = dispute(task.taskId(), OTHER_DEMANDER, OTHER_KEY, sealed.fileKey(), resultKey);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        assertThat(other.body()).contains("\"forbidden\"").contains(LocalNetwork.DEMANDER.hex());
        // the demander's address signed by another key: 401
        HttpResponse<String> forged = dispute(task.taskId(), LocalNetwork.DEMANDER, OTHER_KEY, sealed.fileKey(), resultKey);
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(401);
        // keys that do not open what the relayer holds, or are not keys: 400 naming the field
        byte[] wrongKey = sealed.fileKey();
        wrongKey[3] ^= 1;
        HttpResponse<String> badJobKey = dispute(task.taskId(), LocalNetwork.DEMANDER, net.demanderKey, wrongKey, resultKey);
        assertThat(badJobKey.statusCode()).as(badJobKey.body()).isEqualTo(400);
        assertThat(badJobKey.body()).contains("\"field\":\"job_file_key\"");
        HttpResponse<String> badResultKey = dispute(task.taskId(), LocalNetwork.DEMANDER, net.demanderKey,
                sealed.fileKey(), wrongKey);
        assertThat(badResultKey.statusCode()).as(badResultKey.body()).isEqualTo(400);
        assertThat(badResultKey.body()).contains("\"field\":\"result_file_key\"");
        HttpResponse<String> notAKey = post(task.taskId(), "{\"demander\":\"" + LocalNetwork.DEMANDER.hex()
                + "\",\"job_file_key\":\"0x12\",\"result_file_key\":\"0x12\",\"expires_at\":4000000000,"
                + "\"signature\":[\"0x1\",\"0x2\"]}");
        assertThat(notAKey.statusCode()).as(notAKey.body()).isEqualTo(400);
        assertThat(notAKey.body()).contains("\"field\":\"job_file_key\"");
        assertThat(anyone.activeSlash(cheat.address)).isEmpty();
        assertThat(net.relayer.staking().orElseThrow().evidenceKept()).isZero();

        // the demander's dispute: the relayer opens both, Freivalds refuses the product, the slash is initiated
        Api.DisputeAccepted accepted = client.disputeSealedResult(task.taskId(), sealed);
        assertThat(accepted.provider()).isEqualTo(cheat.address);
        Await.until(Duration.ofSeconds(20), () -> anyone.activeSlash(cheat.address).isPresent(),
                () -> "initiate_slash of " + cheat.address.hex());
        ActiveSlash slash = anyone.activeSlash(cheat.address).orElseThrow();
        assertThat(slash.reasonHash()).isEqualTo(accepted.reasonHash());
        assertThat(slash.percent()).isEqualTo(20);
        assertThat(anyone.eventsAfter(EventCursor.START)).filteredOn(StakingEvent.SlashInitiated.class::isInstance)
                .map(StakingEvent.SlashInitiated.class::cast).singleElement()
                .satisfies(e -> assertThat(e.reasonHash()).isEqualTo(accepted.reasonHash()));

        // anyone re-verifies the served evidence: the keys open the job and the result, the check refuses it, and the
        // provider's key on chain verifies the receipt over the sealed bytes
        byte[] evidence = getBytes("/evidence/" + accepted.reasonHash().hex());
        assertThat(Receipts.resultHash(evidence)).isEqualTo(accepted.reasonHash());
        assertThat(contains(evidence, HexFormat.of().formatHex(resultKey).getBytes(StandardCharsets.US_ASCII)))
                .as("the search below finds a key where it is").isTrue();
        JsonObject e = JsonParser.parseString(new String(evidence, StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(e.get("format").getAsString()).isEqualTo("smainer-wrong-sealed-result-1");
        JsonObject revealed = e.getAsJsonObject("revealed");
        byte[] jobKey = HexFormat.of().parseHex(revealed.get("job_file_key").getAsString().substring(2));
        byte[] evidenceResultKey = HexFormat.of().parseHex(revealed.get("result_file_key").getAsString().substring(2));
        JobSpec job = CODEC.fromJson(e.get("job").toString(), JobSpec.class);
        byte[] sealedResult = Base64.getDecoder().decode(e.get("result").getAsString());
        JobSpec plain = SealedJobs.openWithFileKey(job, jobKey).plain();
        assertThat(plain).isEqualTo(MATMUL);
        byte[] product = Envelope.openWithFileKey(sealedResult, evidenceResultKey).plaintext();
        assertThat(ResultChecks.check(plain, product).passed()).isFalse();
        Felt receipt = Receipts.receiptHash(CRYPTO, funded.escrowId(), cheat.address, Receipts.resultHash(sealedResult),
                Optional.empty());
        assertThat(Felt.parse(e.get("receipt_hash").getAsString())).isEqualTo(receipt);
        assertThat(CRYPTO.verify(net.demander.providerPublicKey(cheat.address).orElseThrow(), receipt,
                CODEC.fromJson(e.get("signature").toString(), Signature.class))).isTrue();

        // a repeated dispute slashes nothing twice: answered with the first one's hash
        HttpResponse<String> again = dispute(task.taskId(), LocalNetwork.DEMANDER, net.demanderKey, sealed.fileKey(),
                resultKey);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(again.body()).contains("\"already_disputed\"").contains(accepted.reasonHash().hex());

        // the slash executes once the appeal window has passed on the chain's clock
        StakingPolicy policy = net.relayer.staking().orElseThrow();
        policy.checkNow();
        assertThat(anyone.stake(cheat.address)).isEqualTo(STAKE);
        chainClock.advance(APPEAL_WINDOW);
        policy.checkNow();
        assertThat(anyone.stake(cheat.address)).isEqualTo(STAKE.minus(TokenAmount.parseStrk("20")));
        assertThat(anyone.activeSlash(cheat.address)).isEmpty();
        HttpResponse<String> afterwards = dispute(task.taskId(), LocalNetwork.DEMANDER, net.demanderKey,
                sealed.fileKey(), resultKey);
        assertThat(afterwards.statusCode()).as(afterwards.body()).isEqualTo(409);
        chainClock.advance(Duration.ofDays(2)); // past the cooldown: a second slash could start now, and none does
        policy.checkNow();
        assertThat(anyone.activeSlash(cheat.address)).isEmpty();
        assertThat(anyone.slashCount(cheat.address)).isEqualTo(1);
        assertThat(policy.slashesInitiated()).isEqualTo(1);
        assertThat(policy.evidenceKept()).isEqualTo(1);

        // the keys are in the evidence only (kept in Redis under its hash, served to anyone): nowhere else in Redis, not
        // in any line the relayer logged (debug included)
        assertThat(redisValue(RedisStore.DEFAULT_PREFIX + "ev:" + accepted.reasonHash().hex())).isEqualTo(evidence);
        byte[] store = redisContents();
        String logs = relayerLogText();
        assertThat(logs).contains(accepted.reasonHash().hex());
        for (byte[] key : List.of(sealed.fileKey(), resultKey)) {
            String hex = HexFormat.of().formatHex(key);
            for (Map.Entry<String, byte[]> place : Map.of("Redis", store, "relayer logs",
                    logs.getBytes(StandardCharsets.UTF_8)).entrySet()) {
                assertThat(leaks(place.getValue(), key)).as("a key in %s", place.getKey()).isFalse();
                assertThat(contains(place.getValue(), hex.getBytes(StandardCharsets.US_ASCII)))
                        .as("a key in hex in %s", place.getKey()).isFalse();
            }
        }
    }

    @Test
    void aDisputedSlashSurvivesARestartOfItsRelayerItsEvidenceIsStillServedAndTheTaskIsNotDisputedTwice()
            throws Exception {
        network(true);
        WrongSealed w = wrongSealedResult(9);
        TestProvider cheat = w.cheat();
        SealedJob sealed = w.sealed();
        Api.TaskCreated task = w.task();
        byte[] resultKey = w.resultKey();
        Api.DisputeAccepted accepted = w.client().disputeSealedResult(task.taskId(), sealed);
        Staking anyone = net.ledger.staking(LocalNetwork.DEMANDER);
        Await.until(Duration.ofSeconds(20), () -> anyone.activeSlash(cheat.address).isPresent(),
                () -> "initiate_slash of " + cheat.address.hex());
        byte[] evidence = getBytes("/evidence/" + accepted.reasonHash().hex());

        // the relayer stops before the appeal window ends; a new one starts on the same Redis
        net.restartRelayer();
        StakingPolicy policy = net.relayer.staking().orElseThrow();

        // it serves the same evidence, and the task is still disputed once
        assertThat(getBytes("/evidence/" + accepted.reasonHash().hex())).isEqualTo(evidence);
        HttpResponse<String> again = dispute(task.taskId(), LocalNetwork.DEMANDER, net.demanderKey, sealed.fileKey(),
                resultKey);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(again.body()).contains("\"already_disputed\"").contains(accepted.reasonHash().hex());

        // and it executes the slash the first one initiated, once the appeal window has passed
        policy.checkNow();
        assertThat(anyone.stake(cheat.address)).isEqualTo(STAKE);
        chainClock.advance(APPEAL_WINDOW);
        policy.checkNow();
        assertThat(anyone.stake(cheat.address)).isEqualTo(STAKE.minus(TokenAmount.parseStrk("20")));
        assertThat(anyone.activeSlash(cheat.address)).isEmpty();
        assertThat(anyone.slashCount(cheat.address)).isEqualTo(1);
        assertThat(policy.slashesExecuted()).isEqualTo(1);
        assertThat(policy.slashesInitiated()).as("the first relayer initiated it").isZero();
    }

    @Test
    void anHonestSealedResultDisputedIsRefusedAndNothingIsSlashed() throws Exception {
        network(true);
        TestProvider honest = stakedOnline(9, TestProvider.Behaviour.RUN_SEALED);
        SmainerClient client = client();
        SealedJob sealed = sealFor(client, honest);
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, sealed.sealed());
        Api.TaskCreated task = client.submit(funded.escrowId(), sealed.sealed());
        OpenedResult opened = client.awaitSealedResult(task.taskId(), sealed, Duration.ofSeconds(30));

        // the client finds nothing to dispute and sends nothing
        assertThatThrownBy(() -> client.disputeSealedResult(task.taskId(), sealed))
                .isInstanceOf(NothingToDisputeException.class);
        // a demander that sends the keys anyway is told the result checks out
        HttpResponse<String> refused = dispute(task.taskId(), LocalNetwork.DEMANDER, net.demanderKey, sealed.fileKey(),
                opened.fileKey());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("\"result_checks_out\"");
        HttpResponse<String> again = dispute(task.taskId(), LocalNetwork.DEMANDER, net.demanderKey, sealed.fileKey(),
                opened.fileKey());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(again.body()).contains("\"result_checks_out\"").contains("found right before");
        StakingPolicy policy = net.relayer.staking().orElseThrow();
        policy.checkNow();
        assertThat(net.ledger.staking(LocalNetwork.DEMANDER).activeSlash(honest.address)).isEmpty();
        assertThat(policy.evidenceKept()).isZero();
        assertThat(policy.slashesInitiated()).isZero();
    }

    /** A {@code matmul-f32} provider registered on chain, funded, staked with {@link #STAKE} and logged in. */
    private TestProvider stakedOnline(int n, TestProvider.Behaviour behaviour) throws Exception {
        TestProvider p = net.provider(n, new NodeCapabilities("staked-" + n, List.of(Jobs.MATMUL_F32), List.of(),
                Tier.PREMIUM, 1), behaviour);
        net.ledger.mint(p.address, TokenAmount.parseStrk("200"));
        net.ledger.staking(p.address).depositStake(STAKE);
        p.connect(net.ws, net.wsUri());
        p.awaitLogin();
        return p;
    }

    /**
     * A settled sealed task whose staked provider signed a wrong product, the content key of its result, and how it
     * got there.
     */
    private record WrongSealed(TestProvider cheat, SmainerClient client, SealedJob sealed, CreatedTask funded,
            Api.TaskCreated task, byte[] resultKey) {
    }

    /** A staked provider {@code n} online that signs wrong sealed products, and a task it settled so. */
    private WrongSealed wrongSealedResult(int n) throws Exception {
        TestProvider cheat = stakedOnline(n, TestProvider.Behaviour.WRONG_SEALED);
        SmainerClient client = client();
        SealedJob sealed = sealFor(client, cheat);
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, sealed.sealed());
        Api.TaskCreated task = client.submit(funded.escrowId(), sealed.sealed());
        // the relayer cannot tell: it settles and pays; the demander's Freivalds check refuses the opened product
        assertThatThrownBy(() -> client.awaitSealedResult(task.taskId(), sealed, Duration.ofSeconds(30)))
                .isInstanceOf(SealedResultRefusedException.class).hasMessageContaining("fails its check");
        byte[] resultKey = Envelope.open(client.result(task.taskId()).result(), client.sealKeys()).fileKey();
        return new WrongSealed(cheat, client, sealed, funded, task, resultKey);
    }

    /** {@link #MATMUL}, sealed by the client to this provider alone. */
    private static SealedJob sealFor(SmainerClient client, TestProvider p) {
        return client.seal(MATMUL, List.of(new Envelope.Recipient(p.address, p.sealKeys.publicKey())));
    }

    /** {@code POST /tasks/{id}/dispute} as {@code who}, signed by {@code key}. */
    private HttpResponse<String> dispute(String taskId, ContractAddress who, KeyPair key, byte[] jobKey, byte[] resultKey)
            throws IOException, InterruptedException {
        long expiresAt = Instant.now().plusSeconds(120).getEpochSecond();
        Felt hash = Snip12.disputeHash(Snip12.Domain.smainer(ChainId.LOCAL), who, taskId, jobKey, resultKey, expiresAt);
        return post(taskId, CODEC.toJson(Api.DisputeSealedResult.of(who, jobKey, resultKey, expiresAt,
                AccountSignature.of(CRYPTO.sign(key.privateKey(), hash)))));
    }

    private HttpResponse<String> post(String taskId, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(net.relayer.uri().resolve("/api/v1/tasks/" + taskId
                + "/dispute")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private byte[] getBytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(net.relayer.uri()
                .resolve("/api/v1" + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private String getBody(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(net.relayer.uri().resolve("/api/v1" + path))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String relayerLogText() {
        StringBuilder b = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(relayerLogs.list)) {
            b.append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                b.append(e.getThrowableProxy().getMessage()).append('\n');
            }
        }
        return b.toString();
    }

    /** The bytes of a string key in the relayer's Redis. */
    private byte[] redisValue(String key) {
        RedisClient rc = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<byte[], byte[]> c = rc.connect(ByteArrayCodec.INSTANCE)) {
            return c.sync().get(key.getBytes(StandardCharsets.UTF_8));
        } finally {
            rc.shutdown();
        }
    }

    /**
     * Every key and value in the relayer's Redis, whatever its type, one after the other, but for the evidence of
     * disputes ({@code ev:<hash>}), which holds a disputed task's content keys by design and is public.
     */
    private byte[] redisContents() {
        RedisClient rc = RedisClient.create(redis.uri());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] evidence = (RedisStore.DEFAULT_PREFIX + "ev:").getBytes(StandardCharsets.UTF_8);
        try (StatefulRedisConnection<byte[], byte[]> c = rc.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> r = c.sync();
            for (byte[] key : r.keys("*")) {
                if (Arrays.equals(key, 0, Math.min(key.length, evidence.length), evidence, 0, evidence.length)) {
                    continue;
                }
                out.writeBytes(key);
                switch (r.type(key)) {
                    case "string" -> out.writeBytes(r.get(key));
                    case "hash" -> r.hgetall(key).forEach((f, v) -> {
                        out.writeBytes(f);
                        out.writeBytes(v);
                    });
                    case "list" -> r.lrange(key, 0, -1).forEach(out::writeBytes);
                    case "set" -> r.smembers(key).forEach(out::writeBytes);
                    case "zset" -> r.zrange(key, 0, -1).forEach(out::writeBytes);
                    case "stream" -> {
                        for (StreamMessage<byte[], byte[]> m : r.xrange(key, Range.create("-", "+"))) {
                            m.getBody().forEach((f, v) -> {
                                out.writeBytes(f);
                                out.writeBytes(v);
                            });
                        }
                    }
                    default -> throw new IllegalStateException("a Redis type this search does not read: " + r.type(key));
                }
            }
        } finally {
            rc.shutdown();
        }
        return out.toByteArray();
    }

    /**
     * @return whether the secret is in the haystack raw, in base64 (as the whole value, or inside a longer base64 text
     *     at any of the three alignments) or as JSON-escaped text
     */
    private static boolean leaks(byte[] haystack, byte[] secret) {
        if (contains(haystack, secret)) {
            return true;
        }
        for (int shift = 0; shift < 3; shift++) {
            byte[] padded = new byte[shift + secret.length];
            System.arraycopy(secret, 0, padded, shift, secret.length);
            String b64 = Base64.getEncoder().withoutPadding().encodeToString(padded);
            // drop the characters that depend on the bytes around it
            int from = (shift * 4 + 2) / 3 + 1;
            int to = b64.length() - 2;
            if (to - from >= 8 && contains(haystack, b64.substring(from, to).getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
