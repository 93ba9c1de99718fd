package io.smainer.testing;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Parses a scrape with the parsers of Prometheus's official Python client ({@code prometheus_client}, Debian's
 * {@code python3-prometheus-client}; {@code .ci/run} installs it): {@code prometheus_client.parser} for the text format
 * 0.0.4 and the strict {@code prometheus_client.openmetrics.parser} for OpenMetrics. An independent implementation, so
 * a scrape that passes is one Prometheus reads. A test without the package is skipped, saying why.
 */
public final class PrometheusParser {
    private static final String SCRIPT = String.join("\n",
            "import sys, json",
            "if sys.argv[1] == 'openmetrics':",
            "    from prometheus_client.openmetrics.parser import text_string_to_metric_families",
            "else:",
            "    from prometheus_client.parser import text_string_to_metric_families",
            "out = []",
            "for f in text_string_to_metric_families(sys.stdin.read()):",
            "    out.append({'name': f.name, 'type': f.type, 'samples': [",
            "        {'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]})",
            "print(json.dumps(out))",
            "");

    private PrometheusParser() {
    }

    /**
     * One metric family as the parser read it.
     *
     * @param name the family's name (a counter's without {@code _total})
     * @param type {@code counter}, {@code gauge}, {@code histogram}, {@code info}, ...
     * @param samples each sample: its name plus labels rendered as {@code name{k="v",...}} to its value
     */
    public record Family(String name, String type, Map<String, Double> samples) {
    }

    /**
     * @param text a scrape in the Prometheus text format 0.0.4
     * @return its families by name, as {@code prometheus_client.parser} reads them
     * @throws AssertionError when the parser refuses the text
     */
    public static Map<String, Family> text(String text) {
        return parse("text", text);
    }

    /**
     * @param text a scrape in the OpenMetrics text format 1.0
     * @return its families by name, as the strict {@code prometheus_client.openmetrics.parser} reads them
     * @throws AssertionError when the parser refuses the text
     */
    public static Map<String, Family> openMetrics(String text) {
        return parse("openmetrics", text);
    }

    private static String python() {
        // Debian's package installs for the system interpreter, which a PATH python (pyenv) may not be
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    private static Map<String, Family> parse(String format, String text) {
        String python = python();
        try {
            Process probe = new ProcessBuilder(python, "-c", "import prometheus_client").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            Assumptions.assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                    "Prometheus's Python client (apt-get install python3-prometheus-client) is not installed for "
                    + python + "; .ci/run installs it");
            Process p = new ProcessBuilder(python, "-c", SCRIPT, format).redirectError(ProcessBuilder.Redirect.PIPE)
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("the Prometheus " + format + " parser refused the scrape: " + err);
            }
            Map<String, Family> families = new LinkedHashMap<>();
            for (JsonElement e : JsonParser.parseString(out).getAsJsonArray()) {
                JsonObject f = e.getAsJsonObject();
                Map<String, Double> samples = new LinkedHashMap<>();
                for (JsonElement s : f.getAsJsonArray("samples")) {
                    JsonObject o = s.getAsJsonObject();
                    samples.put(series(o.get("name").getAsString(), o.getAsJsonObject("labels")),
                            o.get("value").getAsDouble());
                }
                String name = f.get("name").getAsString();
                families.put(name, new Family(name, f.get("type").getAsString(), samples));
            }
            return families;
        } catch (IOException e) {
            Assumptions.abort("cannot run " + python + ": " + e.getMessage());
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String series(String name, JsonObject labels) {
        if (labels.size() == 0) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('{');
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(l -> b.append(l.getKey()).append("=\"")
                .append(l.getValue().getAsString()).append("\","));
        b.setCharAt(b.length() - 1, '}');
        return b.toString();
    }
}
