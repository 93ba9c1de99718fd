package io.smainer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.smainer.SmainerException;
import io.smainer.SmainerVersion;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Ledger;
import io.smainer.protocol.Api;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.TaskStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's retries, against a real HTTP server on loopback that answers 503 a few times, or no server at all. */
class SmainerClientRetryTest {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();
    private final Ledger ledger = Ledger.builder().owner(ContractAddress.of(1)).relayer(ContractAddress.of(2))
            .treasury(ContractAddress.of(3)).build();
    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    private HttpServer server;
    private final List<String> userAgents = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private SmainerClient client(URI relayer, Duration timeout) {
        return SmainerClient.builder().relayer(relayer).escrow(ledger.client(ContractAddress.of(0x20)))
                .keyPair(KeyPair.generate(new SecureRandom(), crypto)).chainId(ChainId.LOCAL).crypto(crypto)
                .timeout(timeout).build();
    }

    /** A relayer whose store is down for the first {@code outage} requests: 503 store_unavailable, Retry-After 1. */
    private URI flaky(int outage, AtomicInteger calls) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Api.TaskView view = new Api.TaskView("t1", TaskStatus.PENDING, U256.of(7), ContractAddress.of(0x20), "echo",
                Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty(), 1, 1,
                Optional.empty());
        server.createContext("/api/v1/tasks/t1", ex -> {
            userAgents.add(ex.getRequestHeaders().getFirst("User-Agent"));
            boolean down = calls.incrementAndGet() <= outage;
            byte[] body = (down ? CODEC.toJson(new Api.ErrorBody("store_unavailable", "the relayer's store is unavailable",
                    Optional.empty())) : CODEC.toJson(view)).getBytes(StandardCharsets.UTF_8);
            if (down) {
                ex.getResponseHeaders().add("Retry-After", "1");
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(down ? 503 : 200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void aStoreOutageShorterThanTheTimeoutIsWaitedOutHonouringRetryAfter() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        SmainerClient client = client(flaky(2, calls), Duration.ofSeconds(10));
        long start = System.nanoTime();

        assertThat(client.task("t1").taskId()).isEqualTo("t1");

        assertThat(calls.get()).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void requestsNameTheSdkAndItsVersionInUserAgent() throws IOException {
        SmainerClient client = client(flaky(0, new AtomicInteger()), Duration.ofSeconds(5));

        client.task("t1");

        assertThat(userAgents).singleElement().isEqualTo("smainer-sdk/" + SmainerVersion.current() + " (Java "
                + Runtime.version() + ")");
    }

    @Test
    void anOutageLongerThanTheTimeoutEndsWithTheRelayersAnswer() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        SmainerClient client = client(flaky(100, calls), Duration.ofMillis(2500));

        assertThatThrownBy(() -> client.task("t1")).isInstanceOfSatisfying(RelayerApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("store_unavailable");
        });
        assertThat(calls.get()).isBetween(2, 3);
    }

    @Test
    void aRelayerThatIsNotListeningSaysConnectionRefusedAndHowManyTriesNeverNull() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SmainerClient client = client(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(3));

        assertThatThrownBy(() -> client.task("t1")).isInstanceOf(SmainerException.class)
                .hasMessageContaining("could not be reached").hasMessageContaining("tries")
                .hasMessageContaining("connection refused").hasMessageNotContaining("null");
    }

    @Test
    void backPressureAnswersGoToTheCallerOutagesAreRetried() {
        assertThat(SmainerClient.retryable(503, "relayer_busy")).isFalse();
        assertThat(SmainerClient.retryable(503, "no_provider")).isFalse(); // a quota of unmatched tasks: the caller's call
        assertThat(SmainerClient.retryable(503, "store_unavailable")).isTrue();
        assertThat(SmainerClient.retryable(502, "chain_reverted")).isTrue();
        assertThat(SmainerClient.retryable(400, "invalid_field")).isFalse();
    }

    @Test
    void describesAFailureWithoutAMessageByItsKind() {
        assertThat(SmainerClient.describe(new ConnectException())).isEqualTo("connection refused");
        assertThat(SmainerClient.describe(new IOException(new ConnectException("Connection refused"))))
                .isEqualTo("java.net.ConnectException: Connection refused");
    }
}
