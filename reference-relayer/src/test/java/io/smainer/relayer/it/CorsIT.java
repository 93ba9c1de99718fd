package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CORS for browser dApps through Jetty's {@code CrossOriginHandler}: off unless {@code http.cors_allowed_origins}
 * names origins, and then only for those.
 */
class CorsIT {
    private static final String DAPP = "https://dapp.example";
    private final HttpClient http = HttpClient.newHttpClient();
    @RegisterExtension
    final LocalNetwork.Scope networks = new LocalNetwork.Scope();
    private LocalNetwork net;

    private HttpResponse<String> preflight(String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(net.relayer.uri().resolve(URI.create("/api/v1/tasks")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-smainer-read-signature").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(net.relayer.uri().resolve(URI.create("/api/v1/health")))
                .header("Origin", origin).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void offByDefault() throws Exception {
        net = networks.start(Map.of());
        assertThat(preflight(DAPP).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> simple = get(DAPP);
        assertThat(simple.statusCode()).isEqualTo(200);
        assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theOriginsConfiguredAndNoOthers() throws Exception {
        net = networks.start(Map.of("http.cors_allowed_origins", DAPP + ",https://other.example"));
        HttpResponse<String> ok = preflight(DAPP);
        assertThat(ok.statusCode()).isBetween(200, 204);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).contains(DAPP);
        assertThat(ok.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(ok.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("content-type").contains("x-smainer-read-signature");
        HttpResponse<String> simple = get(DAPP);
        assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).contains(DAPP);
        assertThat(simple.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Retry-After");

        assertThat(preflight("https://evil.example").headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(get("https://evil.example").headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight("https://dapp.example.evil.example").headers().firstValue("Access-Control-Allow-Origin"))
                .as("an exact origin, not a prefix").isEmpty();
    }
}
