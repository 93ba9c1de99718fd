package io.smainer.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobException;
import io.smainer.job.JobResult;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import io.smainer.testing.Await;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Ollama handler against a real HTTP server that speaks Ollama's JSON, through the real Java runner. */
class OllamaHandlerIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private OllamaLikeServer ollama;
    private JavaJobRunner runner;

    @BeforeEach
    void start() throws Exception {
        ollama = new OllamaLikeServer();
        runner = JavaJobRunner.builder().standardKinds(false).workerThreads(1)
                .handler(OllamaHandler.builder().url(ollama.url()).build()).build();
    }

    @AfterEach
    void stop() throws Exception {
        runner.close();
        ollama.close();
    }

    private JobResult generate(Map<String, String> params, String payload) throws Exception {
        return runner.submit(JobSpec.of(OllamaHandler.KIND, params, payload.getBytes(StandardCharsets.UTF_8)))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void generatesTextAndReportsTokensGpuTimeAndModelSizeAsEffort() throws Exception {
        JobResult r = generate(Map.of("model", "llama3.1:8b", "prompt", "why is the sky blue", "max_tokens", "64",
                "temperature", "0.2", "seed", "7"), "");

        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("echo: why is the sky blue");
        assertThat(r.resultHash()).isEqualTo(Receipts.resultHash("echo: why is the sky blue".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.effort()).contains(new EffortMetrics(5, 42, 1500, 8));
        var sent = ollama.generateRequests.get(0);
        assertThat(sent.get("stream").getAsBoolean()).isFalse();
        assertThat(sent.getAsJsonObject("options").get("num_predict").getAsLong()).isEqualTo(64);
        assertThat(sent.getAsJsonObject("options").get("seed").getAsLong()).isEqualTo(7);
        assertThat(sent.getAsJsonObject("options").get("temperature").getAsDouble()).isEqualTo(0.2);
    }

    @Test
    void takesThePayloadAsThePromptAndAsksTheModelSizeOnce() throws Exception {
        generate(Map.of("model", "big:70b"), "one two three");
        JobResult r = generate(Map.of("model", "big:70b"), "four five");

        assertThat(new String(r.output(), StandardCharsets.UTF_8)).isEqualTo("echo: four five");
        assertThat(r.effort()).hasValueSatisfying(m -> assertThat(m.modelParamsBillions()).isEqualTo(71));
        assertThat(ollama.showRequests).containsExactly("big:70b");
    }

    @Test
    void aModelTheServerLacksIsARetryableFailureNamingTheModel() {
        assertThatThrownBy(() -> generate(Map.of("model", "mistral:7b", "prompt", "hi"), ""))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(JobException.class)
                .hasMessageContaining("model 'mistral:7b' is not available on this node")
                .satisfies(e -> assertThat(((JobException) e).retryable()).isTrue());
    }

    @Test
    void anUnreachableServerIsARetryableFailureNamingIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (JavaJobRunner r = JavaJobRunner.builder().standardKinds(false)
                .handler(OllamaHandler.builder().url("http://127.0.0.1:" + port).build()).build()) {
            CompletableFuture<JobResult> f = r.submit(JobSpec.of(OllamaHandler.KIND, Map.of("model", "m", "prompt", "hi"),
                    new byte[0]));
            assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(JobException.class)
                    .hasMessageContaining("cannot connect to the Ollama server at http://127.0.0.1:" + port)
                    .satisfies(e -> assertThat(((JobException) e).retryable()).isTrue());
        }
    }

    @Test
    void refusesAJobWithoutAModelOrPromptBeforeCallingTheServer() {
        assertThatThrownBy(() -> generate(Map.of("prompt", "hi"), ""))
                .hasMessageContaining("params.model");
        assertThatThrownBy(() -> generate(Map.of("model", "llama3.1:8b"), ""))
                .hasMessageContaining("params.prompt");
        assertThat(ollama.generateRequests).isEmpty();
    }

    @Test
    void cancellingARunFreesItsWorkerForTheNextJob() throws Exception {
        CompletableFuture<JobResult> slow = runner.submit(JobSpec.of(OllamaHandler.KIND,
                Map.of("model", "slow", "prompt", "take your time"), new byte[0]));
        Await.until(WAIT, () -> !ollama.generateRequests.isEmpty(), () -> "request reached the server");

        slow.cancel(true);
        JobResult next = generate(Map.of("model", "llama3.1:8b", "prompt", "next"), "");

        assertThatThrownBy(slow::join).isInstanceOf(CancellationException.class);
        assertThat(new String(next.output(), StandardCharsets.UTF_8)).isEqualTo("echo: next");
    }

    @Test
    void feedsEffortSettlementWhenANodeServesItFromARelayer() throws Exception {
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        KeyPair keys = KeyPair.generate(new SecureRandom(), crypto);
        ContractAddress address = ContractAddress.parse("0x11a");
        try (ScriptedRelayer relayer = new ScriptedRelayer(0, Map.of(address, keys.publicKey()), 30);
                ProviderNode node = ProviderNode.builder().relayer(relayer.url()).account(address, keys)
                        .handler(OllamaHandler.builder().url(ollama.url()).build()).build()) {
            node.start();
            relayer.await(Messages.NodeRegister.class, WAIT);
            Await.until(WAIT, () -> node.status().state() == ProviderNode.State.READY, () -> "logged in");
            assertThat(node.capabilities().jobKinds()).containsExactly(OllamaHandler.KIND);

            relayer.send(new Messages.TaskAssigned(Messages.newId(), "llm-1", U256.of(12),
                    JobSpec.of(OllamaHandler.KIND, Map.of("model", "llama3.1:8b", "prompt", "a b c d e f g h i j"), null),
                    SettlementMode.EFFORT, TokenAmount.parseStrk("2"), System.currentTimeMillis() + 60_000));
            Messages.TaskCompleted done = relayer.await(Messages.TaskCompleted.class, WAIT);

            // score = 30*10 + 625*42/32 + 1500/5 + 2000 = 300 + 820 + 300 + 2000 = 3420 -> clamped to 10000 (1.0x)
            // cost = 0.1 STRK * 1.0 (basic) * 1.0 = 0.1 STRK
            assertThat(done.effort()).contains(new EffortMetrics(10, 42, 1500, 8));
            assertThat(done.actualCost()).contains(TokenAmount.parseStrk("0.1"));
            assertThat(crypto.verify(keys.publicKey(), Receipts.effortHash(crypto, U256.of(12), address, done.resultHash(),
                    TokenAmount.parseStrk("0.1")), done.signature())).isTrue();
        }
    }
}
