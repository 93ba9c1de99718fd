package io.smainer.provider;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.concurrent.DaemonThreads;
import io.smainer.concurrent.Loop;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobRunner;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.provider.internal.Admission;
import io.smainer.provider.internal.Backoff;
import io.smainer.provider.internal.ReceiptMaker;
import io.smainer.provider.internal.RelayerSession;
import io.smainer.provider.internal.RelayerUris;
import io.smainer.provider.internal.TaskBook;
import io.smainer.provider.internal.TaskWork;
import io.smainer.seal.SealKeyPair;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A provider node an application embeds to sell compute: it connects to a relayer over WebSocket (the
 * JDK's {@code java.net.http} client), logs in with a SNIP-12 signature over the relayer's challenge,
 * heartbeats, pings the relayer (and reconnects when it stops answering), accepts tasks up to its concurrency, runs them on its {@link JobRunner}s, signs the receipt
 * the escrow contract checks (h1 for flat settlement, h2 over the effort cost), and reports failures.
 * When the connection drops it reconnects with exponential backoff and jitter; reports the relayer has
 * not acknowledged are kept and sent again after the next login, and a report the relayer could not record
 * ("send it again later") is kept and sent again with backoff, so a completed task is never lost to a
 * reconnect or to a relayer's store outage.
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
    /** Time between the pings that check the relayer still answers. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
    /** How long a ping may go unanswered before the connection is taken as dead and the node reconnects. */
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);
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
    private final List<JobRunner> ownedRunners;
    private final int concurrency;
    private final NodeCapabilities capabilities;
    private final ProviderListener listener;
    private final Duration closeGrace;
    private final ExecutorService escrowReads;
    private final Loop loop;
    private final TaskBook book = new TaskBook();
    private final TaskWork work;
    private final RelayerSession session;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile ProviderStatus status;

    // ---- state below is touched only on the loop thread ----
    private boolean closing;
    private boolean handedBack;
    private int handedBackCount;
    private State state = State.CREATED;
    private String nodeId;
    private String lastError;
    private long logins;

    private ProviderNode(Builder b) {
        this.relayerUri = b.relayerUri;
        this.address = b.address;
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
        this.concurrency = b.concurrency;
        this.listener = b.listener;
        this.closeGrace = b.closeGrace;
        Admission admission = new Admission(all, concurrency, b.clock, b.minEffortBasePrice, TIER_PARAM);
        this.capabilities = new NodeCapabilities(b.name, admission.kinds(), b.gpus, b.tier, concurrency);
        this.escrowReads = b.escrow == null ? null
                : Executors.newFixedThreadPool(Math.min(4, b.concurrency), DaemonThreads.named("smainer-provider-escrow"));
        this.loop = Loop.named("smainer-provider-" + b.name);
        Backoff backoff = b.backoff();
        SealKeyPair sealKeys = b.sealKeys != null ? b.sealKeys : SealKeyPair.derive(b.keyPair);
        this.work = new TaskWork(loop, book, admission, new ReceiptMaker(b.crypto, address, b.keyPair, b.effortBasePrice),
                b.escrow, escrowReads, backoff, new WorkSink(), () -> closing, sealKeys);
        // The default client runs its callbacks on its own selector thread: each of them only posts to this
        // node's loop, which costs less than handing them to the client's worker pool first.
        HttpClient http = b.httpClient != null ? b.httpClient
                : HttpClient.newBuilder().connectTimeout(b.connectTimeout).executor(Runnable::run).build();
        this.session = new RelayerSession(new RelayerSession.Settings(relayerUri, http, address, b.keyPair, b.crypto,
                capabilities, b.connectTimeout, b.loginTimeout, backoff, b.pingInterval, b.pingTimeout,
                DEFAULT_HEARTBEAT_SECONDS, sealKeys), loop, new SessionEvents());
        refreshStatus();
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
            loop.post(session::connect);
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
        if (closeStarted.compareAndSet(false, true) && !loop.post(() -> beginClose(g))) {
            closed.complete(null);
        }
        if (loop.inLoop()) {
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

    // ---- the session's events (loop thread) ----

    private final class SessionEvents implements RelayerSession.Handler {
        @Override
        public void connecting(int attempt) {
            setState(closing ? State.CLOSING : State.CONNECTING);
            fire(new ProviderEvent.Connecting(relayerUri, attempt));
        }

        @Override
        public void opened() {
            setState(closing ? State.CLOSING : State.LOGGING_IN);
        }

        @Override
        public void loggedIn(String id, int heartbeatSeconds) {
            logins++;
            nodeId = id;
            lastError = null;
            setState(closing ? State.CLOSING : State.READY);
            int resent = work.resendAll();
            fire(new ProviderEvent.LoggedIn(nodeId, heartbeatSeconds, resent));
            maybeFinishClose();
        }

        @Override
        public void loginRefused(String code, String message) {
            fire(new ProviderEvent.LoginRefused(code, message));
        }

        @Override
        public void lost(String reason) {
            lastError = reason;
            if (closing && handedBack) {
                fire(new ProviderEvent.Disconnected(reason, Duration.ZERO));
                finishClose();
                return;
            }
            Duration wait = session.reconnectLater();
            setState(closing ? State.CLOSING : State.WAITING_TO_RECONNECT);
            fire(new ProviderEvent.Disconnected(reason, wait));
        }

        @Override
        public void received(Message m) {
            if (m instanceof Messages.TaskAssigned t) {
                work.assigned(t);
            } else if (m instanceof Messages.TaskRevoked r) {
                work.revoked(r);
            } else if (m instanceof Messages.Ack ack) {
                work.acknowledged(ack);
            } else if (m instanceof Messages.ErrorMessage err && !work.refused(err)) {
                LOG.log(System.Logger.Level.WARNING, "relayer error {0}: {1} (ref {2})", err.code(), err.message(),
                        err.refId());
            }
        }

        @Override
        public Messages.NodeHeartbeat heartbeat() {
            return new Messages.NodeHeartbeat(Messages.newId(), book.runningCount(), concurrency);
        }
    }

    private final class WorkSink implements TaskWork.Sink {
        @Override
        public boolean send(Message m) {
            return session.send(m);
        }

        @Override
        public void fire(ProviderEvent e) {
            ProviderNode.this.fire(e);
        }

        @Override
        public void changed() {
            refreshStatus();
            maybeFinishClose();
        }
    }

    // ---- closing (loop thread) ----

    private void beginClose(Duration grace) {
        closing = true;
        if (state == State.CREATED) {
            finishClose();
            return;
        }
        setState(State.CLOSING);
        loop.schedule(this::handBack, grace);
        maybeFinishClose();
    }

    private void maybeFinishClose() {
        if (closing && state != State.CLOSED && book.isIdle()) {
            finishClose();
        }
    }

    /** The grace is over: report every running task as a retryable failure, then wait briefly for acks. */
    private void handBack() {
        if (state == State.CLOSED || handedBack) {
            return;
        }
        handedBack = true;
        handedBackCount += work.handBack();
        if (!session.loggedIn() || book.outboxSize() == 0) {
            finishClose();
            return;
        }
        loop.schedule(this::finishClose, HAND_BACK_WAIT);
    }

    private void finishClose() {
        if (state == State.CLOSED) {
            return;
        }
        CompletableFuture<?> goodbye = session.stop("provider node closing");
        setState(State.CLOSED);
        fire(new ProviderEvent.Closed(handedBackCount, book.outboxSize()));
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
        goodbye.thenRun(() -> {
            closed.complete(null);
            loop.shutdown();
        });
    }

    // ---- status and events ----

    private void setState(State s) {
        state = s;
        refreshStatus();
    }

    private void refreshStatus() {
        status = new ProviderStatus(state, Optional.ofNullable(nodeId), book.runningCount(), concurrency,
                work.accepted(), work.completed(), work.failed(), work.refused(), work.revoked(), book.outboxSize(), logins,
                Optional.ofNullable(lastError));
    }

    private void fire(ProviderEvent e) {
        refreshStatus();
        try {
            listener.onEvent(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "provider listener threw on " + e, ex);
        }
    }

    /** Builds a {@link ProviderNode}: set at least the relayer, the account and a runner or handler. */
    public static final class Builder extends NodeSettings {
        private Builder() {
        }

        /**
         * @return the node, not yet started
         * @throws InvalidFieldException naming the first missing or bad setting
         */
        public ProviderNode build() {
            validate();
            return new ProviderNode(this);
        }
    }
}
