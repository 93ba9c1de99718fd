package io.smainer.provider.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.provider.ProviderNode;
import io.smainer.provider.ProviderStatus;
import io.smainer.testing.PrometheusParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The status endpoint's probes and HTTP manners, on a real Jetty. */
class StatusServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private static ProviderStatus in(ProviderNode.State state) {
        return new ProviderStatus(state, Optional.of("0x1"), 0, 2, 3, 2, 1, 0, 0, 0, 4, Optional.of("relayer gone"));
    }

    private HttpResponse<String> send(StatusServer server, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReconnectingNodeIsAliveButNotReady() throws Exception {
        AtomicReference<ProviderStatus> status = new AtomicReference<>(in(ProviderNode.State.WAITING_TO_RECONNECT));
        StatusServer.Info info = new StatusServer.Info("n\"1", "ws://relayer", "0x1", "java", List.of("echo"), "basic",
                List.of());
        try (StatusServer server = StatusServer.start("127.0.0.1", 0, status::get, info)) {
            assertThat(send(server, "GET", "/livez").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = send(server, "GET", "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"state\": \"waiting_to_reconnect\"").contains("relayer gone");
            assertThat(send(server, "GET", "/health").statusCode()).isEqualTo(503);
            var families = PrometheusParser.text(send(server, "GET", "/metrics").body());
            assertThat(families.get("smainer_provider_ready").samples()).containsEntry("smainer_provider_ready", 0.0);
            assertThat(families.get("smainer_provider_tasks_accepted").samples())
                    .containsEntry("smainer_provider_tasks_accepted_total", 3.0);
            assertThat(families.get("smainer_provider_info").samples().keySet()).singleElement().asString()
                    .contains("name=\"n\"1\"");

            status.set(in(ProviderNode.State.READY));
            assertThat(send(server, "GET", "/readyz").statusCode()).isEqualTo(200);
            assertThat(send(server, "GET", "/health").statusCode()).isEqualTo(200);

            HttpResponse<String> head = send(server, "HEAD", "/readyz");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).contains("application/json");
            HttpResponse<String> delete = send(server, "DELETE", "/status");
            assertThat(delete.statusCode()).isEqualTo(405);
            assertThat(delete.headers().firstValue("Allow")).contains("GET, HEAD");
        }
    }
}
