package io.smainer.relayer.it;

import static io.smainer.relayer.it.LocalNetwork.caps;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.client.WebhookSignature;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import io.smainer.relayer.RedisServer;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.settlement.WebhookDestinations;
import io.smainer.relayer.settlement.Webhooks;
import io.smainer.relayer.store.RedisStore;
import io.smainer.relayer.store.RelayerStore;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhook retries kept in a real {@code redis-server}: a relayer stopped between two attempts is started again
 * and finishes the retries, and two relayers sharing the Redis never send the same attempt; the receiver is a
 * real HTTP server on port 0 and checks every signature.
 */
class WebhookRetriesIT {
    private static final String SECRET = "a-webhook-secret-of-the-demander";
    private static final Pattern TASK_ID = Pattern.compile("\"task_id\":\"([^\"]+)\"");
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RedisServer redis;

    private final List<AutoCloseable> open = new ArrayList<>();

    /** One webhook POST as the receiver saw it. */
    private record Delivery(String taskId, String body, int answered, boolean signatureValid) {
    }

    @BeforeAll
    static void startRedis() throws IOException {
        if (RedisServer.executable().isEmpty()) {
            System.out.println("WebhookRetriesIT skipped: redis-server is not on the PATH (apt-get install redis-server)");
        }
        Assumptions.assumeTrue(RedisServer.executable().isPresent(), "redis-server is not on the PATH");
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A receiver that answers each POST with {@code answer(n)} for the n-th POST of its task (from 1). */
    private List<Delivery> receiver(IntPredicate fails, int[] port) throws IOException {
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> perTask = new ConcurrentHashMap<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = TASK_ID.matcher(body);
            String taskId = m.find() ? m.group(1) : "?";
            int n = perTask.computeIfAbsent(taskId, k -> new AtomicInteger()).incrementAndGet();
            int status = fails.test(n) ? 503 : 204;
            boolean valid = WebhookSignature.verify(SECRET, ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                    body, ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER), Instant.now(),
                    WebhookSignature.DEFAULT_WINDOW);
            got.add(new Delivery(taskId, body, status, valid));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        hook.start();
        open.add(() -> hook.stop(0));
        port[0] = hook.getAddress().getPort();
        return got;
    }

    private RedisStore view(String prefix) {
        RedisStore s = RedisStore.builder().uri(redis.uri()).prefix(prefix).build();
        open.add(s);
        return s;
    }

    @Test
    void aRelayerStoppedBetweenAttemptsIsRestartedAndDeliversTheWebhookExactlyOnce() throws Exception {
        int[] port = new int[1];
        List<Delivery> got = receiver(n -> n <= 2, port); // the first two attempts fail
        String prefix = "webhooks" + PREFIXES.incrementAndGet() + ":";
        Map<String, String> settings = new HashMap<>();
        settings.put("redis.uri", redis.uri());
        settings.put("redis.prefix", prefix);
        settings.put("webhook_secrets", LocalNetwork.DEMANDER.hex() + ":" + SECRET);
        settings.put("webhook.initial_backoff_millis", "3000");
        settings.put("webhook.max_attempts", "5");
        LocalNetwork net = new LocalNetwork(settings);
        open.add(net);
        net.online(1, caps(1), TestProvider.Behaviour.HONEST);
        SmainerClient client = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(net.demanderKey).chainId(ChainId.LOCAL).build();
        open.add(client);
        JobSpec job = JobSpec.of("echo", Map.of(), "hooked".getBytes(StandardCharsets.UTF_8));
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        String taskId = client.submit(funded.escrowId(), job, SettlementMode.FLAT,
                Optional.of("http://127.0.0.1:" + port[0] + "/hook")).taskId();

        RedisStore view = view(prefix);
        Await.until(Duration.ofSeconds(20), () -> got.size() == 1 && view.webhook(taskId)
                .map(w -> w.attempt() == 2 && w.owner().isEmpty()).orElse(false), () -> "the first attempt failed: " + got);
        net.relayer.close(); // stopped before the second attempt is due (3 s after the first)
        RelayerStore.WebhookState pending = view.webhook(taskId).orElseThrow();
        assertThat(got).hasSize(1);
        assertThat(pending.attempt()).isEqualTo(2);
        assertThat(pending.owner()).isEmpty();
        assertThat(pending.finished()).isFalse();

        Relayer restarted = Relayer.builder().config(net.relayer.config()).escrow(net.ledger.client(LocalNetwork.RELAYER))
                .crypto(net.crypto).build().start();
        open.add(restarted);
        Await.until(Duration.ofSeconds(30), () -> view.webhook(taskId).map(RelayerStore.WebhookState::finished).orElse(false),
                () -> "the webhook finished after the restart: " + got);

        assertThat(got).extracting(Delivery::answered).containsExactly(503, 503, 204);
        assertThat(got).allSatisfy(d -> {
            assertThat(d.taskId()).isEqualTo(taskId);
            assertThat(d.signatureValid()).as("HMAC of " + d.body()).isTrue();
            assertThat(d.body()).contains("\"event\":\"task.settled\"")
                    .contains(Base64.getEncoder().encodeToString(job.payload()));
        });
        assertThat(view.webhook(taskId).orElseThrow().attempt()).isEqualTo(3);
        assertThat(view.dueWebhooks(10)).isEmpty();
    }

    @Test
    void twoRelayersOnOneRedisNeverSendTheSameAttempt() throws Exception {
        int[] port = new int[1];
        List<Delivery> got = receiver(n -> n == 1, port); // each task's first attempt fails, its second succeeds
        String prefix = "webhooks" + PREFIXES.incrementAndGet() + ":";
        RedisStore a = view(prefix);
        RedisStore b = view(prefix);
        ContractAddress demander = ContractAddress.of(0xd0);
        Map<String, String> secrets = Map.of(demander.hex(), SECRET);
        // a short poll and the shortest lease: both relayers race for every due attempt
        Webhooks first = new Webhooks(secrets, 5, Duration.ofMillis(100), Clock.systemUTC(), a, "relayer-a",
                Duration.ofMillis(5), Duration.ofSeconds(16),
                WebhookDestinations.of(true));
        Webhooks second = new Webhooks(secrets, 5, Duration.ofMillis(100), Clock.systemUTC(), b, "relayer-b",
                Duration.ofMillis(5), Duration.ofSeconds(16),
                WebhookDestinations.of(true));
        open.add(first);
        open.add(second);
        first.start();
        second.start();
        int tasks = 40;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            TaskRecord t = ((RelayerStore.Created) a.create(TaskRecord.pending("hook-" + i, U256.of(1000 + i), demander,
                    JobSpec.of("echo", Map.of(), new byte[] {(byte) i}), SettlementMode.FLAT, TokenAmount.ofBaseUnits(1000),
                    TokenAmount.ofBaseUnits(1000), Tier.BASIC.defaultMultiplier(), Tier.BASIC,
                    Optional.of("http://127.0.0.1:" + port[0] + "/hook"), Optional.empty(), 1))).task();
            TaskRecord failed = t.failed("no node could run it", 2);
            assertThat(a.replace(t, failed)).isTrue();
            ids.add(failed.id());
            // both relayers hear of it, as when each saw the failure
            first.notify(failed);
            second.notify(failed);
        }

        Await.until(Duration.ofSeconds(30), () -> ids.stream().allMatch(id -> a.webhook(id)
                .map(RelayerStore.WebhookState::finished).orElse(false)), () -> "every webhook finished: " + got.size());

        assertThat(got).hasSize(2 * tasks);
        for (String id : ids) {
            assertThat(got.stream().filter(d -> d.taskId().equals(id)).map(Delivery::answered).toList())
                    .as("deliveries of " + id).containsExactly(503, 204);
            assertThat(a.webhook(id).orElseThrow().attempt()).isEqualTo(2);
        }
        assertThat(got).allSatisfy(d -> assertThat(d.signatureValid()).isTrue());
        assertThat(first.delivered() + second.delivered()).isEqualTo(tasks);
        assertThat(first.failures() + second.failures()).isEqualTo(tasks);
    }

    @Test
    void aTaskThatEndedWithoutItsWebhookRecordGetsOneWhenARelayerStarts() throws Exception {
        int[] port = new int[1];
        List<Delivery> got = receiver(n -> false, port);
        String prefix = "webhooks" + PREFIXES.incrementAndGet() + ":";
        RedisStore store = view(prefix);
        ContractAddress demander = ContractAddress.of(0xd1);
        // as if a relayer died between recording the failure and adding the webhook
        TaskRecord t = ((RelayerStore.Created) store.create(TaskRecord.pending("orphan", U256.of(77), demander,
                JobSpec.of("echo", Map.of(), new byte[] {7}), SettlementMode.FLAT, TokenAmount.ofBaseUnits(1000),
                TokenAmount.ofBaseUnits(1000), Tier.BASIC.defaultMultiplier(), Tier.BASIC,
                Optional.of("http://127.0.0.1:" + port[0] + "/hook"), Optional.empty(), System.currentTimeMillis()))).task();
        assertThat(store.replace(t, t.failed("no node could run it", System.currentTimeMillis()))).isTrue();
        assertThat(store.webhook("orphan")).isEmpty();

        Webhooks restarted = new Webhooks(Map.of(demander.hex(), SECRET), 3, Duration.ofMillis(100), Clock.systemUTC(),
                store, "relayer-c", WebhookDestinations.of(true));
        open.add(restarted);
        restarted.start();
        Await.until(Duration.ofSeconds(10), () -> store.webhook("orphan").map(RelayerStore.WebhookState::finished)
                .orElse(false), () -> "the orphan's webhook finished: " + got);
        Webhooks again = new Webhooks(Map.of(demander.hex(), SECRET), 3, Duration.ofMillis(100), Clock.systemUTC(),
                store, "relayer-d", WebhookDestinations.of(true));
        open.add(again);
        again.start();
        again.notify(store.task("orphan").orElseThrow());

        // the record is finished, so neither the second start's catch-up nor a notify adds another
        assertThat(store.webhook("orphan")).contains(new RelayerStore.WebhookState(1,
                store.webhook("orphan").orElseThrow().dueAtMillis(), Optional.empty(), true));
        assertThat(store.addWebhook("orphan", Instant.now())).isFalse();
        assertThat(got).hasSize(1);
        assertThat(got.get(0).signatureValid()).isTrue();
        assertThat(got.get(0).body()).contains("\"event\":\"task.failed\"").contains("no node could run it");
        assertThat(store.dueWebhooks(10)).isEmpty();
    }
}
