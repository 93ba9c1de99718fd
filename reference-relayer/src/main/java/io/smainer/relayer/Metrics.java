package io.smainer.relayer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The relayer's counters and gauges, rendered in the Prometheus text format (version 0.0.4) at
 * {@code GET /api/v1/metrics}. Thread-safe; counting is a {@link LongAdder} increment.
 */
public final class Metrics {
    private final Map<String, Family> families = new ConcurrentHashMap<>();

    private static final class Family {
        final String help;
        final String type;
        final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
        final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

        Family(String help, String type) {
            this.help = help;
            this.type = type;
        }
    }

    /**
     * @param name a counter, e.g. {@code smainer_tasks_submitted_total}
     * @param help its description
     * @param labels {@code key="value"} pairs or empty
     * @return the counter
     */
    public LongAdder counter(String name, String help, String labels) {
        return families.computeIfAbsent(name, n -> new Family(help, "counter")).counters.computeIfAbsent(labels,
                l -> new LongAdder());
    }

    /**
     * @param name a gauge
     * @param help its description
     * @param labels {@code key="value"} pairs or empty
     * @param value read at each scrape
     */
    public void gauge(String name, String help, String labels, LongSupplier value) {
        families.computeIfAbsent(name, n -> new Family(help, "gauge")).gauges.put(labels, value);
    }

    /**
     * @param name a counter
     * @param labels its labels
     * @return its value, 0 when never counted
     */
    public long value(String name, String labels) {
        Family f = families.get(name);
        if (f == null) {
            return 0;
        }
        LongAdder a = f.counters.get(labels);
        if (a != null) {
            return a.sum();
        }
        LongSupplier g = f.gauges.get(labels);
        return g == null ? 0 : g.getAsLong();
    }

    /** @return every family in the Prometheus text format */
    public String render() {
        StringBuilder out = new StringBuilder(4096);
        new TreeMap<>(families).forEach((name, f) -> {
            out.append("# HELP ").append(name).append(' ').append(f.help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(f.type).append('\n');
            new TreeMap<>(f.counters).forEach((labels, v) -> line(out, name, labels, v.sum()));
            new TreeMap<>(f.gauges).forEach((labels, v) -> line(out, name, labels, v.getAsLong()));
        });
        return out.toString();
    }

    private static void line(StringBuilder out, String name, String labels, long v) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(v).append('\n');
    }
}
