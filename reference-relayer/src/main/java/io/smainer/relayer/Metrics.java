package io.smainer.relayer;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.smainer.SmainerVersion;
import io.smainer.protocol.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Every metric of the relayer, declared once here, on the Prometheus Java client: counters that exist (at 0) from
 * start-up, totals read from other components as real counters ({@link CounterWithCallback}), latency histograms in
 * seconds, {@code smainer_build_info}, and the JVM, GC and process metrics of {@link JvmMetrics}. Served at
 * {@code GET /api/v1/metrics} in the Prometheus text format, or OpenMetrics when the scraper asks for it.
 *
 * <p>Components count through the typed methods; totals and levels that live elsewhere (the settler's batches, the
 * store's bytes) are bound once with the {@code bind...} methods and read at each scrape. Thread-safe.
 */
public final class Metrics {
    /** Seconds: from a few milliseconds to a minute (HTTP requests, long polls included). */
    private static final double[] HTTP_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
        30, 60};
    /** Seconds: a task's wait for a node, and its way to settlement (batching delays it by seconds to minutes). */
    private static final double[] TASK_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
        300, 600, 1800, 3600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    private final Counter tasksSubmitted = counter("smainer_tasks_submitted_total", "Tasks accepted by POST /tasks.");
    private final Counter tasksAssigned = counter("smainer_tasks_assigned_total", "Assignments made.");
    private final Counter tasksRequeued = counter("smainer_tasks_requeued_total", "Tasks sent back to the queue.");
    private final Counter tasksFailed = counter("smainer_tasks_failed_total", "Tasks failed.");
    private final Counter tasksRefusedBusy = counter("smainer_tasks_refused_busy_total", "POST /tasks refused with 503"
            + " relayer_busy: the tasks not finished held too many bytes (limits.max_queued_bytes).");
    private final Counter bodiesRefused = counter("smainer_http_bodies_refused_total", "Request bodies refused with 503"
            + " server_busy: the bytes of bodies in flight were at limits.body_bytes_in_flight (or its per-address bound).");
    private final Counter rateLimited = counter("smainer_http_rate_limited_total",
            "Requests refused with 429, by the limit that refused them.", "limit");
    private final Counter responses = counter("smainer_http_responses_total", "HTTP responses by status code.", "code");
    private final Counter accountChecks = counter("smainer_account_signature_checks_total", "Demander signatures checked"
            + " by asking the account contract (SNIP-6 is_valid_signature), by outcome.", "outcome");
    private final Counter wsLoginTimeouts = counter("smainer_ws_login_timeouts_total",
            "Connections closed for not logging in before their challenge expired.");
    private final Counter wsMalformed = counter("smainer_ws_malformed_total",
            "Malformed WebSocket messages (each closed its connection).");
    private final Counter wsMessages = counter("smainer_ws_messages_total", "WebSocket messages received by type.", "type");
    private final Counter wsLoginsRefused = counter("smainer_ws_logins_refused_total",
            "Logins refused before any check, by why.", "reason");
    private final Counter completions = counter("smainer_completions_total", "Completions received, by outcome.",
            "outcome");

    private final Histogram httpDuration = Histogram.builder().name("smainer_http_request_duration_seconds")
            .help("Time from a REST request's arrival to its answer (long polls included).")
            .classicOnly().classicUpperBounds(HTTP_BUCKETS).register(registry);
    private final Histogram assignmentLatency = Histogram.builder().name("smainer_task_assignment_latency_seconds")
            .help("Time from a task's submission to each of its assignments to a node.").classicOnly()
            .classicUpperBounds(TASK_BUCKETS).register(registry);
    private final Histogram settlementLatency = Histogram.builder().name("smainer_task_settlement_latency_seconds")
            .help("Time from a task's submission to its settlement on chain.").classicOnly()
            .classicUpperBounds(TASK_BUCKETS).register(registry);

    private final Source settlementBatches = new Source();
    private final Source settlementReverts = new Source();
    private final Source tasksSettled = new Source();
    private final Source webhooksDelivered = new Source();
    private final Source webhookFailures = new Source();
    private final Source queuedBytes = new Source();
    private final Source queuedBytesLimit = new Source();
    private final Source finishedBytes = new Source();
    private final Source finishedBytesLimit = new Source();
    private final Source bodyBytesInFlight = new Source();
    private final Source longPolls = new Source();
    private final Source longPollTimers = new Source();
    private final Source wsConnections = new Source();
    private final Source nodesOnline = new Source();
    private volatile ToLongFunction<TaskStatus> tasksByStatus = s -> 0;

    private final Source slashesInitiated = new Source();
    private final Source slashesExecuted = new Source();
    private final Source spotChecks = new Source();
    private final Source countCalls = new Source();
    private final CounterWithCallback[] staking = {
        totalOf("smainer_slashes_initiated_total", "Slashes this relayer initiated.", slashesInitiated),
        totalOf("smainer_slashes_executed_total", "Slashes this relayer executed.", slashesExecuted),
        totalOf("smainer_spot_checks_total", "Results recomputed by the staking spot check.", spotChecks),
        totalOf("smainer_active_task_count_calls_total", "Active-task count calls sent in settlement batches.", countCalls),
    };

    /** A registry with every relayer metric at zero, the build info and the JVM metrics. */
    public Metrics() {
        register(totalOf("smainer_settlement_batches_total", "Settlement transactions sent.", settlementBatches));
        register(totalOf("smainer_settlement_reverts_total", "Settlement batches the contract reverted.",
                settlementReverts));
        register(totalOf("smainer_tasks_settled_total", "Tasks settled on chain.", tasksSettled));
        register(totalOf("smainer_webhooks_delivered_total", "Webhooks answered 2xx.", webhooksDelivered));
        register(totalOf("smainer_webhook_failures_total", "Webhook attempts that failed.", webhookFailures));
        level("smainer_queued_bytes", "Payload and result bytes of the tasks not finished, in the store.", queuedBytes);
        level("smainer_queued_bytes_limit", "limits.max_queued_bytes.", queuedBytesLimit);
        level("smainer_finished_bytes", "Payload and result bytes of the finished tasks the store holds.", finishedBytes);
        level("smainer_finished_bytes_limit", "store.max_finished_bytes.", finishedBytesLimit);
        level("smainer_http_body_bytes_in_flight", "Request body bytes being received.", bodyBytesInFlight);
        level("smainer_http_long_polls", "GET /tasks/{id}?wait_ms= requests waiting.", longPolls);
        level("smainer_http_long_poll_timers", "Timers of long polls still scheduled (cancelled when the task ends"
                + " first).", longPollTimers);
        level("smainer_ws_connections", "Open provider WebSocket connections.", wsConnections);
        level("smainer_nodes_online", "Provider nodes logged in to this relayer.", nodesOnline);
        GaugeWithCallback.builder().name("smainer_tasks").help("Tasks by status in the store: held now,"
                + " except settled and failed, which count every task that reached them.")
                .labelNames("status").callback(cb -> {
                    for (TaskStatus s : TaskStatus.values()) {
                        cb.call(tasksByStatus.applyAsLong(s), s.name().toLowerCase(Locale.ROOT));
                    }
                }).register(registry);
        Info.builder().name("smainer_build_info").help("The relayer's version.").labelNames("version").register(registry)
                .setLabelValues(SmainerVersion.current());
        for (String outcome : new String[] {"accepted", "refused", "none", "unavailable", "unsupported"}) {
            accountChecks.initLabelValues(outcome);
        }
        for (String limit : new String[] {"submit_ip", "ip", "key", "addr"}) {
            rateLimited.initLabelValues(limit);
        }
        for (String outcome : new String[] {"recorded", "duplicate", "rejected"}) {
            completions.initLabelValues(outcome);
        }
        JvmMetrics.builder().register(registry);
    }

    /** A total or level another component keeps, read at each scrape; 0 until bound. */
    private static final class Source {
        private volatile LongSupplier value = () -> 0;

        long get() {
            return value.getAsLong();
        }
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    private static CounterWithCallback totalOf(String name, String help, Source source) {
        return CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(source.get())).build();
    }

    private void register(CounterWithCallback total) {
        registry.register(total);
    }

    private void level(String name, String help, Source source) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(source.get())).register(registry);
    }

    /** A task was accepted by {@code POST /tasks}. */
    public void taskSubmitted() {
        tasksSubmitted.inc();
    }

    /**
     * A task was assigned to a node.
     *
     * @param sinceSubmitMillis milliseconds since its submission
     */
    public void taskAssigned(long sinceSubmitMillis) {
        tasksAssigned.inc();
        assignmentLatency.observe(Math.max(0, sinceSubmitMillis) / 1000.0);
    }

    /** A task went back to the queue. */
    public void taskRequeued() {
        tasksRequeued.inc();
    }

    /** A task failed. */
    public void taskFailed() {
        tasksFailed.inc();
    }

    /**
     * A task was settled on chain.
     *
     * @param sinceSubmitMillis milliseconds since its submission
     */
    public void taskSettled(long sinceSubmitMillis) {
        settlementLatency.observe(Math.max(0, sinceSubmitMillis) / 1000.0);
    }

    /** {@code POST /tasks} was refused with {@code relayer_busy}. */
    public void submitRefusedBusy() {
        tasksRefusedBusy.inc();
    }

    /** A request body was refused with {@code server_busy}. */
    public void bodyRefused() {
        bodiesRefused.inc();
    }

    /** @param limit the rate limit that refused a request with 429 */
    public void rateLimited(String limit) {
        rateLimited.labelValues(limit).inc();
    }

    /**
     * A REST answer.
     *
     * @param status its status code
     * @param nanos the time since the request arrived
     */
    public void response(int status, long nanos) {
        responses.labelValues(Integer.toString(status)).inc();
        httpDuration.observe(Math.max(0, nanos) / 1e9);
    }

    /** @param outcome how an account's SNIP-6 signature check ended */
    public void accountCheck(String outcome) {
        accountChecks.labelValues(outcome).inc();
    }

    /** A WebSocket was closed for not logging in. */
    public void wsLoginTimeout() {
        wsLoginTimeouts.inc();
    }

    /** A malformed WebSocket message closed its connection. */
    public void wsMalformed() {
        wsMalformed.inc();
    }

    /** @param type the type of a WebSocket message received */
    public void wsMessage(String type) {
        wsMessages.labelValues(type).inc();
    }

    /** @param reason why a login was refused before any check */
    public void wsLoginRefused(String reason) {
        wsLoginsRefused.labelValues(reason).inc();
    }

    /** @param outcome how a completion ended ({@code recorded}, {@code duplicate}, {@code rejected}) */
    public void completion(String outcome) {
        completions.labelValues(outcome).inc();
    }

    /**
     * @param batches settlement transactions sent
     * @param reverts batches the contract reverted
     * @param settled tasks settled
     */
    public void bindSettlement(LongSupplier batches, LongSupplier reverts, LongSupplier settled) {
        settlementBatches.value = batches;
        settlementReverts.value = reverts;
        tasksSettled.value = settled;
    }

    /**
     * @param delivered webhooks answered 2xx
     * @param failures attempts that failed
     */
    public void bindWebhooks(LongSupplier delivered, LongSupplier failures) {
        webhooksDelivered.value = delivered;
        webhookFailures.value = failures;
    }

    /**
     * @param queued bytes of the tasks not finished
     * @param queuedLimit their limit
     * @param finished bytes of the finished tasks held
     * @param finishedLimit their limit
     * @param byStatus tasks held by status
     */
    public void bindStore(LongSupplier queued, LongSupplier queuedLimit, LongSupplier finished, LongSupplier finishedLimit,
            ToLongFunction<TaskStatus> byStatus) {
        queuedBytes.value = queued;
        queuedBytesLimit.value = queuedLimit;
        finishedBytes.value = finished;
        finishedBytesLimit.value = finishedLimit;
        tasksByStatus = byStatus;
    }

    /**
     * @param bodyBytes request body bytes being received
     * @param polls long polls waiting
     * @param pollTimers long-poll timers scheduled
     */
    public void bindHttp(LongSupplier bodyBytes, LongSupplier polls, LongSupplier pollTimers) {
        bodyBytesInFlight.value = bodyBytes;
        longPolls.value = polls;
        longPollTimers.value = pollTimers;
    }

    /**
     * @param connections open provider WebSockets
     * @param online nodes logged in
     */
    public void bindGateway(LongSupplier connections, LongSupplier online) {
        wsConnections.value = connections;
        nodesOnline.value = online;
    }

    /**
     * Adds the staking policy's totals (registered only when the policy is on).
     *
     * @param initiated slashes initiated
     * @param executed slashes executed
     * @param checks spot checks
     * @param calls active-task count calls in settlement batches
     */
    public void bindStaking(LongSupplier initiated, LongSupplier executed, LongSupplier checks, LongSupplier calls) {
        slashesInitiated.value = initiated;
        slashesExecuted.value = executed;
        spotChecks.value = checks;
        countCalls.value = calls;
        for (CounterWithCallback c : staking) {
            register(c);
        }
    }

    /**
     * The scrape in the format an {@code Accept} header asks for: OpenMetrics 1.0 when it names
     * {@code application/openmetrics-text}, else the Prometheus text format 0.0.4.
     *
     * @param accept the scraper's {@code Accept} header, or null
     * @return the content type and the body
     */
    public Scrape scrape(String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) { // the protobuf format needs a module the relayer does not ship
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), out.toByteArray());
    }

    /**
     * One scrape.
     *
     * @param contentType its content type
     * @param body its bytes
     */
    public record Scrape(String contentType, byte[] body) {
    }

    /**
     * The value of a counter or gauge series now.
     *
     * @param name the metric's name (a counter's with or without {@code _total})
     * @param labels label names and values, alternating
     * @return its value, 0 when there is no such series
     */
    public double value(String name, String... labels) {
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        Labels wanted = Labels.of(labels);
        for (MetricSnapshot m : registry.scrape()) {
            if (!m.getMetadata().getName().equals(base) && !m.getMetadata().getName().equals(name)) {
                continue;
            }
            for (DataPointSnapshot p : m.getDataPoints()) {
                if (p.getLabels().equals(wanted)) {
                    if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
                        return c.getValue();
                    }
                    if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
                        return g.getValue();
                    }
                }
            }
        }
        return 0;
    }
}
