package io.smainer.relayer.bench;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.fee.Tier;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.ProtocolCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The connections benchmark's providers: {@code count} WebSocket connections from one process (Jetty's
 * client, a few threads for all), each a provider account that logs in by the challenge with a real
 * Stark signature and heartbeats as the relayer asks. Prints {@code CONNECTIONS logged_in=N} once all
 * are in (or the time is up); on {@code STOP} closes them and exits.
 */
public final class BenchConnections {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    private BenchConnections() {
    }

    /**
     * @param args relayer port, connection count
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Exception | Error e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        Snip12.Domain domain = Snip12.Domain.smainer(ChainId.LOCAL);
        NodeCapabilities caps = new NodeCapabilities("conn-bench", List.of("echo"), List.of(), Tier.BASIC, 1);
        HttpClient http = new HttpClient();
        http.setMaxConnectionsPerDestination(count + 10);
        http.start();
        WebSocketClient ws = new WebSocketClient(http);
        ws.setIdleTimeout(Duration.ofMinutes(10));
        ws.start();
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger loggedIn = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Session> sessions = Collections.synchronizedList(new ArrayList<>());
        Semaphore opening = new Semaphore(200);
        URI uri = URI.create("ws://127.0.0.1:" + port + "/api/v1/ws");
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            ContractAddress address = BenchAccounts.provider(i);
            KeyPair key = BenchAccounts.providerKey(i, crypto);
            opening.acquire();
            ws.connect(new Conn(address, key, crypto, domain, caps, loggedIn, failed, sessions, opening, beats), uri)
                    .exceptionally(e -> {
                failed.incrementAndGet();
                opening.release();
                return null;
            });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (loggedIn.get() + failed.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        System.out.printf("CONNECTIONS logged_in=%d failed=%d seconds=%.1f%n", loggedIn.get(), failed.get(),
                (System.nanoTime() - start) / 1e9);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("STOP")) {
                // hold the connections
            }
        }
        long open;
        synchronized (sessions) {
            open = sessions.stream().filter(Session::isOpen).count();
        }
        System.out.println("CONNECTIONS still_open=" + open);
        System.exit(0);
    }

    /** One provider connection; public because Jetty calls its methods reflectively. */
    public static final class Conn extends Session.Listener.AbstractAutoDemanding {
        private final ContractAddress address;
        private final KeyPair key;
        private final StarkCrypto crypto;
        private final Snip12.Domain domain;
        private final NodeCapabilities caps;
        private final AtomicInteger loggedIn;
        private final AtomicInteger failed;
        private final List<Session> sessions;
        private final Semaphore opening;
        private final ScheduledExecutorService beats;

        Conn(ContractAddress address, KeyPair key, StarkCrypto crypto, Snip12.Domain domain, NodeCapabilities caps,
                AtomicInteger loggedIn, AtomicInteger failed, List<Session> sessions, Semaphore opening,
                ScheduledExecutorService beats) {
            this.address = address;
            this.key = key;
            this.crypto = crypto;
            this.domain = domain;
            this.caps = caps;
            this.loggedIn = loggedIn;
            this.failed = failed;
            this.sessions = sessions;
            this.opening = opening;
            this.beats = beats;
        }

        @Override
        public void onWebSocketText(String text) {
            Message m = CODEC.decode(text);
            if (m instanceof Messages.Challenge c) {
                Felt hash = Snip12.loginHash(domain, address, c.nonce(), c.expiresAt());
                send(new Messages.NodeRegister(Messages.newId(), address, c.nonce(), c.expiresAt(),
                        crypto.sign(key.privateKey(), hash), caps));
            } else if (m instanceof Messages.Ack a && !a.nodeId().isEmpty()) {
                loggedIn.incrementAndGet();
                opening.release();
                sessions.add(getSession());
                int every = Math.max(1, a.heartbeatSeconds());
                beats.scheduleAtFixedRate(() -> {
                    if (getSession().isOpen()) {
                        send(new Messages.NodeHeartbeat(Messages.newId(), 0, 1));
                    }
                }, every, every, TimeUnit.SECONDS);
            } else if (m instanceof Messages.Ping p) {
                send(new Messages.Pong(Messages.newId(), p.id()));
            } else if (m instanceof Messages.ErrorMessage e) {
                System.out.println("refused " + address + ": " + e.code() + " " + e.message());
            }
        }

        private void send(Message m) {
            getSession().sendText(CODEC.encode(m), Callback.NOOP);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            failed.incrementAndGet();
            opening.release();
        }
    }
}
