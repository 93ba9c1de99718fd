package io.smainer.relayer.settlement;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.SmainerVersion;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.client.WebhookSignature;
import io.smainer.concurrent.Loop;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.intake.TaskIntake;
import io.smainer.relayer.store.GuardedStore;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.store.TaskStore;
import io.smainer.relayer.store.WebhookDelivery;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a task's outcome to its webhook: once SETTLED (with the result) or FAILED (with what to do).
 * Each POST carries {@link WebhookSignature#TIMESTAMP_HEADER} and {@link WebhookSignature#SIGNATURE_HEADER}
 * (HMAC-SHA256 over {@code "{timestamp}.{body}"} under the client's secret). A delivery that fails or
 * answers other than 2xx is retried with doubling delays, up to {@code maxAttempts}; each retry is
 * signed afresh. A task without a webhook, or whose client has no secret, gets none.
 *
 * <p>The retry schedule lives in the {@link TaskStore}, not in memory: a webhook is added once per task,
 * each attempt is claimed from the store with a lease before it is sent ({@link TaskStore#claimWebhook}),
 * and the outcome moves it on ({@link TaskStore#retryWebhook}, {@link TaskStore#finishWebhook}). On a
 * Redis store a restarted relayer resumes the pending retries, and relayers sharing the store never send
 * the same attempt twice. A relayer that dies in the middle of a delivery leaves its claim to run out
 * ({@link #DEFAULT_CLAIM_LEASE}); that attempt then counts as failed and the next one is claimed by whoever
 * polls first. Delivery is at least once: a receiver that answered 2xx to a relayer that died before
 * recording it sees the webhook again (the body's {@code task_id} identifies it).
 *
 * <p>Destinations are checked by {@link WebhookDestinations}: by default no webhook reaches a loopback, private,
 * link-local or unspecified address, whatever its URL's host name resolves to at delivery; redirects are not
 * followed (a 3xx answer is a failed attempt).
 *
 * <p>Due webhooks are polled every {@code pollInterval} (and at once after a notify, or when a retry this
 * relayer scheduled comes due). {@link #start()} starts polling; {@link #close()} stops it (idempotent).
 */
public final class Webhooks implements AutoCloseable {
    /** How often the store is asked for due webhooks, besides the timers of this relayer's own retries. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    /** How long a claimed attempt is held: more than one delivery may take (5 s connect + 10 s answer). */
    public static final Duration DEFAULT_CLAIM_LEASE = Duration.ofSeconds(30);
    /** On start, tasks that ended this recently without a webhook record get one (see {@link #start()}). */
    public static final Duration CATCH_UP_WINDOW = Duration.ofHours(1);
    /** The newest tasks looked at on start for {@link #CATCH_UP_WINDOW}. */
    static final int CATCH_UP_TASKS = 2_000;
    /** Due webhooks taken per poll. */
    private static final int POLL_BATCH = 64;

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
    private final TaskStore store;
    private final String owner;
    private final Duration pollInterval;
    private final Duration claimLease;
    private final HttpClient http;
    private final Loop timer;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param secrets client id to webhook secret
     * @param maxAttempts deliveries tried
     * @param backoff the first retry delay
     * @param clock time (the signed timestamp, due times)
     * @param store where pending webhooks and their claims live
     * @param relayerName this relayer's name (claims are held by it, with a random suffix per instance)
     * @param destinations where webhooks may go
     */
    public Webhooks(Map<String, String> secrets, int maxAttempts, Duration backoff, Clock clock, TaskStore store,
            String relayerName, WebhookDestinations destinations) {
        this(secrets, maxAttempts, backoff, clock, store, relayerName, DEFAULT_POLL_INTERVAL, DEFAULT_CLAIM_LEASE,
                destinations);
    }

    /**
     * @param secrets client id to webhook secret
     * @param maxAttempts deliveries tried
     * @param backoff the first retry delay
     * @param clock time (the signed timestamp, due times)
     * @param store where pending webhooks and their claims live
     * @param relayerName this relayer's name
     * @param pollInterval how often the store is asked for due webhooks
     * @param claimLease how long a claimed attempt is held
     * @param destinations where webhooks may go
     */
    public Webhooks(Map<String, String> secrets, int maxAttempts, Duration backoff, Clock clock, TaskStore store,
            String relayerName, Duration pollInterval, Duration claimLease, WebhookDestinations destinations) {
        this.secrets = Map.copyOf(secrets);
        this.maxAttempts = (int) Require.range("webhook.max_attempts", maxAttempts, 1, 100);
        this.backoff = Require.present("backoff", backoff);
        this.clock = Require.present("clock", clock);
        this.store = Require.present("store", store);
        this.owner = Require.text("relayer", relayerName, 64) + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.pollInterval = Require.present("poll_interval", pollInterval);
        this.claimLease = Require.present("claim_lease", claimLease);
        if (pollInterval.isNegative() || pollInterval.isZero() || claimLease.compareTo(Duration.ofSeconds(16)) < 0) {
            throw new InvalidFieldException("claim_lease", "a positive poll interval and a lease of at least"
                    + " 16 s (one delivery's connect and answer timeouts)", pollInterval + ", " + claimLease);
        }
        this.http = httpClient(Require.present("destinations", destinations));
        this.timer = Loop.named("webhooks"); // close() waits only for a poll in progress
    }

    /** Jetty's client: it connects to the addresses the destinations' resolver passed, and follows no redirect. */
    private static HttpClient httpClient(WebhookDestinations destinations) {
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName("webhooks-http");
        threads.setDaemon(true);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("webhooks-http-timer", true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(scheduler);
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, SmainerVersion.userAgent("smainer-relayer")));
        client.setConnectTimeout(5_000);
        client.setSocketAddressResolver(destinations.resolver(new SocketAddressResolver.Async(threads, scheduler, 5_000)));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the webhook HTTP client could not start: " + e.getMessage(), e);
        }
        return client;
    }

    /**
     * Starts polling the store for due webhooks (those a previous run left included). First it catches up:
     * among the {@value #CATCH_UP_TASKS} newest tasks, one that became SETTLED or FAILED within
     * {@link #CATCH_UP_WINDOW} and has no webhook record gets one (a relayer that died between settling a task
     * and adding its webhook); a task that had one is not notified again. Idempotent.
     */
    public void start() {
        if (started.compareAndSet(false, true) && !closed.get()) {
            if (!timer.post(this::catchUp) || timer.every(this::poll, Duration.ZERO, pollInterval) == null) {
                LOG.debug("webhooks closed before they started");
            }
        }
    }

    /** @return deliveries answered 2xx */
    public long delivered() {
        return delivered.sum();
    }

    /** @return deliveries that failed (each attempt counts) */
    public long failures() {
        return failures.sum();
    }

    /** @return who this instance's claims are held by */
    public String owner() {
        return owner;
    }

    /**
     * Schedules the task's webhook (once per task) and polls at once.
     *
     * @param t a task that just became SETTLED or FAILED
     */
    public void notify(TaskRecord t) {
        if (closed.get() || t.webhookUrl().isEmpty() || secretFor(t).isEmpty()) {
            return;
        }
        try {
            if (store.addWebhook(t.id(), clock.instant())) {
                pollSoon(0);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not schedule the webhook of task {}: {}", t.id(), e.toString());
        }
    }

    private void catchUp() {
        long since = clock.millis() - CATCH_UP_WINDOW.toMillis();
        int added = 0;
        try {
            for (TaskRecord t : store.recentTasks(CATCH_UP_TASKS)) {
                boolean ended = t.status() == TaskStatus.SETTLED || t.status() == TaskStatus.FAILED;
                if (ended && t.updatedAtMillis() >= since && t.webhookUrl().isPresent() && secretFor(t).isPresent()
                        && store.addWebhook(t.id(), clock.instant())) {
                    added++;
                }
            }
        } catch (RuntimeException e) {
            if (!closed.get()) {
                LOG.warn("catching up on webhooks failed: {}", e.toString());
            }
        }
        if (added > 0) {
            LOG.info("{} webhook(s) of tasks that ended without one were scheduled", added);
        }
    }

    private Optional<String> secretFor(TaskRecord t) {
        return Optional.ofNullable(secrets.get(TaskIntake.webhookClient(t.clientId(), t.demander())));
    }

    private void pollSoon(long delayMillis) {
        if (closed.get()) {
            return;
        }
        if (timer.schedule(this::poll, Duration.ofMillis(delayMillis)) == null) {
            LOG.debug("webhooks closed; poll dropped");
        }
    }

    /** Claims what is due and sends it; runs on the webhook thread only. */
    private void poll() {
        if (closed.get()) {
            return;
        }
        try {
            for (String taskId : store.dueWebhooks(POLL_BATCH)) {
                if (closed.get()) {
                    return;
                }
                store.claimWebhook(taskId, owner, claimLease).ifPresent(this::deliver);
            }
        } catch (RuntimeException e) {
            if (closed.get()) {
                return;
            }
            if (GuardedStore.isOutage(e)) { // logged once per outage by GuardedStore; the next poll tries again
                LOG.debug("polling due webhooks failed: {}", e.toString());
            } else {
                LOG.warn("polling due webhooks failed: {}", e.toString());
            }
        }
    }

    private void deliver(WebhookDelivery claimed) {
        Optional<TaskRecord> found = store.task(claimed.taskId());
        Optional<String> secret = found.flatMap(this::secretFor);
        if (found.isEmpty() || found.get().webhookUrl().isEmpty() || secret.isEmpty()) {
            LOG.warn("webhook for task {} dropped: the task, its webhook URL or its client's secret is gone",
                    claimed.taskId());
            store.finishWebhook(claimed);
            return;
        }
        if (claimed.attempt() > maxAttempts) {
            LOG.warn("webhook for task {} given up after {} attempts", claimed.taskId(), maxAttempts);
            store.finishWebhook(claimed);
            return;
        }
        TaskRecord t = found.get();
        URI url = URI.create(t.webhookUrl().get());
        String json = CODEC.toJson(body(t));
        long ts = clock.instant().getEpochSecond();
        try {
            http.newRequest(url).method(HttpMethod.POST).timeout(10, TimeUnit.SECONDS)
                    .headers(h -> h.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
                            .put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret.get(), ts, json)))
                    .body(new StringRequestContent("application/json", json))
                    .send(r -> settled(claimed, url, r.getResponse() == null ? 0 : r.getResponse().getStatus(),
                            r.getFailure()));
        } catch (RuntimeException e) {
            settled(claimed, url, 0, e);
        }
    }

    private static Body body(TaskRecord t) {
        return t.status() == TaskStatus.SETTLED
                ? new Body("task.settled", t.id(), t.status(), t.escrowId(), t.completion().map(c -> c.result()),
                        t.completion().map(c -> c.resultHash()), t.settlementTx(), Optional.empty())
                : new Body("task.failed", t.id(), t.status(), t.escrowId(), Optional.empty(), Optional.empty(),
                        Optional.empty(), t.error());
    }

    /** One attempt's outcome, recorded in the store (on an HTTP client thread). */
    private void settled(WebhookDelivery claimed, URI url, int status, Throwable err) {
        try {
            if (err == null && status / 100 == 2) {
                delivered.increment();
                if (!store.finishWebhook(claimed)) {
                    LOG.warn("webhook for task {} delivered (attempt {}) after its claim ran out", claimed.taskId(),
                            claimed.attempt());
                }
                return;
            }
            failures.increment();
            String why = err != null ? err.toString() : "HTTP " + status;
            if (claimed.attempt() >= maxAttempts) {
                LOG.warn("webhook for task {} to {} given up after {} attempts: {}", claimed.taskId(), url.getHost(),
                        claimed.attempt(), why);
                store.finishWebhook(claimed);
                return;
            }
            long delay = backoff.toMillis() << Math.min(claimed.attempt() - 1, 20);
            LOG.debug("webhook for task {} failed ({}), attempt {} in {} ms", claimed.taskId(), why, claimed.attempt() + 1,
                    delay);
            if (store.retryWebhook(claimed, clock.instant().plusMillis(delay))) {
                pollSoon(delay);
            }
        } catch (RuntimeException e) {
            // the store is gone (closing): the claim runs out and the attempt is taken again, as after a crash
            LOG.debug("recording the webhook attempt of task {} failed: {}", claimed.taskId(), e.toString());
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("stopping the webhook HTTP client failed: {}", e.toString());
        }
        // a poll in progress finishes its store command (an interrupted one may still have run on the server)
        timer.close(Duration.ofSeconds(2));
    }
}
