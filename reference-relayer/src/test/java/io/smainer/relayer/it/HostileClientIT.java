package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.read.ListAppender;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.RelayerApiException;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.Snip12;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.RelayerConfig;
import io.smainer.relayer.TrustLimits;
import io.smainer.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The hostile-client suite: every finding of issue 17 run as an attack against a real relayer on loopback
 * (real Jetty, real WebSocket, real Stark signatures, the in-process ledger), each bounded in count and time,
 * each asserting what stops it. The figures each attack prints are the ones docs/trust-model.md quotes.
 */
class HostileClientIT {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).build();
    /** The bystander's own client: the attacker's client, busy sending, must not be what delays its answers. */
    private final HttpClient bystander = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    @RegisterExtension
    final LocalNetwork.Scope networks = new LocalNetwork.Scope();
    private LocalNetwork net;

    private LocalNetwork start(Map<String, String> settings) throws Exception {
        net = networks.start(settings);
        return net;
    }

    private SmainerClient client() {
        return SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander).keyPair(net.demanderKey)
                .chainId(ChainId.LOCAL).build();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(net.relayer.uri().resolve(path));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(at("/api/v1" + path));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(at("/api/v1" + path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    private static JobSpec echo(String text) {
        return JobSpec.of("echo", Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    /** A signed request as the SDK writes it, to be tampered with. */
    private Api.SubmitTask signedRequest(U256 escrowId, JobSpec job, SettlementMode settlement, Optional<String> webhook) {
        Felt nonce = Felt.of(System.nanoTime() & 0xffffffffffffL);
        long expiresAt = Instant.now().getEpochSecond() + 120;
        Felt hash = Snip12.requestHash(Snip12.Domain.smainer(ChainId.LOCAL), LocalNetwork.DEMANDER, escrowId,
                job.contentHash(), Api.SubmitTask.termsHash(settlement, webhook), nonce, expiresAt);
        return new Api.SubmitTask(escrowId, job, settlement, LocalNetwork.DEMANDER, nonce, expiresAt,
                net.crypto.sign(net.demanderKey.privateKey(), hash), webhook);
    }

    /** A bystander's {@code GET /health}, timed; -1 when it got no answer within its 3 s. */
    private long healthMillis() {
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> r = bystander.send(at("/api/v1/health").timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? (System.nanoTime() - t0) / 1_000_000 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    // ---- 1: results are their demander's ----

    @Test
    void aBystanderCannotListTasksNorReadAnotherDemandersResult() throws Exception {
        start(Map.of());
        net.online(1, LocalNetwork.caps(2), TestProvider.Behaviour.HONEST);
        SmainerClient owner = client();
        JobSpec job = echo("my private prompt");
        CreatedTask funded = owner.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated t = owner.submit(funded.escrowId(), job);
        assertThat(new String(owner.awaitResult(t.taskId(), Duration.ofSeconds(20)).result(), StandardCharsets.UTF_8))
                .as("the demander reads its own result through the SDK, which signs its reads")
                .isEqualTo("my private prompt");
        assertThat(owner.task(t.taskId()).escrowId()).isEqualTo(funded.escrowId());

        HttpResponse<String> list = get("/tasks");
        HttpResponse<String> result = get("/tasks/" + t.taskId() + "/result");
        HttpResponse<String> view = get("/tasks/" + t.taskId());
        System.out.printf("attack 1: list %d, result %d, details %s%n", list.statusCode(), result.statusCode(),
                view.body());
        assertThat(list.statusCode()).as("lists are the operator's").isEqualTo(401);
        assertThat(result.statusCode()).isEqualTo(401);
        assertThat(result.body()).doesNotContain(Base64.getEncoder().encodeToString(job.payload()));
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.body()).as("a bystander sees the status only").contains("\"status\":\"settled\"")
                .doesNotContain("demander").doesNotContain("escrow_id").doesNotContain("result_hash");
        // a read signed by another key, for the demander's account, is refused
        SmainerClient thief = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(KeyPair.generate(net.random, net.crypto)).chainId(ChainId.LOCAL).build();
        Assertions.assertThatThrownBy(() -> thief.result(t.taskId()))
                .isInstanceOfSatisfying(RelayerApiException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
        // the public dashboard fetches no task list
        assertThat(send(at("/dashboard.js")).body()).doesNotContain("/tasks");
    }

    @Test
    void anotherApiClientCannotReadATaskButItsOwnClientAndTheOperatorCan() throws Exception {
        start(Map.of("operator_clients", "ops",
                "api_keys", "ops:operator-key-0123456789,shop:shop-key-0123456789,rival:rival-key-0123456789"));
        net.online(1, LocalNetwork.caps(2), TestProvider.Behaviour.HONEST);
        SmainerClient shop = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(net.demanderKey).chainId(ChainId.LOCAL).apiKey("shop-key-0123456789").build();
        JobSpec job = echo("the shop's prompt");
        CreatedTask funded = shop.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated t = shop.submit(funded.escrowId(), job);
        assertThat(shop.awaitResult(t.taskId(), Duration.ofSeconds(20)).result()).isEqualTo(job.payload());
        HttpResponse<String> rival = send(at("/api/v1/tasks/" + t.taskId() + "/result")
                .header("X-Api-Key", "rival-key-0123456789"));
        HttpResponse<String> rivalList = send(at("/api/v1/tasks").header("X-Api-Key", "rival-key-0123456789"));
        HttpResponse<String> shopRead = send(at("/api/v1/tasks/" + t.taskId() + "/result")
                .header("X-Api-Key", "shop-key-0123456789"));
        HttpResponse<String> ops = send(at("/api/v1/tasks/" + t.taskId() + "/result")
                .header("X-Api-Key", "operator-key-0123456789"));
        HttpResponse<String> opsList = send(at("/api/v1/tasks").header("X-Api-Key", "operator-key-0123456789"));
        System.out.printf("attack 1b: rival result %d, rival list %d; own client %d, operator %d, operator list %d%n",
                rival.statusCode(), rivalList.statusCode(), shopRead.statusCode(), ops.statusCode(), opsList.statusCode());
        assertThat(rival.statusCode()).isEqualTo(403);
        assertThat(rivalList.statusCode()).isEqualTo(403);
        assertThat(shopRead.statusCode()).isEqualTo(200);
        assertThat(ops.statusCode()).isEqualTo(200);
        assertThat(opsList.body()).contains(t.taskId());
    }

    // ---- 2: the signature covers every field that changes what happens ----

    @Test
    void aSignedRequestChangedInTransitIsRefused() throws Exception {
        start(Map.of("webhook_secrets", LocalNetwork.DEMANDER.hex() + ":0123456789abcdef0123"));
        JobSpec job = echo("x");
        SmainerClient client = client();
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.SubmitTask honest = signedRequest(funded.escrowId(), job, SettlementMode.FLAT, Optional.empty());
        Api.SubmitTask effort = new Api.SubmitTask(honest.escrowId(), honest.job(), SettlementMode.EFFORT,
                honest.demander(), honest.nonce(), honest.expiresAt(), honest.signature(), honest.webhookUrl());
        Api.SubmitTask hooked = new Api.SubmitTask(honest.escrowId(), honest.job(), honest.settlement(),
                honest.demander(), honest.nonce(), honest.expiresAt(), honest.signature(),
                Optional.of("http://127.0.0.1:9/steal"));
        HttpResponse<String> a = post("/tasks", CODEC.toJson(effort));
        HttpResponse<String> b = post("/tasks", CODEC.toJson(hooked));
        System.out.printf("attack 2: settlement changed -> %d, webhook added -> %d%n", a.statusCode(), b.statusCode());
        assertThat(a.statusCode()).isEqualTo(401);
        assertThat(a.body()).contains("\"field\":\"signature\"");
        assertThat(b.statusCode()).isEqualTo(401);
        assertThat(post("/tasks", CODEC.toJson(honest)).statusCode()).as("the request as signed").isEqualTo(201);
    }

    // ---- 3: webhooks do not reach internal addresses ----

    @Test
    void aWebhookToAnInternalAddressIsRefused() throws Exception {
        start(Map.of("webhook_secrets", LocalNetwork.DEMANDER.hex() + ":0123456789abcdef0123",
                "webhook.allow_private_addresses", "false"));
        SmainerClient client = client();
        List<String> refused = new ArrayList<>();
        for (String url : List.of("http://127.0.0.1:" + net.relayer.port() + "/admin", "http://localhost:5050/rpc",
                "http://[::1]/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://0.0.0.0:80/",
                "http://[::ffff:127.0.0.1]/", "http://192.168.1.1/")) {
            JobSpec job = echo(url);
            CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            HttpResponse<String> r = post("/tasks", CODEC.toJson(signedRequest(funded.escrowId(), job, SettlementMode.FLAT,
                    Optional.of(url))));
            if (r.statusCode() == 400 && r.body().contains("\"field\":\"webhook_url\"")) {
                refused.add(url);
            }
        }
        System.out.printf("attack 3: %d of 8 internal webhook destinations refused%n", refused.size());
        assertThat(refused).hasSize(8);
    }

    // ---- 4: slow bodies do not take the server ----

    @Test
    void twoHundredSlowBodiesLeaveHealthAnswering() throws Exception {
        start(Map.of("limits.body_read_timeout_millis", "3000"));
        assertThat(healthMillis()).as("the bystander, already connected before the attack").isNotNegative();
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", net.relayer.port()), 2000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{\"escrow_id\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(s);
            }
            List<Long> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                for (Socket s : slow) {
                    trickle(s);
                }
                answers.add(healthMillis());
            }
            System.out.printf("attack 4: 200 slow bodies: bystander /health in ms (-1: none within 3 s): %s%n", answers);
            assertAnswered(answers);
            // a body that trickles past limits.body_read_timeout_millis is cut off
            Socket first = slow.get(0);
            first.setSoTimeout(10_000);
            Await.until(Duration.ofSeconds(10), () -> closedByServer(first), () -> "a slow body cut off");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /**
     * Every bystander request answered, the typical one within a second. The median, not the maximum: the suite runs
     * on shared build machines where one request in five can wait on another process's CPU whatever the relayer does.
     */
    private static void assertAnswered(List<Long> millis) {
        assertThat(millis).as("every bystander request answered within 3 s").doesNotContain(-1L);
        List<Long> sorted = millis.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() / 2)).as("the median bystander answer, ms").isLessThan(1000);
    }

    private static void trickle(Socket s) {
        try {
            s.getOutputStream().write('1');
            s.getOutputStream().flush();
        } catch (IOException e) {
            // the server cut it off: what it should do in the end
        }
    }

    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return true;
        }
    }

    // ---- 5: big bodies are bounded in memory ----

    @Test
    void manyBigBodiesAreRefusedWith503PastTheBytesInFlight() throws Exception {
        start(Map.of("limits.max_body_bytes", "2097152", "limits.max_queued_bytes", "8388608",
                "limits.body_bytes_in_flight", "8388608", "limits.body_bytes_in_flight_per_address", "4194304"));
        assertThat(healthMillis()).as("the bystander, already connected before the attack").isNotNegative();
        int bodies = 20;
        byte[] big = new byte[(2 << 20) - 16];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger retryAfter = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        List<Long> answers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(bodies);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < bodies; i++) {
                sent.add(pool.submit(() -> {
                    try {
                        HttpResponse<String> r = http.send(at("/api/v1/tasks").timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 503) {
                            busy.incrementAndGet();
                            if (r.headers().firstValue("Retry-After").isPresent()) {
                                retryAfter.incrementAndGet();
                            }
                        } else if (r.statusCode() >= 500) {
                            other.incrementAndGet();
                        }
                    } catch (IOException e) {
                        if (other.incrementAndGet() == 1) {
                            System.out.println("attack 5: first failure: " + e);
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 5; i++) {
                answers.add(healthMillis());
            }
            for (Future<?> f : sent) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("attack 5: %d bodies of 2 MiB at once: %d answered 503 (%d with Retry-After), %d other 5xx or"
                + " reset; bystander /health in ms (-1: none within 3 s): %s%n", bodies, busy.get(), retryAfter.get(),
                other.get(), answers);
        assertThat(busy.get()).as("past 8 MiB in flight (4 MiB from one address) the answer is 503").isPositive();
        assertThat(retryAfter.get()).isEqualTo(busy.get());
        assertThat(other.get()).isZero();
        assertAnswered(answers);
    }

    // ---- 6: the queue cannot be filled for free ----

    @Test
    void tasksNobodyCanRunAreBoundedAndDroppedOnceTheirEscrowIsCancelled() throws Exception {
        start(Map.of("limits.max_unmatched_per_demander", "3", "scheduler.escrow_check_millis", "200"));
        net.online(1, LocalNetwork.caps(1), TestProvider.Behaviour.HONEST);
        SmainerClient client = client();
        List<String> accepted = new ArrayList<>();
        List<U256> escrows = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 6; i++) {
            JobSpec job = JobSpec.of("nobody-runs-this", Map.of(), ("junk " + i).getBytes(StandardCharsets.UTF_8));
            CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            HttpResponse<String> r = post("/tasks", CODEC.toJson(signedRequest(funded.escrowId(), job, SettlementMode.FLAT,
                    Optional.empty())));
            if (r.statusCode() == 201) {
                accepted.add(CODEC.fromJson(r.body(), Api.TaskCreated.class).taskId());
                escrows.add(funded.escrowId());
            } else if (r.statusCode() == 503 && r.body().contains("no_provider")) {
                refused++;
            }
        }
        Api.TaskView waiting = client.task(accepted.get(0));
        System.out.printf("attack 6: 6 tasks no provider runs: %d accepted, %d refused; why waiting: %s%n",
                accepted.size(), refused, waiting.waiting());
        assertThat(accepted).hasSize(3);
        assertThat(refused).isEqualTo(3);
        assertThat(waiting.waiting()).hasValueSatisfying(w -> assertThat(w).contains("nobody-runs-this"));
        for (U256 e : escrows) {
            net.demander.cancelTask(e);
        }
        Await.until(Duration.ofSeconds(10), () -> accepted.stream().allMatch(id -> client.task(id).status()
                == TaskStatus.FAILED), () -> "the tasks whose escrows were cancelled dropped");
        assertThat(client.task(accepted.get(0)).error()).hasValueSatisfying(e -> assertThat(e).contains("CANCELLED"));
        assertThat(get("/stats").body()).contains("\"waiting\"");
    }

    // ---- 7: WebSocket logins are limited and must happen ----

    @Test
    void junkLoginsAreRateLimitedAndSilentConnectionsClosedAtChallengeExpiry() throws Exception {
        start(Map.of("challenge_seconds", "5", "limits.ws_logins_per_second", "5", "limits.ws_login_burst", "10"));
        List<RawSocket> sockets = new ArrayList<>();
        int limited = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            RawSocket s = RawSocket.open(net, 0x7000 + i);
            sockets.add(s);
        }
        for (RawSocket s : sockets) {
            s.loginAsJunk();
        }
        for (RawSocket s : sockets) {
            Await.until(Duration.ofSeconds(10), () -> s.errorCode().isPresent() || !s.live(), () -> "an answer");
            if (s.errorCode().filter("rate_limited"::equals).isPresent()) {
                limited++;
            }
        }
        System.out.printf("attack 7a: 40 junk logins from one address in %d ms: %d refused as rate_limited%n",
                (System.nanoTime() - t0) / 1_000_000, limited);
        assertThat(limited).isGreaterThanOrEqualTo(25);

        // one that never logs in, kept alive by pings, is closed once its challenge expires
        RawSocket idle = RawSocket.open(net, 0x7999);
        long opened = System.nanoTime();
        Await.until(Duration.ofSeconds(15), () -> {
            idle.ping();
            return !idle.live();
        }, () -> "an idle connection closed at its challenge's expiry");
        System.out.printf("attack 7b: a connection that never logged in closed after %d ms%n",
                (System.nanoTime() - opened) / 1_000_000);

        // frames before login are small: a frame that declares 1 MiB is refused once the first 64 KiB are read
        long sent = System.nanoTime();
        int status = closeStatusAfterOversizedFrame(net.wsUri(), 1 << 20, TrustLimits.DEFAULT_WS_FRAME_BYTES_BEFORE_LOGIN + 1);
        System.out.printf("attack 7c: a 1 MiB frame before login closed the connection with status %d after %d ms%n",
                status, (System.nanoTime() - sent) / 1_000_000);
        assertThat(status).isEqualTo(1009);
        for (RawSocket s : sockets) {
            s.close();
        }
    }

    /** A bare WebSocket client that keeps what the relayer says. */
    /**
     * Opens a WebSocket over a plain socket, sends one masked text frame whose header declares {@code declared}
     * payload bytes but carries only the first {@code carried}, and reads what the relayer sends until its close
     * frame. A WebSocket client library cannot be used here: one that goes on writing the frame after the relayer
     * closed fails its own write and reports 1006 (no close frame seen) instead of the relayer's status. Sending
     * no more than the relayer reads before it refuses leaves nothing unread at its close, and reading the close
     * frame is independent of how the write ends.
     *
     * @return the status of the relayer's close frame, or -1 when the connection ended without one
     */
    private static int closeStatusAfterOversizedFrame(URI ws, long declared, int carried) throws Exception {
        try (Socket socket = new Socket(ws.getHost(), ws.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("GET " + ws.getPath() + " HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("the upgrade answer ended early: %s", head).isNotNegative();
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");

            byte[] frame = new byte[2 + 8 + 4 + carried]; // FIN + text, masked, 64-bit length, mask 0: payload as is
            frame[0] = (byte) 0x81;
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (declared >>> (56 - 8 * i));
            }
            Arrays.fill(frame, 14, frame.length, (byte) 'x');
            out.write(frame);
            out.flush();

            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return -1;
                }
                long length = b1 & 0x7f;
                if (length >= 126) {
                    int extra = length == 126 ? 2 : 8;
                    length = 0;
                    for (int i = 0; i < extra; i++) {
                        length = length << 8 | in.read();
                    }
                }
                byte[] payload = in.readNBytes((int) length);
                if ((b0 & 0x0f) == 0x8) {
                    return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : -1;
                }
            }
        }
    }

    public static final class RawSocket extends Session.Listener.AbstractAutoDemanding {
        final List<Api.ErrorBody> errors = new CopyOnWriteArrayList<>();
        final CompletableFuture<Messages.Challenge> challenge = new CompletableFuture<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final int address;
        volatile Session session;

        RawSocket(int address) {
            this.address = address;
        }

        static RawSocket open(LocalNetwork net, int address) throws Exception {
            RawSocket s = new RawSocket(address);
            net.ws.connect(s, net.wsUri()).get(5, TimeUnit.SECONDS);
            s.challenge.get(5, TimeUnit.SECONDS);
            return s;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            super.onWebSocketOpen(s);
            session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            var m = CODEC.decode(text);
            if (m instanceof Messages.Challenge c) {
                challenge.complete(c);
            } else if (m instanceof Messages.ErrorMessage e) {
                errors.add(new Api.ErrorBody(e.code(), e.message(), e.field()));
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closeCode.complete(statusCode);
        }

        void loginAsJunk() throws Exception {
            var c = challenge.get();
            var junk = new Messages.NodeRegister(Messages.newId(),
                    ContractAddress.of(address), c.nonce(), c.expiresAt(),
                    new Signature(Felt.of(1), Felt.of(2)),
                    new NodeCapabilities("junk", List.of("echo"), List.of(), Tier.BASIC, 1));
            session.sendText(CODEC.encode(junk), Callback.NOOP);
        }

        void ping() {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.sendText(CODEC.encode(new Messages.Ping(Messages.newId())),
                        Callback.NOOP);
            }
        }

        Optional<String> errorCode() {
            return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0).error());
        }

        boolean live() {
            Session s = session;
            return s != null && s.isOpen() && !closeCode.isDone();
        }

        void close() {
            Session s = session;
            if (s != null && s.isOpen()) {
                s.close();
            }
        }
    }

    // ---- 8: client errors are 4xx, in the JSON shape, without stack traces ----

    @Test
    void clientErrorsAre4xxInTheJsonShapeAndLoggedWithoutStacks() throws Exception {
        start(Map.of());
        try (LogCapture logs = LogCapture.start()) {
            HttpResponse<String> utf = get("/fees/quote?amount=%ff");
            String chunked = raw("POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: application/json\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
            HttpResponse<String> page = send(at("/nothing-here"));
            HttpResponse<String> badMethod = send(at("/api/v1/health").method("PATCH", HttpRequest.BodyPublishers.noBody()));
            System.out.printf("attack 8: %%ff -> %d, bad chunk -> %s, outside /api/v1 -> %d %s, stack traces logged %d%n",
                    utf.statusCode(), chunked.lines().findFirst().orElse(""), page.statusCode(),
                    page.headers().firstValue("Content-Type").orElse(""), logs.withStacks());
            assertThat(utf.statusCode()).isEqualTo(400);
            assertThat(utf.body()).contains("\"field\":\"query\"");
            assertThat(chunked).startsWith("HTTP/1.1 400");
            assertThat(chunked).contains("\"error\":");
            assertThat(page.statusCode()).isEqualTo(404);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(page.body()).contains("\"error\":\"not_found\"");
            assertThat(badMethod.statusCode()).isEqualTo(405);
            assertThat(logs.withStacks()).isZero();
        }
    }

    private String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", net.relayer.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            return "no answer";
        }
    }

    // ---- 9: strict parsing ----

    @Test
    void lenientOrLossyJsonIsRefusedNamingTheFieldInPlainWords() throws Exception {
        start(Map.of());
        JobSpec job = echo("x");
        CreatedTask funded = client().createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        String good = CODEC.toJson(signedRequest(funded.escrowId(), job, SettlementMode.FLAT, Optional.empty()));
        long exp = Instant.now().getEpochSecond() + 60;
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("expires_at wraps", good.replaceFirst("\"expires_at\":\\d+",
                "\"expires_at\":" + BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(exp))));
        attacks.put("fraction", good.replaceFirst("\"expires_at\":\\d+", "\"expires_at\":" + exp + ".5"));
        attacks.put("comment", good.replaceFirst("\\{", "{/* hi */"));
        attacks.put("single quotes", good.replaceFirst("\"escrow_id\"", "'escrow_id'"));
        attacks.put("unquoted key", good.replaceFirst("\"escrow_id\"", "escrow_id"));
        attacks.put("NaN", good.replaceFirst("\"expires_at\":\\d+", "\"expires_at\":NaN"));
        attacks.put("duplicate key", good.replaceFirst("\\{", "{\"settlement\":\"effort\","));
        attacks.put("timeout wraps", good.replaceFirst("\"timeout_millis\":\\d+", "\"timeout_millis\":18446744073709851616"));
        int refused = 0;
        for (Map.Entry<String, String> a : attacks.entrySet()) {
            HttpResponse<String> r = post("/tasks", a.getValue());
            Api.ErrorBody err = r.statusCode() == 400 ? CODEC.fromJson(r.body(), Api.ErrorBody.class) : null;
            boolean plain = err != null && !err.message().matches("(?s).*(Exception|com\\.google|\\$\\.|line \\d+ column).*");
            System.out.printf("attack 9 (%s): %d %s%n", a.getKey(), r.statusCode(), r.body());
            if (plain) {
                refused++;
            }
        }
        System.out.printf("attack 9: %d of %d lenient or lossy bodies refused in plain words%n", refused, attacks.size());
        assertThat(refused).isEqualTo(attacks.size());
        assertThat(post("/tasks", good).statusCode()).isEqualTo(201);
    }

    // ---- 10: log injection ----

    @Test
    void aProviderNameWithANewlineCannotForgeALogLine() throws Exception {
        start(Map.of());
        try (LogCapture logs = LogCapture.start()) {
            NodeCapabilities forged = new NodeCapabilities("evil\n00:00:00.000 INFO  [main] Relayer - settled all tasks",
                    List.of("echo"), List.of(), Tier.PREMIUM, 1);
            net.online(7, forged, TestProvider.Behaviour.HONEST);
            Await.until(Duration.ofSeconds(5), () -> logs.text().contains("logged in"), () -> "the login logged");
            String text = logs.text();
            long forgedLines = text.lines().filter(l -> l.startsWith("00:00:00.000")).count();
            System.out.println("attack 10: forged log lines: " + forgedLines);
            assertThat(text).contains("logged in");
            assertThat(text.lines()).noneMatch(l -> l.startsWith("00:00:00.000"));
        }
    }

    // ---- 11: papercuts ----

    @Test
    void papercuts() throws Exception {
        assertThat(RelayerConfig.defaults().server().host()).as("loopback unless configured").isEqualTo("127.0.0.1");
        start(Map.of("settlement.max_delay_millis", "50"));
        HttpResponse<Void> head = http.send(at("/api/v1/health").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> unknownKey = send(at("/api/v1/health").header("Authorization", "Bearer nobody-knows-it")
                .header("X-Api-Key", "nor-this"));
        System.out.printf("attack 11: HEAD /health %d, unknown key with no keys configured %d%n", head.statusCode(),
                unknownKey.statusCode());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(unknownKey.statusCode()).isEqualTo(200);
        // a long poll answered early leaves no timer behind
        net.online(1, LocalNetwork.caps(1), TestProvider.Behaviour.HONEST);
        SmainerClient client = client();
        JobSpec job = echo("quick");
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated t = client.submit(funded.escrowId(), job);
        long t0 = System.nanoTime();
        client.awaitResult(t.taskId(), Duration.ofSeconds(20));
        long took = (System.nanoTime() - t0) / 1_000_000;
        Await.until(Duration.ofSeconds(2), () -> getBody("/metrics").contains("smainer_http_long_polls 0.0\n")
                && getBody("/metrics").contains("smainer_http_long_poll_timers 0.0\n"), () -> "no long-poll timer left");
        System.out.printf("attack 11: the long poll answered in %d ms and left no timer%n", took);
    }

    private String getBody(String path) {
        try {
            return get(path).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The log lines written while it is open, as the test's logback layout writes them. */
    static final class LogCapture implements AutoCloseable {
        private final ListAppender<ILoggingEvent> events = new ListAppender<>();
        private final Logger root;
        private final Layout<ILoggingEvent> layout;

        @SuppressWarnings("unchecked")
        private LogCapture() {
            LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
            root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            OutputStreamAppender<ILoggingEvent> out = (OutputStreamAppender<ILoggingEvent>) root.getAppender("OUT");
            layout = ((LayoutWrappingEncoder<ILoggingEvent>) out.getEncoder()).getLayout();
            events.setContext(ctx);
            events.start();
            root.addAppender(events);
        }

        static LogCapture start() {
            return new LogCapture();
        }

        long withStacks() {
            return events.list.stream().filter(e -> e.getThrowableProxy() != null).count();
        }

        String text() {
            StringBuilder b = new StringBuilder();
            for (ILoggingEvent e : List.copyOf(events.list)) {
                b.append(layout.doLayout(e));
            }
            return b.toString();
        }

        @Override
        public void close() {
            root.detachAppender(events);
        }
    }
}
