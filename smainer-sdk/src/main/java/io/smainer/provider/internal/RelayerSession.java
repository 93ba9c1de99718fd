package io.smainer.provider.internal;

import io.smainer.InvalidFieldException;
import io.smainer.SmainerVersion;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.concurrent.Loop;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.ProtocolException;
import io.smainer.seal.SealBinding;
import io.smainer.seal.SealKeyPair;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A provider node's session with its relayer: opens the WebSocket, logs in with a SNIP-12 signature over
 * the relayer's challenge, sends heartbeats, pings the relayer and takes a ping it does not answer in time
 * as a dead connection (a relayer frozen with its TCP connection up), and reconnects with exponential
 * backoff and jitter. What the relayer says after the login goes to the {@link Handler}. The role of
 * Lettuce's {@code ConnectionWatchdog} plus OkHttp's {@code RealWebSocket}.
 *
 * <p>Everything runs on the node's {@link Loop}: WebSocket callbacks only post to it. Not thread-safe
 * otherwise. Not API.
 */
public final class RelayerSession {
    /** What the session tells its node; called on the loop. */
    public interface Handler {
        /**
         * @param attempt reconnect attempts since the last login (0 for the first)
         */
        void connecting(int attempt);

        /** The socket opened; the login begins. */
        void opened();

        /**
         * @param nodeId the id the relayer gave the node
         * @param heartbeatSeconds the heartbeat period in use
         */
        void loggedIn(String nodeId, int heartbeatSeconds);

        /**
         * @param code the relayer's error code
         * @param message its message
         */
        void loginRefused(String code, String message);

        /**
         * The connection ended. The handler decides: call {@link #reconnectLater()} or not.
         *
         * @param reason why
         */
        void lost(String reason);

        /**
         * After the login: a {@code task_assigned}, {@code task_revoked}, {@code ack} or {@code error}.
         *
         * @param m the message
         */
        void received(Message m);

        /** @return the heartbeat to send now (the node's load) */
        Messages.NodeHeartbeat heartbeat();
    }

    /**
     * How to reach and log in to the relayer.
     *
     * @param uri the relayer's WebSocket address
     * @param http the client that opens the socket
     * @param address the account the node logs in as
     * @param keyPair its key
     * @param crypto the signer
     * @param capabilities what the node offers
     * @param connectTimeout time to open the socket
     * @param loginTimeout time from an open socket to an acknowledged login
     * @param backoff reconnect waits
     * @param pingInterval how often the relayer is pinged once logged in
     * @param pingTimeout how long a ping may go unanswered (no message at all from the relayer) before the
     *     connection is taken as dead
     * @param defaultHeartbeatSeconds the heartbeat period when the login ack names none
     * @param sealKeys the node's sealing key pair, published (signed for the relayer's chain) in each login; null for
     *     none
     */
    public record Settings(URI uri, HttpClient http, ContractAddress address, KeyPair keyPair, StarkCrypto crypto,
            NodeCapabilities capabilities, Duration connectTimeout, Duration loginTimeout, Backoff backoff,
            Duration pingInterval, Duration pingTimeout, int defaultHeartbeatSeconds, SealKeyPair sealKeys) {
    }

    private final Settings s;
    private final Loop loop;
    private final Handler handler;
    private final ProtocolCodec codec = ProtocolCodec.create();

    // loop-thread only
    private Connection current;
    private long generation;
    private int attempt;
    private ScheduledFuture<?> reconnectTimer;
    private boolean stopped;

    /**
     * @param settings how to reach and log in
     * @param loop the node's loop
     * @param handler the node
     */
    public RelayerSession(Settings settings, Loop loop, Handler handler) {
        this.s = Objects.requireNonNull(settings, "settings");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** @return whether a connection is logged in */
    public boolean loggedIn() {
        return current != null && current.loggedIn;
    }

    /** Opens a connection (a new attempt), unless stopped. */
    public void connect() {
        reconnectTimer = null;
        if (stopped) {
            return;
        }
        Connection c = new Connection(++generation);
        current = c;
        handler.connecting(attempt);
        Duration limit = s.connectTimeout().plus(s.loginTimeout());
        c.loginTimer = loop.schedule(() -> {
            if (current == c && !c.loggedIn) {
                lost(c, "no login acknowledgement from " + s.uri() + " within " + limit.toSeconds() + " s");
            }
        }, limit);
        try {
            s.http().newWebSocketBuilder().connectTimeout(s.connectTimeout())
                    .header("User-Agent", SmainerVersion.userAgent("smainer-provider")).buildAsync(s.uri(), c)
                    .whenComplete((ws, err) -> {
                        if (err != null) {
                            loop.post(() -> lost(c, describe(err)));
                        }
                    });
        } catch (RuntimeException e) {
            lost(c, describe(e));
        }
    }

    /**
     * Schedules the next attempt after the backoff's wait for it.
     *
     * @return the wait
     */
    public Duration reconnectLater() {
        Duration wait = s.backoff().delay(attempt, bound -> ThreadLocalRandom.current().nextLong(bound));
        attempt = Math.min(attempt + 1, 1_000);
        reconnectTimer = loop.schedule(this::connect, wait);
        return wait;
    }

    /**
     * Sends a message on the logged-in connection.
     *
     * @param m the message
     * @return false when there is none (the message waits for the next login, if the caller keeps it)
     */
    public boolean send(Message m) {
        Connection c = current;
        if (c == null || !c.loggedIn) {
            return false;
        }
        send(c, m);
        return true;
    }

    /**
     * Stops for good: no more attempts, the connection closed with a close frame (aborted after a second).
     *
     * @param reason the close frame's reason
     * @return done when the close frame went out or the wait ended
     */
    public CompletableFuture<?> stop(String reason) {
        stopped = true;
        Loop.cancel(reconnectTimer);
        Connection c = current;
        current = null;
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        c.cancelTimers();
        if (c.sendChain == null) {
            if (c.ws != null) {
                c.ws.abort();
            }
            return CompletableFuture.completedFuture(null);
        }
        return c.sendChain.thenCompose(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, reason))
                .orTimeout(1, TimeUnit.SECONDS)
                .whenComplete((ws, err) -> c.ws.abort())
                .handle((ws, err) -> null);
    }

    private String describe(Throwable err) {
        Throwable e = err;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof WebSocketHandshakeException h) {
            return "relayer " + s.uri() + " refused the WebSocket upgrade (HTTP " + h.getResponse().statusCode() + ")";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out connecting to " + s.uri();
        }
        if (e instanceof ConnectException) {
            return "cannot connect to " + s.uri() + " (" + (e.getMessage() == null ? "connection refused" : e.getMessage())
                    + ")";
        }
        return "connection to " + s.uri() + " failed: " + e;
    }

    private void opened(Connection c) {
        if (current != c) {
            c.ws.abort();
            return;
        }
        handler.opened();
    }

    /** The connection ended: clean it up and tell the node (which decides whether to try again). */
    private void lost(Connection c, String reason) {
        if (current != c) {
            return;
        }
        current = null;
        c.cancelTimers();
        if (c.ws != null) {
            c.ws.abort();
        }
        if (!stopped) {
            handler.lost(reason);
        }
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
        } else if (m instanceof Messages.Ping ping) {
            send(c, new Messages.Pong(Messages.newId(), ping.id()));
        } else if (m instanceof Messages.Pong) {
            return; // liveness only: any message from the relayer answers a ping
        } else if (!c.loggedIn && m instanceof Messages.Ack ack && ack.refId().equals(c.registerId)) {
            onLoginAck(c, ack);
        } else if (!c.loggedIn && m instanceof Messages.ErrorMessage err) {
            handler.loginRefused(err.code(), err.message());
            lost(c, "login refused by " + s.uri() + ": " + err.code() + ": " + err.message());
        } else if (!c.loggedIn) {
            send(c, new Messages.ErrorMessage(Messages.newId(), m.id(), "not_logged_in",
                    "expected a challenge or an ack before " + m.type(), Optional.of("type")));
        } else if (m instanceof Messages.TaskAssigned || m instanceof Messages.TaskRevoked || m instanceof Messages.Ack
                || m instanceof Messages.ErrorMessage) {
            handler.received(m);
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
        Snip12.Domain domain = Snip12.Domain.smainer(chainId);
        Felt hash = Snip12.loginHash(domain, s.address(), ch.nonce(), ch.expiresAt());
        Signature sig = s.crypto().sign(s.keyPair().privateKey(), hash);
        NodeCapabilities caps = s.sealKeys() == null ? s.capabilities()
                : s.capabilities().withSeal(SealBinding.sign(s.crypto(), domain, s.address(), s.keyPair(), s.sealKeys()));
        // with this machine's time, which the relayer compares with its own (deadlines come by the relayer's clock)
        Messages.NodeRegister reg = new Messages.NodeRegister(Messages.newId(), s.address(), ch.nonce(), ch.expiresAt(),
                sig, caps, Optional.of(System.currentTimeMillis()));
        c.registerId = reg.id();
        send(c, reg);
    }

    private void onLoginAck(Connection c, Messages.Ack ack) {
        c.loggedIn = true;
        Loop.cancel(c.loginTimer);
        attempt = 0;
        int hb = ack.heartbeatSeconds() > 0 ? ack.heartbeatSeconds() : s.defaultHeartbeatSeconds();
        c.heartbeat = loop.every(() -> {
            if (current == c) {
                send(c, handler.heartbeat());
            }
        }, Duration.ofSeconds(hb));
        c.ping = loop.every(() -> ping(c), s.pingInterval());
        handler.loggedIn(ack.nodeId(), hb);
    }

    /**
     * Pings the relayer; if nothing at all comes back within the ping timeout, the connection is dead
     * (the TCP connection may well be up: a relayer paused or wedged keeps it so).
     */
    private void ping(Connection c) {
        if (current != c || c.awaitingPong) {
            return;
        }
        long sentAt = System.nanoTime();
        c.awaitingPong = true;
        send(c, new Messages.Ping(Messages.newId()));
        loop.schedule(() -> {
            if (current != c) {
                return;
            }
            if (c.lastInboundNanos - sentAt < 0) {
                lost(c, "relayer " + s.uri() + " did not answer a ping within " + s.pingTimeout().toMillis() + " ms");
            } else {
                c.awaitingPong = false;
            }
        }, s.pingTimeout());
    }

    private void send(Connection c, Message m) {
        if (c.sendChain == null) {
            return;
        }
        String json = codec.encode(m);
        c.sendChain = c.sendChain.thenCompose(ws -> ws.sendText(json, true));
        c.sendChain.whenComplete((ws, err) -> {
            if (err != null) {
                loop.post(() -> lost(c, "sending to " + s.uri() + " failed: " + describe(err)));
            }
        });
    }

    /** One WebSocket connection attempt; its callbacks hop onto the loop. */
    private final class Connection implements WebSocket.Listener {
        final long id;
        volatile WebSocket ws;
        volatile long lastInboundNanos = System.nanoTime();
        private final StringBuilder partial = new StringBuilder();
        // loop-thread only
        CompletableFuture<WebSocket> sendChain;
        String registerId = "";
        boolean loggedIn;
        boolean awaitingPong;
        ScheduledFuture<?> loginTimer;
        ScheduledFuture<?> heartbeat;
        ScheduledFuture<?> ping;

        Connection(long id) {
            this.id = id;
        }

        void cancelTimers() {
            Loop.cancel(loginTimer);
            Loop.cancel(heartbeat);
            Loop.cancel(ping);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            lastInboundNanos = System.nanoTime();
            loop.post(() -> {
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
                loop.post(() -> received(this, text));
            } else if (partial.length() > codec.maxChars()) {
                partial.setLength(0);
                loop.post(() -> lost(this, "relayer sent a message over " + codec.maxChars() + " characters"));
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
            loop.post(() -> lost(this, "relayer closed the connection (" + statusCode
                    + (reason == null || reason.isEmpty() ? "" : ": " + reason) + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            loop.post(() -> lost(this, "connection to " + s.uri() + " broke: " + error));
        }
    }
}
