package io.smainer.provider.app;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.smainer.SmainerVersion;
import io.smainer.provider.ProviderNode;
import io.smainer.provider.ProviderStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every metric of the provider daemon, declared once here, on the Prometheus Java client: the node's levels and
 * totals read from its {@link ProviderStatus} at each scrape, its state, {@code smainer_provider_info},
 * {@code smainer_build_info}, and the JVM, GC and process metrics of {@link JvmMetrics}. Served at
 * {@code GET /metrics} of the status endpoint in the Prometheus text format, or OpenMetrics when asked for.
 */
final class ProviderMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final Supplier<ProviderStatus> status;

    /**
     * @param status the node's status, read at each scrape
     * @param info the fixed facts
     */
    ProviderMetrics(Supplier<ProviderStatus> status, StatusServer.Info info) {
        this.status = status;
        Info.builder().name("smainer_provider_info").help("The provider's name, runner and tier.")
                .labelNames("name", "runner", "tier").register(registry)
                .setLabelValues(info.name(), info.runner(), info.tier());
        Info.builder().name("smainer_build_info").help("The provider's version.").labelNames("version")
                .register(registry).setLabelValues(SmainerVersion.current());
        level("smainer_provider_ready", "1 while logged in to the relayer.",
                s -> s.state() == ProviderNode.State.READY ? 1 : 0);
        GaugeWithCallback.builder().name("smainer_provider_state").help("1 for the node's state now, 0 for the others.")
                .labelNames("state").callback(cb -> {
                    ProviderNode.State now = status.get().state();
                    for (ProviderNode.State s : ProviderNode.State.values()) {
                        cb.call(s == now ? 1 : 0, s.name().toLowerCase(Locale.ROOT));
                    }
                }).register(registry);
        level("smainer_provider_tasks_running", "Tasks running now.", ProviderStatus::running);
        level("smainer_provider_capacity", "Tasks the node runs at once.", ProviderStatus::capacity);
        level("smainer_provider_pending_reports", "Reports not yet acknowledged by the relayer.",
                ProviderStatus::pendingReports);
        total("smainer_provider_tasks_accepted_total", "Tasks accepted.", ProviderStatus::accepted);
        total("smainer_provider_tasks_completed_total", "Tasks completed with a signed receipt.",
                ProviderStatus::completed);
        total("smainer_provider_tasks_failed_total", "Tasks that failed, timed out or were handed back.",
                ProviderStatus::failed);
        total("smainer_provider_tasks_refused_total", "Assignments not taken.", ProviderStatus::refused);
        total("smainer_provider_tasks_revoked_total", "Tasks the relayer took back.", ProviderStatus::revoked);
        total("smainer_provider_logins_total", "Successful logins to the relayer.", ProviderStatus::logins);
        JvmMetrics.builder().register(registry);
    }

    private void level(String name, String help, ToDoubleFunction<ProviderStatus> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.applyAsDouble(status.get())))
                .register(registry);
    }

    private void total(String name, String help, ToDoubleFunction<ProviderStatus> value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.applyAsDouble(status.get())))
                .register(registry);
    }

    /**
     * One scrape.
     *
     * @param contentType its content type
     * @param body its text
     */
    record Scrape(String contentType, String body) {
    }

    /**
     * @param accept the scraper's {@code Accept} header, or null
     * @return the content type and body: OpenMetrics when asked for, else the Prometheus text format 0.0.4
     */
    Scrape scrape(String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) { // protobuf needs a module the provider does not ship
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), out.toString(StandardCharsets.UTF_8));
    }
}
