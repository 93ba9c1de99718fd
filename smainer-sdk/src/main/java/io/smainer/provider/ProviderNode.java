package io.smainer.provider;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.EffortPricing;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobException;
import io.smainer.job.JobHandler;
import io.smainer.job.JobResult;
import io.smainer.job.JobRunner;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.ProtocolException;
import io.smainer.protocol.SettlementMode;
import io.smainer.provider.internal.Backoff;
import io.smainer.provider.internal.RelayerUris;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider node an application embeds to sell compute: it connects to a relayer over WebSocket (the
 * JDK's {@code java.net.http} client), logs in with a SNIP-12 signature over the relayer's challenge,
 * heartbeats, accepts tasks up to its concurrency, runs them on its {@link JobRunner}s, signs the receipt
 * the escrow contract checks (h1 for flat settlement, h2 over the effort cost), and reports failures.
 * When the connection drops it reconnects with exponential backoff and jitter; reports the relayer has
 * not acknowledged are kept and sent again after the next login, so a completed task is never lost to a
 * reconnect.
 *
 * <pre>{@code
 * try (ProviderNode node = ProviderNode.builder()
 *         .relayer("ws://relayer.example:8000/api/v1/ws")
 *         .account(myAddress, myKeyPair)
 *         .runner(myJobRunner)              // and/or .handler(myJobHandler)
 *         .concurrency(4)
 *         .listener(event -> System.out.println(event))
 *         .build()) {
 *     node.start();
 *     // ... serve until the application stops
 * }
 * }</pre>
 *
 * <p>Thread-safe. All protocol work happens on one thread the node owns; {@link ProviderListener}s are
 * called on it. {@link #close()} is idempotent: it stops taking tasks, lets running ones finish within
 * the close grace, hands back the rest to the relayer as retryable failures, and closes the connection.
 * The node does not close the runners it was given; it closes the runner it builds for its handlers.
 */
public final class ProviderNode implements AutoCloseable {
    /** Tasks run at once unless set: one. */
    public static final int DEFAULT_CONCURRENCY = 1;
    /** The display name unless set. */
    public static final String DEFAULT_NAME = "smainer-node";
    /** Time allowed to open the WebSocket. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Time allowed from an open socket to an acknowledged login. */
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(15);
    /** The first reconnect wait's upper bound. */
    public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofMillis(500);
    /** The longest reconnect wait. */
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(30);
    /** How long {@link #close()} lets running tasks finish before handing them back. */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(30);
    /** After handing tasks back on close, how long to wait for the relayer's acknowledgements. */
    public static final Duration HAND_BACK_WAIT = Duration.ofSeconds(2);
    /** Heartbeat period when the relayer's login ack names none. */
    public static final int DEFAULT_HEARTBEAT_SECONDS = 30;
    /** Heartbeats without any traffic from the relayer after which the connection is taken as dead. */
    public static final int SILENT_HEARTBEATS_LIMIT = 3;
    /**
     * The job parameter naming the tier whose multiplier prices an effort-settled task ({@code basic},
     * {@code pro} or {@code premium}); absent means basic.
     */
    public static final String TIER_PARAM = "tier";
    /** The lowest effort base price accepted from a relayer unless set: any positive price. */
    public static final TokenAmount DEFAULT_MIN_EFFORT_BASE_PRICE = TokenAmount.ZERO;

    /** Where a node is. */
    public enum State {
        /** Built, not started. */
        CREATED,
        /** Opening the WebSocket. */
        CONNECTING,
        /** Connected, logging in. */
        LOGGING_IN,
        /** Logged in, taking tasks. */
        READY,
        /** Disconnected, waiting to try again. */
        WAITING_TO_RECONNECT,
        /** Closing: finishing or handing back tasks. */
        CLOSING,
        /** Closed. */
        CLOSED
    }

    private static final System.Logger LOG = System.getLogger(ProviderNode.class.getName());

    private final URI relayerUri;
    private final ContractAddress address;
    private final KeyPair keyPair;
    private final List<JobRunner> runners;
    private final List<JobRunner> ownedRunners;
    private final int concurrency;
    private final NodeCapabilities capabilities;
    private final ProviderListener listener;
    private final Clock clock;
    private final StarkCrypto crypto;
    private final Duration connectTimeout;
    private final Duration loginTimeout;
    private final Backoff backoff;
    private final Duration closeGrace;
    private final Escrow escrow;
    private final ExecutorService escrowReads;
    private final TokenAmount effortBasePrice;
    private final TokenAmount minEffortBasePrice;
    private final HttpClient http;
    private final ProtocolCodec codec = ProtocolCodec.create();
    private final ScheduledThreadPoolExecutor loop;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Thread loopThread;
    private volatile ProviderStatus status;

    // ---- state below is touched only on the loop thread ----
    private Connection current;
    private long generation;
    private int attempt;
    private ScheduledFuture<?> reconnectTimer;
    private final Map<String, Running> running = new LinkedHashMap<>();
    /** Reports (task_completed / task_failed) by message id, kept until the relayer acks them. */
    private final Map<String, Report> pending = new LinkedHashMap<>();
    private boolean closing;
    private long closeDeadlineNanos;
    private boolean handedBack;
    private int handedBackCount;
    private State state = State.CREATED;
    private String nodeId;
    private String lastError;
    private long accepted;
    private long completedCount;
    private long failedCount;
    private long refusedCount;
    private long revokedCount;
    private long logins;

    private ProviderNode(Builder b) {
        this.relayerUri = b.relayerUri;
        this.address = b.address;
        this.keyPair = b.keyPair;
        List<JobRunner> all = new ArrayList<>(b.runners);
        if (!b.handlers.isEmpty()) {
            JavaJobRunner.Builder jb = JavaJobRunner.builder().standardKinds(false).name("handlers")
                    .workerThreads(Math.min(256, b.concurrency)).queueCapacity(Math.max(1, b.concurrency)).clock(b.clock);
            b.handlers.forEach(jb::handler);
            JavaJobRunner own = jb.build();
            all.add(0, own);
            this.ownedRunners = List.of(own);
        } else {
            this.ownedRunners = List.of();
        }
        this.runners = List.copyOf(all);
        this.concurrency = b.concurrency;
        this.listener = b.listener;
        this.clock = b.clock;
        this.crypto = b.crypto;
        this.connectTimeout = b.connectTimeout;
        this.loginTimeout = b.loginTimeout;
        this.backoff = new Backoff(b.reconnectMinDelay, b.reconnectMaxDelay);
        this.closeGrace = b.closeGrace;
        this.escrow = b.escrow;
        this.effortBasePrice = b.effortBasePrice;
        this.minEffortBasePrice = b.minEffortBasePrice;
        this.escrowReads = escrow == null ? null : Executors.newFixedThreadPool(Math.min(4, b.concurrency), r -> {
            Thread t = new Thread(r, "smainer-provider-escrow");
            t.setDaemon(true);
            return t;
        });
        Set<String> kinds = new LinkedHashSet<>();
        for (JobRunner r : runners) {
            kinds.addAll(r.kinds());
        }
        this.capabilities = new NodeCapabilities(b.name, List.copyOf(kinds), b.gpus, b.tier, concurrency);
        // The default client runs its callbacks on its own selector thread: each of them only posts to this
        // node's loop, and handing them to the client's worker pool first cost about a tenth of a provider's
        // CPU per task in LoadBench.
        this.http = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(connectTimeout).executor(Runnable::run).build();
        String threadName = "smainer-provider-" + b.name;
        this.loop = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            loopThread = t;
            return t;
        });
        this.loop.setRemoveOnCancelPolicy(true);
        publish();
    }

    /**
     * The WebSocket address a relayer setting means: {@code ws://}, {@code wss://}, {@code http://} and
     * {@code https://} are accepted, and an address without a path gets {@code /api/v1/ws}.
     *
     * @param url what an operator typed
     * @return the WebSocket address
     * @throws InvalidFieldException ({@code relayer_url}) naming the address when it is not one
     */
    public static URI relayerWebSocketUri(String url) {
        return RelayerUris.webSocketUri("relayer_url", url);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts connecting in the background. Idempotent; returns at once.
     *
     * @return this node
     * @throws IllegalStateException when the node was closed
     */
    public ProviderNode start() {
        if (closeStarted.get()) {
            throw new IllegalStateException("the provider node is closed");
        }
        if (started.compareAndSet(false, true)) {
            post(this::connect);
        }
        return this;
    }

    /** @return the relayer's WebSocket address this node connects to */
    public URI relayerUri() {
        return relayerUri;
    }

    /** @return the account the node works for (the address its receipts name) */
    public ContractAddress address() {
        return address;
    }

    /** @return what the node tells the relayer it offers */
    public NodeCapabilities capabilities() {
        return capabilities;
    }

    /** @return a snapshot of the node's state and counters; callable from any thread */
    public ProviderStatus status() {
        return status;
    }

    /**
     * Closes with the builder's close grace ({@link Builder#closeGrace(Duration)}). Idempotent; a second
     * call waits for the first to finish. Called from a listener, it starts closing and returns at once.
     */
    @Override
    public void close() {
        close(closeGrace);
    }

    /**
     * Stops taking tasks, lets running tasks finish and their reports be acknowledged within {@code grace},
     * then hands back what still runs (reported as retryable failures), closes the connection and stops the
     * node's thread. Idempotent; a second call waits for the first. Called from a listener (on the node's
     * thread) it starts closing and returns at once.
     *
     * @param grace how long running tasks may still take; zero hands them back at once
     */
    public void close(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        Duration g = grace.isNegative() ? Duration.ZERO : grace;
        if (closeStarted.compareAndSet(false, true)) {
            if (!post(() -> beginClose(g))) {
                closed.complete(null);
            }
        }
        if (Thread.currentThread() == loopThread) {
            return;
        }
        try {
            closed.get(g.plus(HAND_BACK_WAIT).plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "provider node did not close in time; stopping its thread");
        }
        if (!closed.isDone()) {
            loop.shutdownNow();
            closed.complete(null);
        }
    }

    // =====================================================================================
    // loop-thread work
    // =====================================================================================

    private boolean post(Runnable task) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "provider node internal error", e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        try {
            return loop.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "provider node internal error", e);
                }
            }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private void connect() {
        reconnectTimer = null;
        if (state == State.CLOSED) {
            return;
        }
        Connection c = new Connection(++generation);
        current = c;
        setState(closing ? State.CLOSING : State.CONNECTING);
        fire(new ProviderEvent.Connecting(relayerUri, attempt));
        c.loginTimer = schedule(() -> {
            if (current == c && !c.loggedIn) {
                lost(c, "no login acknowledgement from " + relayerUri + " within "
                        + connectTimeout.plus(loginTimeout).toSeconds() + " s");
            }
        }, connectTimeout.plus(loginTimeout));
        try {
            http.newWebSocketBuilder().connectTimeout(connectTimeout).buildAsync(relayerUri, c)
                    .whenComplete((ws, err) -> {
                        if (err != null) {
                            post(() -> lost(c, describe(err)));
                        }
                    });
        } catch (RuntimeException e) {
            lost(c, describe(e));
        }
    }

    private String describe(Throwable err) {
        Throwable e = err;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof WebSocketHandshakeException h) {
            return "relayer " + relayerUri + " refused the WebSocket upgrade (HTTP " + h.getResponse().statusCode() + ")";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out connecting to " + relayerUri;
        }
        if (e instanceof ConnectException) {
            return "cannot connect to " + relayerUri + " (" + (e.getMessage() == null ? "connection refused" : e.getMessage())
                    + ")";
        }
        return "connection to " + relayerUri + " failed: " + e;
    }

    private void opened(Connection c) {
        if (current != c) {
            c.ws.abort();
            return;
        }
        setState(closing ? State.CLOSING : State.LOGGING_IN);
    }

    /** The connection ended; clean up and, unless the node is done, try again later. */
    private void lost(Connection c, String reason) {
        if (current != c) {
            return;
        }
        current = null;
        cancel(c.loginTimer);
        cancel(c.heartbeat);
        if (c.ws != null) {
            c.ws.abort();
        }
        lastError = reason;
        if (state == State.CLOSED) {
            return;
        }
        if (closing && handedBack) {
            fire(new ProviderEvent.Disconnected(reason, Duration.ZERO));
            finishClose();
            return;
        }
        Duration wait = backoff.delay(attempt, bound -> ThreadLocalRandom.current().nextLong(bound));
        attempt = Math.min(attempt + 1, 1_000);
        setState(closing ? State.CLOSING : State.WAITING_TO_RECONNECT);
        fire(new ProviderEvent.Disconnected(reason, wait));
        reconnectTimer = schedule(this::connect, wait);
    }

    private void received(Connection c, String text) {
        if (current != c) {
            return;
        }
        Message m;
        try {
            m = codec.decode(text);
        } catch (ProtocolException e) {
            send(c, new Messages.ErrorMessage(Messages.newId(), "", "invalid_message",
                    e.getMessage().length() > 4000 ? e.getMessage().substring(0, 4000) : e.getMessage(),
                    Optional.of(e.field())));
            return;
        }
        if (m instanceof Messages.Challenge ch) {
            onChallenge(c, ch);
        } else if (m instanceof Messages.Ack ack) {
            onAck(c, ack);
        } else if (m instanceof Messages.ErrorMessage err) {
            onError(c, err);
        } else if (m instanceof Messages.Ping ping) {
            send(c, new Messages.Pong(Messages.newId(), ping.id()));
        } else if (m instanceof Messages.Pong) {
            // liveness only; any inbound message refreshes it
            return;
        } else if (!c.loggedIn) {
            send(c, new Messages.ErrorMessage(Messages.newId(), m.id(), "not_logged_in",
                    "expected a challenge or an ack before " + m.type(), Optional.of("type")));
        } else if (m instanceof Messages.TaskAssigned t) {
            onAssigned(c, t);
        } else if (m instanceof Messages.TaskRevoked r) {
            onRevoked(r);
        } else {
            send(c, new Messages.ErrorMessage(Messages.newId(), m.id(), "unexpected_message",
                    "a provider node does not accept " + m.type(), Optional.of("type")));
        }
    }

    private void onChallenge(Connection c, Messages.Challenge ch) {
        if (c.loggedIn) {
            return;
        }
        ChainId chainId;
        try {
            chainId = new ChainId(ch.chainId());
        } catch (InvalidFieldException e) {
            lost(c, "relayer sent a bad chain id: " + e.getMessage());
            return;
        }
        Felt hash = Snip12.loginHash(Snip12.Domain.smainer(chainId), address, ch.nonce(), ch.expiresAt());
        Signature sig = crypto.sign(keyPair.privateKey(), hash);
        Messages.NodeRegister reg = new Messages.NodeRegister(Messages.newId(), address, ch.nonce(), ch.expiresAt(), sig,
                capabilities);
        c.registerId = reg.id();
        send(c, reg);
    }

    private void onAck(Connection c, Messages.Ack ack) {
        if (!c.loggedIn && ack.refId().equals(c.registerId)) {
            c.loggedIn = true;
            cancel(c.loginTimer);
            attempt = 0;
            logins++;
            nodeId = ack.nodeId();
            lastError = null;
            int hb = ack.heartbeatSeconds() > 0 ? ack.heartbeatSeconds() : DEFAULT_HEARTBEAT_SECONDS;
            c.heartbeatSeconds = hb;
            c.heartbeat = scheduleHeartbeat(c, hb);
            setState(closing ? State.CLOSING : State.READY);
            List<Report> again = new ArrayList<>(pending.values());
            for (Report r : again) {
                send(c, r.message);
            }
            fire(new ProviderEvent.LoggedIn(nodeId, hb, again.size()));
            maybeFinishClose();
            return;
        }
        Report r = pending.remove(ack.refId());
        if (r != null) {
            publish();
            fire(new ProviderEvent.ReportAcknowledged(r.taskId));
            maybeFinishClose();
        }
    }

    private void onError(Connection c, Messages.ErrorMessage err) {
        if (!c.loggedIn) {
            fire(new ProviderEvent.LoginRefused(err.code(), err.message()));
            lost(c, "login refused by " + relayerUri + ": " + err.code() + ": " + err.message());
            return;
        }
        Report r = pending.remove(err.refId());
        if (r != null) {
            publish();
            fire(new ProviderEvent.ReportRejected(r.taskId, err.code(), err.message()));
            maybeFinishClose();
        } else {
            LOG.log(System.Logger.Level.WARNING, "relayer error {0}: {1} (ref {2})", err.code(), err.message(),
                    err.refId());
        }
    }

    private ScheduledFuture<?> scheduleHeartbeat(Connection c, int seconds) {
        try {
            return loop.scheduleAtFixedRate(() -> {
                try {
                    heartbeat(c);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "provider node internal error", e);
                }
            }, seconds, seconds, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void heartbeat(Connection c) {
        if (current != c) {
            return;
        }
        long silentNanos = System.nanoTime() - c.lastInboundNanos;
        long limit = TimeUnit.SECONDS.toNanos((long) c.heartbeatSeconds * SILENT_HEARTBEATS_LIMIT);
        if (silentNanos > limit) {
            lost(c, "no traffic from " + relayerUri + " for " + TimeUnit.NANOSECONDS.toSeconds(silentNanos) + " s");
            return;
        }
        send(c, new Messages.NodeHeartbeat(Messages.newId(), running.size(), concurrency));
        if (c.sendChain == null) {
            return;
        }
        c.sendChain = c.sendChain.thenCompose(ws -> ws.sendPing(ByteBuffer.allocate(0)));
        watch(c);
    }

    private void onAssigned(Connection c, Messages.TaskAssigned t) {
        String taskId = t.taskId();
        if (running.containsKey(taskId)) {
            send(c, new Messages.TaskAccepted(Messages.newId(), taskId));
            return;
        }
        for (Report r : pending.values()) {
            if (r.taskId.equals(taskId)) {
                send(c, r.message);
                return;
            }
        }
        String kind = t.job().kind();
        JobRunner runner = runners.stream().filter(r -> r.kinds().contains(kind)).findFirst().orElse(null);
        String refusal = null;
        if (closing) {
            refusal = "node is shutting down";
        } else if (runner == null) {
            refusal = "this node does not run job kind '" + kind + "' (it runs " + capabilities.jobKinds() + ")";
        } else if (running.size() >= concurrency) {
            refusal = "at capacity (" + running.size() + " of " + concurrency + " tasks running)";
        } else if (clock.millis() >= t.deadlineMillis()) {
            refusal = "the task's deadline had passed when it arrived";
        } else if (t.settlement() == SettlementMode.EFFORT && t.effortBasePrice().isPresent()
                && t.effortBasePrice().get().compareTo(minEffortBasePrice) < 0) {
            refusal = "effort base price " + t.effortBasePrice().get() + " base units is below this node's minimum of "
                    + minEffortBasePrice + " base units";
        }
        if (refusal != null) {
            refusedCount++;
            fire(new ProviderEvent.TaskRefused(taskId, refusal));
            report(new Messages.TaskFailed(Messages.newId(), taskId, refusal, true), taskId);
            return;
        }
        Running r = new Running(t, runner);
        running.put(taskId, r);
        accepted++;
        send(c, new Messages.TaskAccepted(Messages.newId(), taskId));
        r.deadlineTimer = schedule(() -> onDeadline(r), Duration.ofMillis(Math.max(0, t.deadlineMillis() - clock.millis())));
        publish();
        fire(new ProviderEvent.TaskStarted(taskId, kind, runner.name()));
        if (escrow == null) {
            startRun(r, t.tierMultiplier().orElseGet(() -> multiplierFromParams(t)));
            return;
        }
        CompletableFuture.supplyAsync(() -> escrow.getTask(t.escrowId()), escrowReads)
                .whenComplete((onChain, err) -> post(() -> escrowChecked(r, onChain, err)));
    }

    /** The escrow was read: run the task only when it is funded and open, priced at its on-chain multiplier. */
    private void escrowChecked(Running r, Optional<EscrowTask> onChain, Throwable err) {
        String taskId = r.task.taskId();
        if (running.get(taskId) != r) {
            return;
        }
        String problem = null;
        boolean retryable = false;
        if (err != null) {
            Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            problem = "could not read escrow " + r.task.escrowId() + ": " + e.getMessage();
            retryable = true;
        } else if (onChain.isEmpty()) {
            problem = "escrow " + r.task.escrowId() + " does not exist on-chain";
        } else if (onChain.get().status() != EscrowStatus.CREATED) {
            problem = "escrow " + r.task.escrowId() + " is " + onChain.get().status().name().toLowerCase(java.util.Locale.ROOT)
                    + ", not open for work";
        } else if (r.task.settlement() == SettlementMode.EFFORT && r.task.tierMultiplier().isPresent()
                && !r.task.tierMultiplier().get().equals(onChain.get().tierMultiplier())) {
            problem = "the relayer's tier multiplier " + r.task.tierMultiplier().get().value() + " bps does not match escrow "
                    + r.task.escrowId() + "'s on-chain multiplier " + onChain.get().tierMultiplier().value()
                    + " bps; refusing to sign a receipt the contract's books would not match";
        }
        if (problem != null) {
            running.remove(taskId);
            cancel(r.deadlineTimer);
            fail(taskId, problem, retryable);
            return;
        }
        startRun(r, onChain.get().tierMultiplier());
    }

    private void startRun(Running r, BasisPoints multiplier) {
        String taskId = r.task.taskId();
        r.multiplier = multiplier;
        CompletableFuture<JobResult> future;
        try {
            future = r.runner.submit(r.task.job());
        } catch (RuntimeException e) {
            running.remove(taskId);
            cancel(r.deadlineTimer);
            fail(taskId, "runner " + r.runner.name() + " refused the job: " + e.getMessage(),
                    !(e instanceof InvalidFieldException));
            return;
        }
        r.future = future;
        future.whenComplete((result, err) -> post(() -> finished(r, result, err)));
    }

    /** The multiplier of the job's {@link #TIER_PARAM}, basic when absent or unreadable. */
    private static BasisPoints multiplierFromParams(Messages.TaskAssigned t) {
        String tierName = t.job().params().get(TIER_PARAM);
        try {
            return (tierName == null ? Tier.BASIC : Tier.parse(tierName)).defaultMultiplier();
        } catch (InvalidFieldException e) {
            return Tier.BASIC.defaultMultiplier();
        }
    }

    private void onDeadline(Running r) {
        if (running.get(r.task.taskId()) != r) {
            return;
        }
        running.remove(r.task.taskId());
        r.cancelRun();
        fail(r.task.taskId(), "the task's deadline passed before the run finished", true);
    }

    private void onRevoked(Messages.TaskRevoked revoked) {
        String taskId = revoked.taskId();
        Running r = running.remove(taskId);
        boolean dropped = pending.values().removeIf(p -> p.taskId.equals(taskId));
        if (r != null) {
            cancel(r.deadlineTimer);
            r.cancelRun();
        }
        if (r != null || dropped) {
            revokedCount++;
            publish();
            fire(new ProviderEvent.TaskRevoked(taskId, revoked.reason()));
            maybeFinishClose();
        }
    }

    private void finished(Running r, JobResult result, Throwable err) {
        String taskId = r.task.taskId();
        if (running.get(taskId) != r) {
            return; // revoked, past its deadline or handed back
        }
        running.remove(taskId);
        cancel(r.deadlineTimer);
        if (err != null) {
            Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (e instanceof JobException je) {
                fail(taskId, je.getMessage(), je.retryable());
            } else if (e instanceof CancellationException) {
                fail(taskId, "the run was cancelled", true);
            } else if (e instanceof InvalidFieldException ife) {
                fail(taskId, "bad job input: " + ife.getMessage(), false);
            } else {
                fail(taskId, "the run failed: " + e, false);
            }
            return;
        }
        Messages.TaskCompleted done;
        try {
            done = receipt(r.task, r.multiplier, result);
        } catch (RuntimeException e) {
            fail(taskId, "could not sign the receipt: " + e.getMessage(), true);
            return;
        }
        completedCount++;
        report(done, taskId);
        fire(new ProviderEvent.TaskCompleted(taskId, done.resultHash(), done.actualCost(), result.ran()));
    }

    /**
     * Builds the signed completion: h1 for flat settlement; for effort settlement the cost from the run's
     * effort metrics (or its run time when it reported none) and h2 over it.
     */
    private Messages.TaskCompleted receipt(Messages.TaskAssigned task, BasisPoints multiplier, JobResult result) {
        byte[] output = result.output();
        Felt resultHash = Receipts.resultHash(output);
        if (task.settlement() == SettlementMode.FLAT) {
            Felt h1 = Receipts.flatHash(crypto, task.escrowId(), address, resultHash);
            return new Messages.TaskCompleted(Messages.newId(), task.taskId(), output, resultHash,
                    crypto.sign(keyPair.privateKey(), h1), result.effort(), Optional.empty());
        }
        EffortMetrics metrics = result.effort().orElseGet(() -> new EffortMetrics(0, 0,
                Math.min(EffortPricing.MAX_GPU_MILLIS, result.ran().toMillis()), 0));
        // the relayer's base price when the assignment carries it, else this node's setting (older relayers)
        TokenAmount base = task.effortBasePrice().orElse(effortBasePrice);
        TokenAmount cost = EffortPricing.actualCost(base, multiplier, metrics.effortScore(), task.escrowAmount());
        Felt h2 = Receipts.effortHash(crypto, task.escrowId(), address, resultHash, cost);
        return new Messages.TaskCompleted(Messages.newId(), task.taskId(), output, resultHash,
                crypto.sign(keyPair.privateKey(), h2), Optional.of(metrics), Optional.of(cost));
    }

    private void fail(String taskId, String reason, boolean retryable) {
        failedCount++;
        report(new Messages.TaskFailed(Messages.newId(), taskId, truncate(reason), retryable), taskId);
        fire(new ProviderEvent.TaskFailed(taskId, reason, retryable));
    }

    private static String truncate(String s) {
        String text = s == null || s.isBlank() ? "unknown failure" : s;
        return text.length() <= 1024 ? text : text.substring(0, 1021) + "...";
    }

    /** Queues a report until the relayer acks it, and sends it now when logged in. */
    private void report(Message message, String taskId) {
        pending.put(message.id(), new Report(taskId, message));
        publish();
        Connection c = current;
        if (c != null && c.loggedIn) {
            send(c, message);
        }
        maybeFinishClose();
    }

    private void send(Connection c, Message m) {
        if (c.sendChain == null) {
            return;
        }
        String json = codec.encode(m);
        c.sendChain = c.sendChain.thenCompose(ws -> ws.sendText(json, true));
        watch(c);
    }

    private void watch(Connection c) {
        c.sendChain.whenComplete((ws, err) -> {
            if (err != null) {
                post(() -> lost(c, "sending to " + relayerUri + " failed: " + describe(err)));
            }
        });
    }

    // ---- closing ----

    private void beginClose(Duration grace) {
        closing = true;
        closeDeadlineNanos = System.nanoTime() + grace.toNanos();
        if (state == State.CREATED) {
            finishClose();
            return;
        }
        setState(State.CLOSING);
        schedule(this::handBack, grace);
        maybeFinishClose();
    }

    private void maybeFinishClose() {
        if (!closing || state == State.CLOSED) {
            return;
        }
        if (running.isEmpty() && pending.isEmpty()) {
            finishClose();
        }
    }

    /** The grace is over: report every running task as a retryable failure, then wait briefly for acks. */
    private void handBack() {
        if (state == State.CLOSED || handedBack) {
            return;
        }
        handedBack = true;
        for (Running r : new ArrayList<>(running.values())) {
            running.remove(r.task.taskId());
            cancel(r.deadlineTimer);
            r.cancelRun();
            handedBackCount++;
            fail(r.task.taskId(), "the node shut down before the task finished; handed back", true);
        }
        Connection c = current;
        if (c == null || !c.loggedIn || pending.isEmpty()) {
            finishClose();
            return;
        }
        schedule(this::finishClose, HAND_BACK_WAIT);
    }

    private void finishClose() {
        if (state == State.CLOSED) {
            return;
        }
        cancel(reconnectTimer);
        Connection c = current;
        current = null;
        CompletableFuture<?> goodbye = CompletableFuture.completedFuture(null);
        if (c != null) {
            cancel(c.heartbeat);
            cancel(c.loginTimer);
            if (c.sendChain != null) {
                goodbye = c.sendChain.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "provider node closing"))
                        .orTimeout(1, TimeUnit.SECONDS)
                        .whenComplete((ws, err) -> c.ws.abort());
            }
        }
        int undelivered = pending.size();
        setState(State.CLOSED);
        fire(new ProviderEvent.Closed(handedBackCount, undelivered));
        if (escrowReads != null) {
            escrowReads.shutdownNow();
        }
        for (JobRunner r : ownedRunners) {
            try {
                r.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing runner " + r.name() + " failed", e);
            }
        }
        goodbye.handle((x, err) -> null).thenRun(() -> {
            closed.complete(null);
            loop.shutdown();
        });
    }

    // ---- bookkeeping ----

    private void setState(State s) {
        state = s;
        publish();
    }

    private void publish() {
        status = new ProviderStatus(state, Optional.ofNullable(nodeId), running.size(), concurrency, accepted,
                completedCount, failedCount, refusedCount, revokedCount, pending.size(), logins,
                Optional.ofNullable(lastError));
    }

    private void fire(ProviderEvent e) {
        publish();
        try {
            listener.onEvent(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "provider listener threw on " + e, ex);
        }
    }

    private record Report(String taskId, Message message) {
    }

    /** A task the node accepted; loop-thread only. */
    private static final class Running {
        final Messages.TaskAssigned task;
        final JobRunner runner;
        BasisPoints multiplier = Tier.BASIC.defaultMultiplier();
        CompletableFuture<JobResult> future;
        ScheduledFuture<?> deadlineTimer;

        Running(Messages.TaskAssigned task, JobRunner runner) {
            this.task = task;
            this.runner = runner;
        }

        void cancelRun() {
            if (future != null) {
                future.cancel(true);
            }
        }
    }

    /** One WebSocket connection attempt; its callbacks hop onto the loop thread. */
    private final class Connection implements WebSocket.Listener {
        final long id;
        volatile WebSocket ws;
        volatile long lastInboundNanos = System.nanoTime();
        private final StringBuilder partial = new StringBuilder();
        // loop-thread only
        CompletableFuture<WebSocket> sendChain;
        String registerId = "";
        boolean loggedIn;
        int heartbeatSeconds = DEFAULT_HEARTBEAT_SECONDS;
        ScheduledFuture<?> loginTimer;
        ScheduledFuture<?> heartbeat;

        Connection(long id) {
            this.id = id;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            lastInboundNanos = System.nanoTime();
            post(() -> {
                sendChain = CompletableFuture.completedFuture(webSocket);
                opened(this);
            });
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            lastInboundNanos = System.nanoTime();
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                post(() -> received(this, text));
            } else if (partial.length() > codec.maxChars()) {
                partial.setLength(0);
                post(() -> lost(this, "relayer sent a message over " + codec.maxChars() + " characters"));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            lastInboundNanos = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            lastInboundNanos = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            lastInboundNanos = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            post(() -> lost(this, "relayer closed the connection (" + statusCode
                    + (reason == null || reason.isEmpty() ? "" : ": " + reason) + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            post(() -> lost(this, "connection to " + relayerUri + " broke: " + error));
        }
    }

    /** Builds a {@link ProviderNode}. Not thread-safe; build once. */
    public static final class Builder {
        private URI relayerUri;
        private ContractAddress address;
        private KeyPair keyPair;
        private final List<JobRunner> runners = new ArrayList<>();
        private final List<JobHandler> handlers = new ArrayList<>();
        private int concurrency = DEFAULT_CONCURRENCY;
        private String name = DEFAULT_NAME;
        private Tier tier = Tier.BASIC;
        private List<NodeCapabilities.GpuInfo> gpus = List.of();
        private ProviderListener listener = ProviderListener.NONE;
        private Clock clock = Clock.systemUTC();
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration loginTimeout = DEFAULT_LOGIN_TIMEOUT;
        private Duration reconnectMinDelay = DEFAULT_RECONNECT_MIN_DELAY;
        private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
        private Duration closeGrace = DEFAULT_CLOSE_GRACE;
        private Escrow escrow;
        private TokenAmount effortBasePrice = EffortPricing.BASE_PRICE;
        private TokenAmount minEffortBasePrice = DEFAULT_MIN_EFFORT_BASE_PRICE;
        private HttpClient httpClient;

        private Builder() {
        }

        /**
         * @param url the relayer: {@code ws://host:port/api/v1/ws}, or {@code http://host:port} (the
         *     WebSocket path is added); {@code wss}/{@code https} for TLS
         * @return this builder
         * @throws InvalidFieldException ({@code relayer_url}) naming the address when it is not one
         */
        public Builder relayer(String url) {
            this.relayerUri = RelayerUris.webSocketUri("relayer_url", url);
            return this;
        }

        /**
         * @param uri the relayer, as for {@link #relayer(String)}
         * @return this builder
         */
        public Builder relayer(URI uri) {
            return relayer(Objects.requireNonNull(uri, "uri").toString());
        }

        /**
         * @param address the provider's account address: the one registered on-chain and named in receipts
         * @param keyPair the key whose public half is published on-chain for the address
         * @return this builder
         */
        public Builder account(ContractAddress address, KeyPair keyPair) {
            this.address = Objects.requireNonNull(address, "address");
            this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
            return this;
        }

        /**
         * Adds a job runner. Tasks go to the first runner, in the order added, that runs their kind. The
         * node does not close the runner.
         *
         * @param runner a runner
         * @return this builder
         */
        public Builder runner(JobRunner runner) {
            runners.add(Objects.requireNonNull(runner, "runner"));
            return this;
        }

        /**
         * Adds a handler for a workload of one's own. The node runs its handlers on a {@link JavaJobRunner} of
         * its own (one worker per task it runs at once), which it closes on {@link ProviderNode#close()};
         * handlers come before the runners added with {@link #runner(JobRunner)}.
         *
         * @param handler a job handler; its kind must be unique among the handlers
         * @return this builder
         */
        public Builder handler(JobHandler handler) {
            handlers.add(Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * @param concurrency tasks run at once, in {@code [1, 1024]}; more assignments are refused
         *     (reported as retryable failures)
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /**
         * @param name a display name the relayer shows, at most 128 characters
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * @param tier the highest tier this node qualifies for
         * @return this builder
         */
        public Builder tier(Tier tier) {
            this.tier = Objects.requireNonNull(tier, "tier");
            return this;
        }

        /**
         * @param gpus the node's GPUs, advertised in its capabilities
         * @return this builder
         */
        public Builder gpus(List<NodeCapabilities.GpuInfo> gpus) {
            this.gpus = List.copyOf(gpus);
            return this;
        }

        /**
         * @param listener receives the node's events on its thread
         * @return this builder
         */
        public Builder listener(ProviderListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param clock the time source for deadlines (epoch millis from the relayer)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param crypto the Stark-curve implementation that signs logins and receipts
         * @return this builder
         */
        public Builder crypto(StarkCrypto crypto) {
            this.crypto = Objects.requireNonNull(crypto, "crypto");
            return this;
        }

        /**
         * @param timeout time allowed to open the WebSocket
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param timeout time allowed from an open socket to an acknowledged login
         * @return this builder
         */
        public Builder loginTimeout(Duration timeout) {
            this.loginTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Reconnect waits grow from {@code min} and double up to {@code max}; each is a random time between
         * half the bound and the bound.
         *
         * @param min the first wait's upper bound
         * @param max the largest wait
         * @return this builder
         */
        public Builder reconnectDelay(Duration min, Duration max) {
            this.reconnectMinDelay = Objects.requireNonNull(min, "min");
            this.reconnectMaxDelay = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * @param grace how long {@link ProviderNode#close()} lets running tasks finish before handing them back
         * @return this builder
         */
        public Builder closeGrace(Duration grace) {
            this.closeGrace = Objects.requireNonNull(grace, "grace");
            return this;
        }

        /**
         * Lets the node read the escrow contract (it never writes through it): before running a task it checks
         * that the task's escrow exists and is open (status CREATED), refusing unfunded or settled work, and it
         * prices effort receipts with the escrow's on-chain tier multiplier, as the relayer does. When the
         * assignment names a tier multiplier ({@code tier_multiplier}) that differs from the escrow's, the node
         * refuses the task ({@code task_failed}, not retryable, saying both). Without an escrow client the node
         * trusts the assignment: its {@code tier_multiplier}, or, from a relayer that sends none, the job's
         * {@value #TIER_PARAM} parameter (basic when absent).
         *
         * @param escrow a client of the escrow contract, e.g. the in-process ledger's or the Starknet one
         * @return this builder
         */
        public Builder escrow(Escrow escrow) {
            this.escrow = Objects.requireNonNull(escrow, "escrow");
            return this;
        }

        /**
         * The fallback base price of effort pricing, for assignments from a relayer that predates the
         * {@code effort_base_price} field: then it must match that relayer's {@code price.effort_base}.
         * Assignments that carry the field are priced with it (bounded below by
         * {@link #minEffortBasePrice(TokenAmount)}), and this setting is not used.
         *
         * @param base the base price; default {@link EffortPricing#BASE_PRICE}
         * @return this builder
         */
        public Builder effortBasePrice(TokenAmount base) {
            this.effortBasePrice = Objects.requireNonNull(base, "base");
            return this;
        }

        /**
         * The lowest effort base price this node works for. An effort task whose assignment names a lower
         * {@code effort_base_price} is refused ({@code task_failed}, retryable: another node may take it).
         *
         * @param min the minimum, in base units; default {@link #DEFAULT_MIN_EFFORT_BASE_PRICE} (any price)
         * @return this builder
         */
        public Builder minEffortBasePrice(TokenAmount min) {
            this.minEffortBasePrice = Objects.requireNonNull(min, "min");
            return this;
        }

        /**
         * @param client the HTTP client that opens the WebSocket (for TLS or proxy settings, or one client
         *     shared by many nodes); by default a fresh one that runs its callbacks on its selector thread
         *     ({@code executor(Runnable::run)}), which suits the node: its callbacks only hand work to its loop
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @return the node, not yet started
         * @throws InvalidFieldException naming the first missing or bad setting
         */
        public ProviderNode build() {
            if (relayerUri == null) {
                throw new InvalidFieldException("relayer_url", "a relayer address (builder.relayer(...))", null);
            }
            if (address == null || keyPair == null) {
                throw new InvalidFieldException("account", "an account address and its key pair (builder.account(...))",
                        null);
            }
            if (runners.isEmpty() && handlers.isEmpty()) {
                throw new InvalidFieldException("runners",
                        "at least one job runner or handler (builder.runner(...) or builder.handler(...))", null);
            }
            if (concurrency < 1 || concurrency > 1024) {
                throw new InvalidFieldException("concurrency", "an integer in [1, 1024]", concurrency);
            }
            positive("connect_timeout", connectTimeout);
            positive("login_timeout", loginTimeout);
            if (closeGrace.isNegative()) {
                throw new InvalidFieldException("close_grace", "zero or a positive duration", closeGrace);
            }
            new Backoff(reconnectMinDelay, reconnectMaxDelay);
            return new ProviderNode(this);
        }

        private static void positive(String field, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new InvalidFieldException(field, "a positive duration", d);
            }
        }
    }
}
