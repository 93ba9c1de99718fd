package io.smainer.provider;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.protocol.ProtocolCodec;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The relayer's side of the provider protocol, scripted by a test: a real Jetty WebSocket server on
 * {@code /api/v1/ws} that sends a challenge, checks the login signature against the keys it was told are
 * published (real Stark verification), acknowledges the login, and then lets the test send assignments and
 * read what the node sends. Reports are acknowledged automatically unless {@link #autoAck} is off.
 */
public final class ScriptedRelayer implements AutoCloseable {
    static final ChainId CHAIN = ChainId.LOCAL;
    static final ProtocolCodec CODEC = ProtocolCodec.create();

    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    private final Map<ContractAddress, Felt> publishedKeys;
    private final int heartbeatSeconds;
    private final Server server;
    private final ServerConnector connector;
    final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
    final List<Message> all = new CopyOnWriteArrayList<>();
    final AtomicInteger logins = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    volatile boolean autoAck = true;
    /** Reports answered "send it again later" (an {@code internal} error, as the relayer does) before acks. */
    final AtomicInteger deferReports = new AtomicInteger();
    /** While frozen the relayer reads nothing and sends nothing, with its connections up (a paused process). */
    private final Object pause = new Object();
    private boolean frozen; // guarded by pause
    private final List<Runnable> held = new ArrayList<>(); // guarded by pause: what the paused process has yet to do
    private volatile Peer peer;

    ScriptedRelayer(int port, Map<ContractAddress, Felt> publishedKeys, int heartbeatSeconds) throws Exception {
        this.publishedKeys = new ConcurrentHashMap<>(publishedKeys);
        this.heartbeatSeconds = heartbeatSeconds;
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, c -> {
            c.setIdleTimeout(Duration.ofMinutes(2));
            c.addMapping("/api/v1/ws", (rq, rs, cb) -> new Peer());
        });
        server.setHandler(ws);
        server.start();
    }

    int port() {
        return connector.getLocalPort();
    }

    String url() {
        return "ws://127.0.0.1:" + port() + "/api/v1/ws";
    }

    /** Sends a message to the logged-in node. */
    /**
     * Pauses the relayer as SIGSTOP would: connections stay up and new ones are accepted by the kernel, but
     * nothing is read, answered or greeted until {@link #resume()}.
     */
    void freeze() {
        synchronized (pause) {
            frozen = true;
        }
    }

    /** Resumes a {@link #freeze() frozen} relayer: what arrived meanwhile is handled in order, as a resumed process would. */
    void resume() {
        synchronized (pause) {
            frozen = false;
            held.forEach(Runnable::run);
            held.clear();
        }
    }

    private void handle(Runnable work) {
        synchronized (pause) {
            if (frozen) {
                held.add(work);
            } else {
                work.run();
            }
        }
    }

    void send(Message m) {
        Peer p = peer;
        if (p == null) {
            throw new IllegalStateException("no node connected");
        }
        p.send(m);
    }

    /** Drops the node's connection without a close handshake. */
    void disconnect() {
        Peer p = peer;
        if (p != null && p.session != null) {
            p.session.disconnect();
        }
    }

    /** Waits for the next message the node sends that matches, skipping others (heartbeats, pongs...). */
    <T extends Message> T await(Class<T> type, Predicate<T> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Message> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeout + "; saw " + skipped);
            }
            Message m = received.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                continue;
            }
            if (type.isInstance(m) && match.test(type.cast(m))) {
                return type.cast(m);
            }
            skipped.add(m);
        }
    }

    <T extends Message> T await(Class<T> type, Duration timeout) throws InterruptedException {
        return await(type, m -> true, timeout);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    public final class Peer extends Session.Listener.AbstractAutoDemanding {
        private volatile Session session;
        private volatile Messages.Challenge challenge;

        @Override
        public void onWebSocketOpen(Session s) {
            super.onWebSocketOpen(s);
            session = s;
            connections.incrementAndGet();
            handle(this::greet);
        }

        private void greet() {
            Felt nonce = Felt.of(new BigInteger(248, new SecureRandom()));
            challenge = new Messages.Challenge(Messages.newId(), nonce, System.currentTimeMillis() / 1000 + 60,
                    CHAIN.name(), "scripted");
            send(challenge);
        }

        @Override
        public void onWebSocketText(String text) {
            handle(() -> answer(text));
        }

        private void answer(String text) {
            Message m = CODEC.decode(text);
            all.add(m);
            received.add(m);
            if (m instanceof Messages.NodeRegister reg) {
                Felt key = publishedKeys.get(reg.address());
                Felt hash = Snip12.loginHash(Snip12.Domain.smainer(CHAIN), reg.address(), reg.nonce(), reg.expiresAt());
                if (key == null || !reg.nonce().equals(challenge.nonce()) || !crypto.verify(key, hash, reg.signature())) {
                    send(new Messages.ErrorMessage(Messages.newId(), reg.id(), "login_refused",
                            "signature does not match the key published on-chain", Optional.of("signature")));
                    session.close();
                    return;
                }
                peer = this;
                logins.incrementAndGet();
                send(new Messages.Ack(Messages.newId(), reg.id(), "node-" + reg.address().hex(), heartbeatSeconds));
            } else if (m instanceof Messages.Ping ping) {
                send(new Messages.Pong(Messages.newId(), ping.id()));
            } else if ((m instanceof Messages.TaskCompleted || m instanceof Messages.TaskFailed)
                    && deferReports.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(new Messages.ErrorMessage(Messages.newId(), m.id(), "internal",
                        "the relayer could not handle " + m.type() + "; send it again later", Optional.empty()));
            } else if ((m instanceof Messages.TaskCompleted || m instanceof Messages.TaskFailed) && autoAck) {
                send(new Messages.Ack(Messages.newId(), m.id(), "", 0));
            }
        }

        synchronized void send(Message m) {
            session.sendText(CODEC.encode(m), Callback.NOOP);
        }
    }
}
