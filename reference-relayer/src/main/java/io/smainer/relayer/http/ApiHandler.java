package io.smainer.relayer.http;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.AccountSignature;
import io.smainer.crypto.Snip12;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.Escrow;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Quote;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.Metrics;
import io.smainer.relayer.RelayerConfig;
import io.smainer.relayer.intake.DemanderSignatures;
import io.smainer.relayer.intake.RelayerBusyException;
import io.smainer.relayer.intake.RequestRejectedException;
import io.smainer.relayer.intake.TaskIntake;
import io.smainer.relayer.scheduling.Scheduler;
import io.smainer.relayer.scheduling.Waiting;
import io.smainer.relayer.staking.SealedDisputes;
import io.smainer.relayer.store.GuardedStore;
import io.smainer.relayer.store.NodeDirectory;
import io.smainer.relayer.store.NodeRecord;
import io.smainer.relayer.store.SignalBus;
import io.smainer.relayer.store.StoreUnavailableException;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.store.TaskStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /api/v1} (see {@code docs/openapi.yaml}). Every error goes through
 * {@link ErrorTable}. A task's details and result are its demander's: they are read with the demander's SNIP-12
 * read signature ({@link SmainerClient#READ_SIGNATURE_HEADER}), the key of the API client that submitted it, or an
 * operator's key ({@code operator_clients}); anyone else learns its status only. Lists of tasks are the operator's.
 * A {@code POST /tasks} body is read without holding a thread ({@link BodyReader}), within
 * {@code limits.body_read_timeout_millis}, and only while the bytes of bodies in flight stay within
 * {@link BodyBudget} (else 503 {@code server_busy}). Requests count against a rate limit per API client (or demander address for
 * {@code POST /tasks}, or client address, see {@link ClientAddresses}); a {@code POST /tasks} without an API
 * key counts first against its own limit per client address ({@code limits.ip_rate_per_second}), before
 * anything is read or asked of the chain; bodies above the limit are refused with 413.
 */
public final class ApiHandler extends Handler.Abstract {
    /** The API's base path. */
    public static final String BASE = "/api/v1";
    /** The longest a {@code GET /tasks/{id}?wait_ms=} waits. */
    public static final long MAX_WAIT_MILLIS = 60_000;
    /** Read proofs remembered at most. */
    private static final int MAX_READ_PROOFS = 100_000;

    /** The most body bytes read and dropped to keep the connection of a request refused before its body was read. */
    static final int DRAINED_BODY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final ProtocolCodec CODEC = ProtocolCodec.create();
    /** The chain's outage is logged at most once this often. */
    private static final Duration OUTAGE_LOG_EVERY = Duration.ofSeconds(30);
    /**
     * The challenges a 401 carries: an API key as a bearer token (or {@code X-Api-Key}), or a demander's SNIP-12
     * read signature in {@code X-Smainer-Read-Signature} and {@code X-Smainer-Read-Expires}.
     */
    static final String WWW_AUTHENTICATE = "Bearer realm=\"smainer\", Smainer-Read-Signature realm=\"smainer\"";

    private final RelayerConfig config;
    private final TaskStore store;
    private final NodeDirectory directory;
    private final TaskIntake intake;
    private final Scheduler scheduler;
    private final Escrow escrow;
    private final Metrics metrics;
    private final Clock clock;
    private final ClientLimits limits;
    private final ClientAddresses clients;
    private final TaskWaiters waiters;
    private final ScheduledExecutorService timers;
    private final Map<String, LongSupplier> statsSources;
    /** When the chain's outage was last logged, and the requests it refused since. */
    private final AtomicLong chainLoggedAt = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicLong chainRefused = new AtomicLong();
    private final long startedMillis;
    private final Map<Tier, Map.Entry<BasisPoints, Long>> multipliers = new ConcurrentHashMap<>();
    private final DemanderSignatures signatures;
    private final Waiting waiting;
    private final SealedDisputes disputes;
    private final Snip12.Domain domain;
    private final BodyBudget budget;
    private final AtomicInteger longPolls = new AtomicInteger();
    /** Read proofs checked, until they expire: a client's long polls reuse one, which costs one account check. */
    private final Map<String, Long> readProofs = new ConcurrentHashMap<>();
    private final AtomicInteger longPollTimers = new AtomicInteger();
    private volatile boolean draining;

    /**
     * @param config settings (limits, API keys)
     * @param store the store: tasks, nodes, and the signals that end a long poll
     * @param <S> a store with those roles (a {@code RelayerStore} has them all)
     * @param intake task intake
     * @param scheduler for live node data
     * @param escrow for the tier multipliers in force
     * @param metrics counters
     * @param clock time
     * @param timers for long-poll timeouts
     * @param statsSources extra counters for {@code /stats}: settlement_batches, settlement_reverts, webhooks_delivered
     * @param signatures checks a demander's read signature
     * @param waiting why pending tasks wait
     * @param disputes judges a demander's dispute of a sealed result
     */
    public <S extends TaskStore & NodeDirectory & SignalBus> ApiHandler(RelayerConfig config, S store, TaskIntake intake, Scheduler scheduler, Escrow escrow,
            Metrics metrics, Clock clock, ScheduledExecutorService timers, Map<String, LongSupplier> statsSources,
            DemanderSignatures signatures, Waiting waiting, SealedDisputes disputes) {
        this.config = config;
        this.store = store;
        this.directory = store;
        this.intake = intake;
        this.scheduler = scheduler;
        this.escrow = escrow;
        this.metrics = metrics;
        this.clock = clock;
        this.timers = timers;
        this.statsSources = Map.copyOf(statsSources);
        this.limits = new ClientLimits(config, clock, metrics::rateLimited);
        this.clients = ClientAddresses.trusting(config.limits().trustedProxies());
        this.waiters = new TaskWaiters(store);
        this.startedMillis = clock.millis();
        this.signatures = signatures;
        this.waiting = waiting;
        this.disputes = disputes;
        this.domain = Snip12.Domain.smainer(config.chain().chainId());
        this.budget = new BodyBudget(config.trust().bodyBytesInFlight(), config.trust().bodyBytesInFlightPerAddress());
        metrics.bindHttp(budget::used, longPolls::get, longPollTimers::get);
    }

    @Override
    public boolean handle(Request req, Response res, Callback done) {
        String path = Request.getPathInContext(req);
        if (!path.startsWith(BASE + "/") || path.equals(BASE + "/ws")) {
            return false;
        }
        String route = path.substring(BASE.length());
        String method = req.getMethod();
        long arrived = System.nanoTime();
        Callback cb = Callback.from(done, () -> metrics.response(res.getStatus(), System.nanoTime() - arrived));
        try {
            Optional<String> client = apiClient(req);
            if (!route.equals("/tasks") || !method.equals("POST")) {
                limits.request(client, clients.of(req));
            } else if (client.isEmpty()) {
                // before the body is read, the demander's account is looked up or any signature is checked
                limits.submitArrived(client, clients.of(req));
            }
            return route(req, res, cb, route, method, client);
        } catch (Throwable e) {
            return refuse(req, res, cb, e, method + " " + route);
        }
    }

    /**
     * Answers a request refused before its body was read. A small body (declared at most {@value #DRAINED_BODY_BYTES}
     * bytes) is read and dropped first, so the answer keeps the connection for the client's next request; Jetty closes
     * a connection whose request body is left unread, and a client that reused it (the JDK's does) fails its next
     * request, which it does not retry for a POST. A larger or chunked body is left unread: the connection closes.
     */
    private boolean refuse(Request req, Response res, Callback cb, Throwable e, String what) {
        long length = req.getLength();
        if (length <= 0 || length > DRAINED_BODY_BYTES) {
            return error(res, cb, e, what);
        }
        Content.Source.consumeAll(req, Callback.from(() -> error(res, cb, e, what), x -> error(res, cb, e, what)));
        return true;
    }

    private boolean route(Request req, Response res, Callback cb, String route, String method, Optional<String> client) {
        String[] parts = route.substring(1).split("/", -1);
        switch (parts[0]) {
            case "health" -> {
                only(method, "GET");
                return json(res, cb, 200, new Views.Health("ok", config.server().name(), config.chain().chainId().name()));
            }
            case "livez" -> {
                only(method, "GET");
                return json(res, cb, 200, new Views.Liveness("alive"));
            }
            case "readyz" -> {
                only(method, "GET");
                return readiness(res, cb);
            }
            case "stats" -> {
                only(method, "GET");
                return json(res, cb, 200, stats());
            }
            case "metrics" -> {
                only(method, "GET");
                Metrics.Scrape scrape = metrics.scrape(req.getHeaders().get(HttpHeader.ACCEPT));
                res.setStatus(200);
                res.getHeaders().put(HttpHeader.CONTENT_TYPE, scrape.contentType());
                res.write(true, ByteBuffer.wrap(scrape.body()), cb);
                return true;
            }
            case "fees" -> {
                if (parts.length == 2 && parts[1].equals("quote")) {
                    only(method, "GET");
                    return json(res, cb, 200, quote(query(req)));
                }
            }
            case "tasks" -> {
                if (parts.length == 1) {
                    if (method.equals("POST")) {
                        return submit(req, res, cb, client);
                    }
                    only(method, "GET", "POST");
                    operatorOnly(client, "lists of tasks");
                    int limit = intParam(query(req), "limit", 50, 1, 500);
                    List<Api.TaskView> items = new ArrayList<>();
                    for (TaskRecord t : store.recentTasks(limit)) {
                        items.add(Views.task(t, Optional.empty()));
                    }
                    return json(res, cb, 200, new Api.Page<>(items));
                }
                if (parts.length == 2) {
                    only(method, "GET");
                    return getTask(req, res, cb, parts[1], client);
                }
                if (parts.length == 3 && parts[2].equals("result")) {
                    only(method, "GET");
                    return result(req, res, cb, parts[1], client);
                }
                if (parts.length == 3 && parts[2].equals("dispute")) {
                    only(method, "POST");
                    TaskRecord t = store.task(parts[1]).orElseThrow(() -> unknownTask(parts[1]));
                    return withBody(req, res, cb, "POST /tasks/{id}/dispute", body -> disputed(res, cb, t, body));
                }
            }
            case "nodes" -> {
                only(method, "GET");
                if (parts.length == 1) {
                    List<Api.NodeView> items = new ArrayList<>();
                    for (NodeRecord n : directory.nodes()) {
                        items.add(Views.node(n, scheduler.lastSeen(n.nodeId())));
                    }
                    return json(res, cb, 200, new Api.Page<>(items));
                }
                if (parts.length == 2 && parts[1].equals("summary")) {
                    return json(res, cb, 200, summary());
                }
                if (parts.length == 2) {
                    NodeRecord n = node(parts[1]).orElseThrow(() -> HttpFailure.notFound("no node " + parts[1]));
                    return json(res, cb, 200, Views.node(n, scheduler.lastSeen(n.nodeId())));
                }
            }
            default -> {
            }
        }
        throw HttpFailure.notFound("no route " + method + " " + BASE + route);
    }

    /**
     * A node by its id in any form a Starknet address is written: 0x hex padded to 64 digits or not, either case, or
     * decimal (node ids are the 66-character lower-case form).
     */
    private Optional<NodeRecord> node(String id) {
        Optional<NodeRecord> exact = directory.node(id);
        if (exact.isPresent()) {
            return exact;
        }
        ContractAddress address;
        try {
            address = ContractAddress.parse(id);
        } catch (RuntimeException notAnAddress) {
            return Optional.empty();
        }
        return address.hex().equals(id) ? Optional.empty() : directory.node(address.hex());
    }

    /**
     * 200 while this relayer takes work: the store answers and it is not shutting down; 503 (with Retry-After)
     * otherwise, so a load balancer sends the requests elsewhere. The chain is not asked (a probe every few seconds
     * must not cost RPC calls): requests that need it answer 503 chain_unavailable on their own.
     */
    private boolean readiness(Response res, Callback cb) {
        if (draining) {
            res.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            return json(res, cb, 503, new Views.Readiness("draining", "not_checked", true));
        }
        try {
            store.countByStatus();
        } catch (RuntimeException e) {
            if (!GuardedStore.isOutage(e)) {
                throw e;
            }
            res.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(StoreUnavailableException.RETRY_AFTER.toSeconds()));
            return json(res, cb, 503, new Views.Readiness("not_ready", "unavailable", false));
        }
        return json(res, cb, 200, new Views.Readiness("ready", "ok", false));
    }

    /** Turns readiness to 503 ({@code draining}): the relayer is shutting down. */
    public void drain() {
        draining = true;
    }

    private boolean submit(Request req, Response res, Callback cb, Optional<String> client) {
        if (!config.access().apiKeys().isEmpty() && client.isEmpty()) {
            throw HttpFailure.unauthorized("an API key (Authorization: Bearer <key> or X-Api-Key) is required");
        }
        return withBody(req, res, cb, "POST /tasks", body -> submitted(res, cb, client, body));
    }

    /**
     * Reads a request's body without holding a thread, within {@code limits.max_body_bytes}, the bodies-in-flight
     * budget and {@code limits.body_read_timeout_millis}, then hands it to {@code use} (on the thread that read its
     * end); any failure is answered through {@link ErrorTable}.
     */
    private boolean withBody(Request req, Response res, Callback cb, String what, Consumer<String> use) {
        long declared = req.getLength();
        int max = config.limits().maxBodyBytes();
        if (declared > max) {
            return refuseBody(req, res, cb, HttpFailure.payloadTooLarge("the body may be at most " + max
                    + " bytes, got " + declared), declared, what);
        }
        String address = clients.of(req);
        Optional<BodyBudget.Lease> lease = budget.reserve(address, Math.max(0, declared));
        if (lease.isEmpty()) {
            metrics.bodyRefused();
            return refuseBody(req, res, cb, HttpFailure.bodiesBusy("the relayer is receiving as many request"
                    + " body bytes as it holds at once, in all or from client address " + address
                    + " (limits.body_bytes_in_flight, limits.body_bytes_in_flight_per_address); send it again shortly"),
                    declared, what);
        }
        BodyReader.start(req, max, true, lease.get(), config.trust().bodyReadTimeout(), timers, new BodyReader.Done() {
            @Override
            public void read(byte[] body) {
                lease.get().release();
                try {
                    use.accept(new String(body, StandardCharsets.UTF_8));
                } catch (Throwable e) {
                    error(res, cb, e, what);
                }
            }

            @Override
            public void failed(Throwable why) {
                lease.get().release();
                if (why instanceof HttpFailure f && f.kind() == HttpFailure.Kind.BODIES_BUSY) {
                    metrics.bodyRefused();
                }
                res.getHeaders().put(HttpHeader.CONNECTION, "close");
                error(res, cb, why, what);
            }
        });
        return true;
    }

    /**
     * Answers a body that will not be kept. One up to twice {@code limits.max_body_bytes} is read and dropped first
     * (no memory held, no thread): closing a connection with the body still arriving resets it (TCP RST), and the
     * client, still sending, would get a broken pipe instead of this answer. A larger one is answered at once.
     */
    private boolean refuseBody(Request req, Response res, Callback cb, RuntimeException why, long declared,
            String what) {
        res.getHeaders().put(HttpHeader.CONNECTION, "close");
        long most = 2L * config.limits().maxBodyBytes();
        if (declared > most) {
            return error(res, cb, why, what);
        }
        BodyReader.start(req, (int) Math.min(Integer.MAX_VALUE, most), false, null, config.trust().bodyReadTimeout(),
                timers, new BodyReader.Done() {
                    @Override
                    public void read(byte[] body) {
                        error(res, cb, why, what);
                    }

                    @Override
                    public void failed(Throwable ignored) {
                        error(res, cb, why, what);
                    }
                });
        return true;
    }

    private void submitted(Response res, Callback cb, Optional<String> client, String body) {
        Api.SubmitTask task = CODEC.fromJson(body, Api.SubmitTask.class);
        limits.submitFor(client, task.demander());
        TaskIntake.Outcome out;
        try {
            out = intake.submit(task, client);
        } catch (RelayerBusyException e) {
            metrics.submitRefusedBusy();
            throw e;
        }
        if (out.created()) {
            metrics.taskSubmitted();
        }
        json(res, cb, out.created() ? 201 : 200, new Api.TaskCreated(out.task().id(), out.task().status()));
    }

    /**
     * A sealed task's demander disputes its result: the request must be signed by the task's demander (its key, else
     * its account, as a task request is), within its expiry; {@link SealedDisputes} judges the rest. A replay within the
     * expiry changes nothing (the task is disputed once), so no nonce is kept.
     */
    private void disputed(Response res, Callback cb, TaskRecord t, String body) {
        Api.DisputeSealedResult d = CODEC.fromJson(body, Api.DisputeSealedResult.class);
        long now = clock.millis() / 1000;
        long most = TaskIntake.DEFAULT_MAX_VALIDITY.toSeconds();
        if (d.expiresAt() < now || d.expiresAt() > now + most) {
            throw new RequestRejectedException(RequestRejectedException.Reason.EXPIRED, "expires_at",
                    "expires_at: expected a time after now (" + now + ") and at most " + most + " s ahead, got "
                            + d.expiresAt());
        }
        signatures.check(d.demander(), d.signedHash(domain, t.id()), d.signature(), "the dispute of task " + t.id()
                + " on " + domain.chainId());
        if (!d.demander().equals(t.demander())) {
            throw HttpFailure.forbidden("task " + t.id() + " is demander " + t.demander().hex() + "'s: only it may dispute"
                    + " its result, not " + d.demander().hex());
        }
        Felt reason = disputes.dispute(t, d);
        json(res, cb, 202, new Api.DisputeAccepted(t.id(), t.completion().orElseThrow().provider(), reason));
    }

    private boolean getTask(Request req, Response res, Callback cb, String id, Optional<String> client) {
        TaskRecord t = store.task(id).orElseThrow(() -> unknownTask(id));
        boolean full = mayRead(req, client, t);
        long wait = intParam(query(req), "wait_ms", 0, 0, (int) MAX_WAIT_MILLIS);
        if (wait == 0 || t.status().isTerminal()) {
            return json(res, cb, 200, view(t, full));
        }
        AtomicBoolean answered = new AtomicBoolean();
        Runnable[] wake = new Runnable[1];
        ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
        longPolls.incrementAndGet();
        wake[0] = () -> {
            if (answered.compareAndSet(false, true)) {
                longPolls.decrementAndGet();
                waiters.remove(id, wake[0]);
                ScheduledFuture<?> f = timer[0];
                if (f != null && f.cancel(false)) {
                    longPollTimers.decrementAndGet();
                }
                json(res, cb, 200, view(store.task(id).orElse(t), full));
            }
        };
        waiters.add(id, wake[0]);
        longPollTimers.incrementAndGet();
        timer[0] = timers.schedule(() -> {
            longPollTimers.decrementAndGet();
            wake[0].run();
        }, wait, TimeUnit.MILLISECONDS);
        if (answered.get() && timer[0].cancel(false)) {
            longPollTimers.decrementAndGet();
        }
        if (store.task(id).map(x -> x.status().isTerminal()).orElse(false)) {
            wake[0].run();
        }
        return true;
    }

    private Object view(TaskRecord t, boolean full) {
        return full ? Views.task(t, waiting.why(t)) : new Api.TaskStatusView(t.id(), t.status());
    }

    private boolean result(Request req, Response res, Callback cb, String id, Optional<String> client) {
        TaskRecord t = store.task(id).orElseThrow(() -> unknownTask(id));
        if (!mayRead(req, client, t)) {
            if (client.isPresent()) {
                throw HttpFailure.forbidden("API client " + client.get() + " did not submit task " + id
                        + " and is not an operator (operator_clients)");
            }
            throw HttpFailure.unauthorized("the result of task " + id + " is its demander's: sign the read ("
                    + SmainerClient.READ_SIGNATURE_HEADER + ", " + SmainerClient.READ_EXPIRES_HEADER
                    + "), or use the API key that submitted it or an operator's");
        }
        if (t.status() != TaskStatus.SETTLED) {
            throw HttpFailure.resultNotReady("the result of task " + id + " is released once it is settled; it is "
                    + t.status().name().toLowerCase(Locale.ROOT) + t.error().map(e -> " (" + e + ")").orElse(""));
        }
        var c = t.completion().orElseThrow();
        return json(res, cb, 200, new Api.TaskResult(t.id(), c.result(), c.resultHash(), t.settlementTx().orElse(Felt.ZERO)));
    }

    /**
     * Whether this request may read the task's details and result: an operator's key, the key of the client that
     * submitted it, or the demander's read signature (checked like a request's: its key, else its account).
     */
    private boolean mayRead(Request req, Optional<String> client, TaskRecord t) {
        if (client.isPresent() && (config.trust().operatorClients().contains(client.get()) || t.clientId().equals(client))) {
            return true;
        }
        String sig = req.getHeaders().get(SmainerClient.READ_SIGNATURE_HEADER);
        String exp = req.getHeaders().get(SmainerClient.READ_EXPIRES_HEADER);
        if (sig == null && exp == null) {
            return false;
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(exp == null ? "" : exp.trim());
        } catch (NumberFormatException e) {
            throw new InvalidFieldException(SmainerClient.READ_EXPIRES_HEADER, "epoch seconds", exp);
        }
        long now = clock.millis() / 1000;
        long most = SmainerClient.READ_VALIDITY.toSeconds() * 5;
        if (expiresAt < now || expiresAt > now + most) {
            throw new RequestRejectedException(RequestRejectedException.Reason.EXPIRED, SmainerClient.READ_EXPIRES_HEADER,
                    SmainerClient.READ_EXPIRES_HEADER + ": expected a time after now (" + now + ") and at most " + most
                            + " s ahead, got " + expiresAt);
        }
        AccountSignature signature = AccountSignature.parse(SmainerClient.READ_SIGNATURE_HEADER, sig);
        String proof = t.id() + "|" + expiresAt + "|" + signature.toHeader();
        if (readProofs.containsKey(proof)) {
            return true;
        }
        signatures.check(t.demander(), Snip12.readHash(domain, t.demander(), t.id(), expiresAt), signature,
                "the read of task " + t.id() + " on " + domain.chainId());
        if (readProofs.size() >= MAX_READ_PROOFS) {
            readProofs.entrySet().removeIf(e -> e.getValue() < now);
            if (readProofs.size() >= MAX_READ_PROOFS) {
                readProofs.clear();
            }
        }
        readProofs.put(proof, expiresAt);
        return true;
    }

    private void operatorOnly(Optional<String> client, String what) {
        if (client.isEmpty()) {
            throw HttpFailure.unauthorized(what + " are the operator's: use an operator's API key (operator_clients)");
        }
        if (!config.trust().operatorClients().contains(client.get())) {
            throw HttpFailure.forbidden(what + " are the operator's; API client " + client.get()
                    + " is not one of operator_clients");
        }
    }

    private HttpFailure unknownTask(String id) {
        if (config.store().redisUri().isEmpty() && config.store().journal().isEmpty()) { // the plain memory store: a restart forgets
            return HttpFailure.notFound("no task " + id + ": this relayer does not know it. It keeps tasks in"
                    + " memory only (no redis.uri, store.journal=none) and started at " + Instant.ofEpochMilli(startedMillis)
                    + ": a task submitted before then is gone; else it is unknown, or finished longer ago than it keeps"
                    + " finished tasks (store.finished_retention_seconds=" + config.store().retention().finishedFor().toSeconds()
                    + ", store.max_finished_tasks=" + config.store().retention().maxFinished() + ")");
        }
        return HttpFailure.notFound("no task " + id + ": this relayer does not know it: it was never submitted"
                + " here, or it finished longer ago than this relayer keeps finished tasks (store.finished_retention_seconds="
                + config.store().retention().finishedFor().toSeconds() + ", store.max_finished_tasks=" + config.store().retention().maxFinished() + ")");
    }

    private Api.QuoteView quote(Fields q) {
        String amount = q.getValue("amount");
        if (amount == null) {
            throw new InvalidFieldException("amount", "a decimal string of base units", null);
        }
        TokenAmount base = TokenAmount.parseBaseUnits("amount", amount);
        String tierName = q.getValue("tier");
        Tier tier = tierName == null ? Tier.BASIC : Tier.parse(tierName);
        Quote quote = FeeMath.quote(base, tier, multiplier(tier));
        return new Api.QuoteView(quote.base().toString(), tier.wireName(), quote.escrow().toString(),
                quote.provider().toString(), quote.gasSubsidy().toString(), quote.treasury().toString());
    }

    private BasisPoints multiplier(Tier tier) {
        long now = clock.millis();
        Map.Entry<BasisPoints, Long> cached = multipliers.get(tier);
        if (cached != null && now - cached.getValue() < 60_000) {
            return cached.getKey();
        }
        BasisPoints m = escrow.tierMultiplier(tier);
        multipliers.put(tier, Map.entry(m, now));
        return m;
    }

    private Views.Stats stats() {
        Map<TaskStatus, Long> counts = store.countByStatus();
        Map<String, Long> tasks = new LinkedHashMap<>();
        counts.forEach((s, n) -> tasks.put(s.name().toLowerCase(Locale.ROOT), n));
        List<NodeRecord> nodes = directory.nodes();
        long online = nodes.stream().filter(NodeRecord::online).count();
        return new Views.Stats(config.server().name(), tasks, online, nodes.size(), stat("settlement_batches"),
                stat("settlement_reverts"), stat("webhooks_delivered"), (clock.millis() - startedMillis) / 1000,
                waiting.reasons());
    }

    private long stat(String name) {
        LongSupplier s = statsSources.get(name);
        return s == null ? 0 : s.getAsLong();
    }

    private Api.NodeSummary summary() {
        int total = 0;
        int online = 0;
        int gpus = 0;
        int capacity = 0;
        int running = 0;
        for (NodeRecord n : directory.nodes()) {
            total++;
            if (n.online()) {
                online++;
                gpus += n.capabilities().gpus().size();
                capacity += n.capabilities().maxConcurrent();
                running += n.running();
            }
        }
        return new Api.NodeSummary(total, online, gpus, capacity, running);
    }

    // ---- plumbing ----

    private Optional<String> apiClient(Request req) {
        if (config.access().apiKeys().isEmpty()) {
            return Optional.empty(); // no client to be: a header meant for someone else changes nothing
        }
        String key = req.getHeaders().get("X-Api-Key");
        String auth = req.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (key == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = auth.substring(7).trim();
        }
        if (key == null) {
            return Optional.empty();
        }
        byte[] presented = key.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, String> e : config.access().apiKeys().entrySet()) {
            if (MessageDigest.isEqual(presented, e.getValue().getBytes(StandardCharsets.UTF_8))) {
                found = e.getKey();
            }
        }
        if (found == null) {
            throw HttpFailure.unauthorized("the API key is not known to this relayer");
        }
        return Optional.of(found);
    }

    /** The query's parameters; a query that is not valid percent-encoded UTF-8 is a 400. */
    private static Fields query(Request req) {
        try {
            return Request.extractQueryParameters(req);
        } catch (RuntimeException e) {
            throw HttpFailure.badRequest("query", "query: expected percent-encoded UTF-8 parameters, got a query"
                    + " that is not");
        }
    }

    /** Refuses a method the route does not answer; {@code HEAD} is answered wherever {@code GET} is. */
    private static void only(String method, String... allowed) {
        List<String> allow = new ArrayList<>(List.of(allowed));
        if (allow.contains("GET")) {
            allow.add(allow.indexOf("GET") + 1, "HEAD");
        }
        if (!allow.contains(method)) {
            throw HttpFailure.methodNotAllowed(allow, method);
        }
    }

    private static int intParam(Fields q, String name, int fallback, int min, int max) {
        String v = q.getValue(name);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidFieldException(name, "an integer in [" + min + ", " + max + "]", v);
    }

    private boolean json(Response res, Callback cb, int status, Object body) {
        res.setStatus(status);
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(res, true, CODEC.toJson(body), cb);
        return true;
    }

    private boolean error(Response res, Callback cb, Throwable e, String what) {
        ErrorTable.Problem p = ErrorTable.of(e);
        if (p.status() >= 500 && !p.expected()) {
            LOG.warn("{} failed", what, e); // a fault of the relayer or what it depends on: once, with its stack
        } else if (!p.expected()) {
            LOG.debug("{} refused: {}", what, p.body().message());
        } else if (e instanceof ChainException) {
            chainOutage(e);
        }
        if (res.isCommitted()) {
            cb.failed(e);
            return true;
        }
        p.retryAfter().ifPresent(d -> res.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(Math.max(1, d.toSeconds()))));
        if (e instanceof HttpFailure f) {
            f.allow().ifPresent(allow -> res.getHeaders().put(HttpHeader.ALLOW, allow));
        }
        if (p.status() == 401) { // RFC 9110: a 401 names how to authenticate
            res.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, WWW_AUTHENTICATE);
        }
        return json(res, cb, p.status(), p.body());
    }

    /** One line per {@link #OUTAGE_LOG_EVERY} while the chain cannot be read, not a stack per request. */
    private void chainOutage(Throwable e) {
        long now = clock.millis();
        long last = chainLoggedAt.get();
        long refused = chainRefused.incrementAndGet();
        if (now - last >= OUTAGE_LOG_EVERY.toMillis() && chainLoggedAt.compareAndSet(last, now)) {
            chainRefused.set(0);
            LOG.warn("chain unavailable: {} requests that needed it were refused with 503 chain_unavailable (Retry-After)"
                    + " in the last {} s; last error: {}", refused, OUTAGE_LOG_EVERY.toSeconds(), e.getMessage());
        }
    }

    /** Wakes every long-poll. */
    public void close() {
        waiters.close();
    }

    static Map<TaskStatus, Long> emptyCounts() {
        return new EnumMap<>(TaskStatus.class);
    }
}
