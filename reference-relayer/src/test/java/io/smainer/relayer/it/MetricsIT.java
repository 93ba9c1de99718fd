package io.smainer.relayer.it;

import static io.smainer.relayer.it.LocalNetwork.caps;
import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.testing.PrometheusParser;
import io.smainer.testing.PrometheusParser.Family;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v1/metrics} read by Prometheus's own parsers: the text format 0.0.4 by default and OpenMetrics 1.0
 * when the scraper asks for it, with the relayer's series present from start-up, totals typed as counters, latency
 * histograms, the build info and the JVM metrics.
 */
class MetricsIT {
    private final HttpClient http = HttpClient.newHttpClient();
    @RegisterExtension
    final LocalNetwork.Scope networks = new LocalNetwork.Scope();
    private LocalNetwork net;

    private HttpResponse<String> get(String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(net.relayer.uri().resolve(URI.create("/api/v1" + path)));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Family family(Map<String, Family> families, String name) {
        Family f = families.get(name);
        assertThat(f).as("family %s in %s", name, families.keySet()).isNotNull();
        return f;
    }

    @Test
    void theScrapeIsWhatPrometheusParsesWithEverySeriesFromStartUp() throws Exception {
        net = networks.start(Map.of("settlement.max_delay_millis", "200"));
        HttpResponse<String> fresh = get("/metrics", null);
        assertThat(fresh.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        Map<String, Family> before = PrometheusParser.text(fresh.body());
        // present at zero before their first event (they were missing until then), totals typed as counters
        for (String counter : new String[] {"smainer_tasks_submitted", "smainer_tasks_assigned", "smainer_tasks_failed",
            "smainer_tasks_requeued", "smainer_tasks_settled", "smainer_settlement_batches",
            "smainer_settlement_reverts", "smainer_webhooks_delivered", "smainer_webhook_failures"}) {
            Family f = family(before, counter);
            assertThat(f.type()).as(counter).isEqualTo("counter");
            assertThat(f.samples()).containsEntry(counter + "_total", 0.0);
        }
        assertThat(family(before, "smainer_completions").samples()).containsEntry(
                "smainer_completions_total{outcome=\"recorded\"}", 0.0);
        assertThat(family(before, "smainer_tasks").type()).isEqualTo("gauge");
        assertThat(family(before, "smainer_tasks").samples()).containsEntry("smainer_tasks{status=\"pending\"}", 0.0);
        assertThat(family(before, "smainer_task_assignment_latency_seconds").type()).isEqualTo("histogram");
        assertThat(family(before, "jvm_memory_used_bytes").type()).isEqualTo("gauge");
        assertThat(family(before, "process_cpu_seconds").type()).isEqualTo("counter");
        assertThat(before).containsKey("jvm_gc_collection_seconds");

        TestProvider p = net.online(1, caps(2), TestProvider.Behaviour.HONEST);
        SmainerClient client = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(net.demanderKey).chainId(ChainId.LOCAL).build();
        JobSpec job = JobSpec.of("echo", Map.of(), "metrics".getBytes(StandardCharsets.UTF_8));
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        Api.TaskCreated created = client.submit(funded.escrowId(), job);
        client.awaitResult(created.taskId(), Duration.ofSeconds(20));
        assertThat(get("/tasks/no-such-task", null).statusCode()).isEqualTo(404);

        Map<String, Family> after = PrometheusParser.text(get("/metrics", null).body());
        assertThat(family(after, "smainer_tasks_submitted").samples()).containsEntry("smainer_tasks_submitted_total", 1.0);
        assertThat(family(after, "smainer_tasks_assigned").samples()).containsEntry("smainer_tasks_assigned_total", 1.0);
        assertThat(family(after, "smainer_tasks_settled").samples()).containsEntry("smainer_tasks_settled_total", 1.0);
        assertThat(family(after, "smainer_completions").samples()).containsEntry(
                "smainer_completions_total{outcome=\"recorded\"}", 1.0);
        assertThat(family(after, "smainer_task_assignment_latency_seconds").samples())
                .containsEntry("smainer_task_assignment_latency_seconds_count", 1.0)
                .containsEntry("smainer_task_assignment_latency_seconds_bucket{le=\"+Inf\"}", 1.0);
        assertThat(family(after, "smainer_task_settlement_latency_seconds").samples())
                .containsEntry("smainer_task_settlement_latency_seconds_count", 1.0);
        // exact status codes, not classes
        assertThat(family(after, "smainer_http_responses").samples())
                .containsKey("smainer_http_responses_total{code=\"200\"}")
                .containsEntry("smainer_http_responses_total{code=\"404\"}", 1.0);
        assertThat(family(after, "smainer_http_request_duration_seconds").samples().get(
                "smainer_http_request_duration_seconds_count")).isGreaterThanOrEqualTo(4.0);
        assertThat(family(after, "smainer_build_info").samples().keySet()).singleElement().asString()
                .startsWith("smainer_build_info{version=\"");
        assertThat(family(after, "smainer_nodes_online").samples()).containsEntry("smainer_nodes_online", 1.0);

        HttpResponse<String> om = get("/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        Map<String, Family> strict = PrometheusParser.openMetrics(om.body());
        assertThat(family(strict, "smainer_tasks_settled").type()).isEqualTo("counter");
        assertThat(family(strict, "smainer_build").type()).isEqualTo("info");
        assertThat(family(strict, "smainer_task_assignment_latency_seconds").type()).isEqualTo("histogram");
        assertThat(p.address).isNotNull();
    }
}
