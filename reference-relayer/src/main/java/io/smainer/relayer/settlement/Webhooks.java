package io.smainer.relayer.settlement;

import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.client.WebhookSignature;
import io.smainer.internal.Require;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.intake.TaskIntake;
import io.smainer.relayer.store.TaskRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a task's outcome to its webhook: once SETTLED (with the result) or FAILED (with what to do).
 * Each POST carries {@link WebhookSignature#TIMESTAMP_HEADER} and {@link WebhookSignature#SIGNATURE_HEADER}
 * (HMAC-SHA256 over {@code "{timestamp}.{body}"} under the client's secret). A delivery that fails or
 * answers other than 2xx is retried with doubling delays, up to {@code maxAttempts}; each retry is
 * signed afresh. A task without a webhook, or whose client has no secret, gets none.
 */
public final class Webhooks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    /**
     * The JSON body of a webhook.
     *
     * @param event {@code task.settled} or {@code task.failed}
     * @param taskId the task
     * @param status its status
     * @param escrowId the escrow
     * @param result the result bytes (base64), once settled
     * @param resultHash their hash, once settled
     * @param settlementTx the settlement transaction, when known
     * @param error why it failed, and that the demander may cancel the escrow for a refund
     */
    public record Body(String event, String taskId, TaskStatus status, U256 escrowId, Optional<byte[]> result,
            Optional<Felt> resultHash, Optional<Felt> settlementTx, Optional<String> error) {
    }

    private final Map<String, String> secrets;
    private final int maxAttempts;
    private final Duration backoff;
    private final Clock clock;
    private final HttpClient http;
    private final ScheduledExecutorService retries;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile boolean closed;

    /**
     * @param secrets client id to webhook secret
     * @param maxAttempts deliveries tried
     * @param backoff the first retry delay
     * @param clock time (the signed timestamp)
     */
    public Webhooks(Map<String, String> secrets, int maxAttempts, Duration backoff, Clock clock) {
        this.secrets = Map.copyOf(secrets);
        this.maxAttempts = (int) Require.range("webhook.max_attempts", maxAttempts, 1, 100);
        this.backoff = Require.present("backoff", backoff);
        this.clock = Require.present("clock", clock);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhooks");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return deliveries answered 2xx */
    public long delivered() {
        return delivered.sum();
    }

    /** @return deliveries that failed (each attempt counts) */
    public long failures() {
        return failures.sum();
    }

    /**
     * @param t a task that just became SETTLED or FAILED
     */
    public void notify(TaskRecord t) {
        if (closed || t.webhookUrl().isEmpty()) {
            return;
        }
        String secret = secrets.get(TaskIntake.webhookClient(t.clientId(), t.demander()));
        if (secret == null) {
            return;
        }
        Body body = t.status() == TaskStatus.SETTLED
                ? new Body("task.settled", t.id(), t.status(), t.escrowId(), t.completion().map(c -> c.result()),
                        t.completion().map(c -> c.resultHash()), t.settlementTx(), Optional.empty())
                : new Body("task.failed", t.id(), t.status(), t.escrowId(), Optional.empty(), Optional.empty(),
                        Optional.empty(), t.error());
        deliver(URI.create(t.webhookUrl().get()), secret, CODEC.toJson(body), 1, t.id());
    }

    private void deliver(URI url, String secret, String json, int attempt, String taskId) {
        if (closed) {
            return;
        }
        long ts = clock.instant().getEpochSecond();
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, ts, json))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((res, err) -> {
            if (err == null && res.statusCode() / 100 == 2) {
                delivered.increment();
                return;
            }
            failures.increment();
            String why = err != null ? err.toString() : "HTTP " + res.statusCode();
            if (attempt >= maxAttempts) {
                LOG.warn("webhook for task {} to {} given up after {} attempts: {}", taskId, url.getHost(), attempt, why);
                return;
            }
            long delay = backoff.toMillis() << Math.min(attempt - 1, 20);
            LOG.debug("webhook for task {} failed ({}), retry {} in {} ms", taskId, why, attempt + 1, delay);
            try {
                retries.schedule(() -> deliver(url, secret, json, attempt + 1, taskId), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("webhooks closed; retry dropped");
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        retries.shutdownNow();
    }
}
