package io.smainer.relayer.it;

import static io.smainer.relayer.it.LocalNetwork.caps;
import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Quote;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard at {@code /}, rendered by a real headless Chromium (Debian's {@code chromium}) against a
 * real relayer that has run and settled a task: the page must show the provider, the task counts and a
 * fee quote that all came from the API. Skipped, with the reason printed, when chromium is not installed.
 */
class DashboardIT {
    private static final Duration CHROMIUM_LIMIT = Duration.ofSeconds(90);
    private final HttpClient http = HttpClient.newHttpClient();
    @RegisterExtension
    final LocalNetwork.Scope networks = new LocalNetwork.Scope();
    private LocalNetwork net;

    static Optional<Path> chromium() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void servesTheDashboardFilesWithAStrictContentPolicy() throws Exception {
        net = networks.start(Map.of());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(net.relayer.uri().resolve("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        assertThat(page.body()).contains("<script src=\"/dashboard.js\"").doesNotContain("http://").doesNotContain("https://");
        HttpResponse<String> js = http.send(HttpRequest.newBuilder(net.relayer.uri().resolve("/dashboard.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(js.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("/fees/quote");
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(net.relayer.uri().resolve("/../pom.xml")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isIn(400, 404);
    }

    @Test
    void headlessChromiumRendersProvidersTasksAndAQuoteFromTheApi() throws Exception {
        Optional<Path> browser = chromium();
        if (browser.isEmpty()) {
            System.out.println("DashboardIT skipped: chromium is not installed (apt-get install chromium)");
        }
        Assumptions.assumeTrue(browser.isPresent(), "chromium is not installed");
        net = networks.start(Map.of());
        TestProvider p = net.online(1, caps(2), TestProvider.Behaviour.HONEST);
        SmainerClient client = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(net.demanderKey).chainId(ChainId.LOCAL).build();
        JobSpec job = JobSpec.of("echo", Map.of(), "dashboard".getBytes(StandardCharsets.UTF_8));
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated created = client.submit(funded.escrowId(), job);
        client.awaitResult(created.taskId(), Duration.ofSeconds(20));

        String dom = dumpDom(browser.get(), net.relayer.uri().resolve("/").toString());
        String shot = System.getProperty("dashboard.screenshot");
        if (shot != null) {
            screenshot(browser.get(), net.relayer.uri().resolve("/").toString(), Path.of(shot));
        }

        assertThat(dom).contains("data-state=\"live\"");
        assertThat(dom).contains("data-node-id=\"" + p.address.hex() + "\"");
        assertThat(dom).as("the public page shows aggregates, never a task").doesNotContain(created.taskId())
                .contains("data-reason=\"no_kind\"");
        assertThat(dom).containsPattern("id=\"count-settled\"[^>]*>1<");
        assertThat(dom).containsPattern("id=\"nodes-online\"[^>]*>1<");
        Quote oneStrk = FeeMath.quote(TokenAmount.parseStrk("1"), Tier.BASIC);
        assertThat(dom).contains("data-base-units=\"" + oneStrk.escrow() + "\"");
        assertThat(dom).contains("data-base-units=\"" + oneStrk.treasury() + "\"");
        assertThat(dom).contains("data-base-units=\"" + oneStrk.provider() + "\"");
    }

    /** For a person to look at: {@code -Ddashboard.screenshot=/tmp/dashboard.png}. */
    static void screenshot(Path chromium, String url, Path png) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        try {
            Process proc = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1400",
                    "--virtual-time-budget=5000", "--screenshot=" + png.toAbsolutePath(), url)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!proc.waitFor(CHROMIUM_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                proc.descendants().forEach(ProcessHandle::destroyForcibly);
                proc.destroyForcibly();
            }
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Runs chromium on the page and returns the DOM after its scripts ran. */
    static String dumpDom(Path chromium, String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        Path out = Files.createTempFile("dom-", ".html");
        try {
            Process proc = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                    "--virtual-time-budget=5000", "--dump-dom", url)
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!proc.waitFor(CHROMIUM_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                proc.descendants().forEach(ProcessHandle::destroyForcibly);
                proc.destroyForcibly();
                throw new AssertionError("chromium did not finish within " + CHROMIUM_LIMIT);
            }
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
