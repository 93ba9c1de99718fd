package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.relayer.RedisServer;
import io.smainer.relayer.Relayer;
import io.smainer.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Liveness and readiness probes, and the drain on stop: readiness follows a real {@code redis-server} down and back,
 * and a request in flight when the relayer stops still gets its answer while new ones are refused.
 */
class HealthIT {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private LocalNetwork net;
    private RedisServer redis;

    @AfterEach
    void stop() throws Exception {
        if (net != null) {
            net.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(net.relayer.uri().resolve(URI.create("/api/v1" + path)))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void readinessIs503WhileRedisIsDownAnd200WhenItIsBack() throws Exception {
        Assumptions.assumeTrue(RedisServer.executable().isPresent(), "redis-server is not on the PATH");
        redis = RedisServer.start();
        net = new LocalNetwork(Map.of("redis.uri", redis.uri(), "redis.prefix", "health-it:"));
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"store\":\"ok\",\"draining\":false}");
        assertThat(get("/livez").statusCode()).isEqualTo(200);

        redis.pause(); // SIGSTOP: connections stay open and nothing answers
        try {
            Await.until(Duration.ofSeconds(30), () -> status("/readyz") == 503, () -> "readiness still 200 with Redis down");
            HttpResponse<String> down = get("/readyz");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"status\":\"not_ready\"").contains("\"store\":\"unavailable\"");
            assertThat(down.headers().firstValue("Retry-After")).isPresent();
            assertThat(get("/livez").statusCode()).as("alive: a restart would not bring Redis back").isEqualTo(200);
        } finally {
            redis.resume();
        }
        Await.until(Duration.ofSeconds(30), () -> status("/readyz") == 200, () -> "readiness not back to 200");
    }

    @Test
    void aStopLetsTheRequestInFlightFinishAndRefusesNewOnes() throws Exception {
        net = new LocalNetwork(Map.of());
        Relayer relayer = net.relayer;
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", relayer.port());
        try (Socket inFlight = new Socket(); Socket idle = new Socket()) {
            inFlight.connect(at, 2000);
            inFlight.setSoTimeout(15_000);
            idle.connect(at, 2000);
            idle.setSoTimeout(15_000);
            OutputStream out = inFlight.getOutputStream();
            out.write(("POST /api/v1/tasks HTTP/1.1\r\nHost: relayer\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Await.until(Duration.ofSeconds(10), () -> relayer.metrics().value("smainer_http_body_bytes_in_flight") == 2,
                    () -> "the request's body is not being read");

            long began = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(relayer::close);
            Await.until(Duration.ofSeconds(10), () -> refused(at), () -> "new connections are still served");
            assertThat(closing).as("the stop waits for the request in flight").isNotDone();
            String onIdle = exchange(idle, "GET /api/v1/readyz HTTP/1.1\r\nHost: relayer\r\n\r\n");
            assertThat(onIdle).as("a new request on an open connection").startsWith("HTTP/1.1 503");

            out.write("{}".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readHead(inFlight);
            assertThat(answer).as("the request in flight is answered, not cut").startsWith("HTTP/1.1 400");
            closing.get(Relayer.DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Relayer.DRAIN_TIMEOUT);
        }
    }

    /** @return true once the relayer takes no new connection, or answers a new one's request with 503 */
    private static boolean refused(InetSocketAddress at) {
        try (Socket s = new Socket()) {
            s.connect(at, 1000);
            s.setSoTimeout(2000);
            return exchange(s, "GET /api/v1/livez HTTP/1.1\r\nHost: relayer\r\nConnection: close\r\n\r\n")
                    .startsWith("HTTP/1.1 503");
        } catch (IOException e) {
            return true;
        }
    }

    private static String exchange(Socket s, String request) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return readHead(s);
    }

    private static String readHead(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            head.append(line).append('\n');
        }
        return head.toString();
    }
}
