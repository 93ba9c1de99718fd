package io.smainer.provider;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.InvalidFieldException;
import io.smainer.SmainerVersion;
import io.smainer.fee.EffortPricing;
import io.smainer.job.JobContext;
import io.smainer.job.JobException;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves {@value #KIND} jobs, the deployed network's main workload, with an Ollama-compatible HTTP server:
 * one non-streaming {@code POST /api/generate} per job. Its effort metrics feed effort settlement:
 * {@code prompt_eval_count} is the input tokens, {@code eval_count} the output tokens, and
 * {@code total_duration} (else {@code prompt_eval_duration + eval_duration}) the GPU time; the model's size
 * comes from {@code POST /api/show} ({@code details.parameter_size}, cached per model) unless set with
 * {@link Builder#modelSize(String, long)}. The output is the generated text, UTF-8.
 *
 * <p>Job parameters: {@value #MODEL_PARAM} (required), {@value #PROMPT_PARAM} (or the payload as UTF-8 text
 * when absent), and optionally {@code system}, {@code max_tokens} (Ollama's {@code num_predict}),
 * {@code temperature} and {@code seed}.
 *
 * <p>Thread-safe. A run stops when its {@link JobContext} says so (deadline, cancellation): the HTTP request
 * is abandoned.
 */
public final class OllamaHandler implements JobHandler {
    /** The job kind served. */
    public static final String KIND = "llm-generate";
    /** The parameter naming the model. */
    public static final String MODEL_PARAM = "model";
    /** The parameter holding the prompt (else the payload is the prompt). */
    public static final String PROMPT_PARAM = "prompt";
    /** The longest one generation may take unless set. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    /** Time allowed to connect to the server. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The longest model name accepted (the relayer's bound). */
    public static final int MAX_MODEL_LENGTH = 128;
    private static final Pattern PARAMETER_SIZE = Pattern.compile("(?i)^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([KMBT]?)\\s*$");
    private static final long POLL_MILLIS = 50;

    private final URI baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Map<String, Long> modelSizes = new ConcurrentHashMap<>();

    private OllamaHandler(Builder b) {
        this.baseUrl = b.baseUrl;
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(DEFAULT_CONNECT_TIMEOUT).build();
        this.requestTimeout = b.requestTimeout;
        this.modelSizes.putAll(b.modelSizes);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the server's base URL */
    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public long requiredMemoryBytes(JobSpec spec) {
        model(spec);
        prompt(spec);
        return 2L * spec.payload().length;
    }

    @Override
    public JobOutput run(JobSpec spec, JobContext context) {
        String model = model(spec);
        JsonObject body = new JsonObject();
        body.addProperty("model", model);
        body.addProperty("prompt", prompt(spec));
        body.addProperty("stream", false);
        Optional.ofNullable(spec.params().get("system")).ifPresent(s -> body.addProperty("system", s));
        JsonObject options = new JsonObject();
        number(spec, "max_tokens", 1, EffortPricing.MAX_OUTPUT_TOKENS).ifPresent(n -> options.addProperty("num_predict", n));
        number(spec, "seed", 0, Integer.MAX_VALUE).ifPresent(n -> options.addProperty("seed", n));
        Optional.ofNullable(spec.params().get("temperature")).ifPresent(t -> {
            try {
                BigDecimal v = new BigDecimal(t);
                if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(2)) > 0) {
                    throw new NumberFormatException();
                }
                options.addProperty("temperature", v);
            } catch (NumberFormatException e) {
                throw new InvalidFieldException("params.temperature", "a number in [0, 2]", t);
            }
        });
        if (options.size() > 0) {
            body.add("options", options);
        }
        Duration timeout = min(requestTimeout, context.remaining());
        if (timeout.isZero()) {
            context.checkActive();
            timeout = Duration.ofMillis(1);
        }
        HttpResponse<String> res = call("/api/generate", body.toString(), timeout, context);
        JsonObject json = parse(res.body());
        if (res.statusCode() != 200) {
            throw httpError(model, res.statusCode(), json);
        }
        JsonElement text = json.get("response");
        if (text == null || !text.isJsonPrimitive()) {
            throw new JobException(KIND, JobException.Reason.FAILED, "the server at " + baseUrl
                    + " answered without a 'response' text", true, null);
        }
        long input = clamp(longOf(json, "prompt_eval_count"), EffortPricing.MAX_INPUT_TOKENS);
        long output = clamp(longOf(json, "eval_count"), EffortPricing.MAX_OUTPUT_TOKENS);
        long nanos = longOf(json, "total_duration");
        if (nanos == 0) {
            nanos = longOf(json, "prompt_eval_duration") + longOf(json, "eval_duration");
        }
        long gpuMillis = clamp(nanos / 1_000_000, EffortPricing.MAX_GPU_MILLIS);
        long sizeB = modelSize(model, context);
        EffortMetrics metrics = new EffortMetrics(input, output, gpuMillis, sizeB);
        return new JobOutput(text.getAsString().getBytes(StandardCharsets.UTF_8), Optional.of(metrics),
                nanos > 0 ? Optional.of(Duration.ofNanos(nanos)) : Optional.empty());
    }

    /**
     * The model's size in billions of parameters, rounded up: as set on the builder, else from the server's
     * {@code /api/show}, else 0 (the smallest size term) when the server does not say.
     */
    private long modelSize(String model, JobContext context) {
        Long known = modelSizes.get(model);
        if (known != null) {
            return known;
        }
        long size = 0;
        try {
            JsonObject body = new JsonObject();
            body.addProperty("model", model);
            HttpResponse<String> res = call("/api/show", body.toString(), min(Duration.ofSeconds(10), context.remaining()),
                    context);
            if (res.statusCode() == 200) {
                JsonObject details = parse(res.body()).getAsJsonObject("details");
                if (details != null && details.get("parameter_size") != null) {
                    size = parameterSizeBillions(details.get("parameter_size").getAsString()).orElse(0L);
                }
            }
        } catch (JobException e) {
            if (context.isStopped()) {
                throw e;
            }
            return 0; // size unknown: the smallest size term; not cached, so a later job asks again
        } catch (RuntimeException e) {
            return 0; // an answer of another shape: size unknown, as above
        }
        modelSizes.put(model, size);
        return size;
    }

    /**
     * @param text Ollama's {@code parameter_size}, e.g. {@code 8.0B}, {@code 70.6B}, {@code 567M}
     * @return billions of parameters, rounded up; empty when it does not read
     */
    static Optional<Long> parameterSizeBillions(String text) {
        Matcher m = PARAMETER_SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            return Optional.empty();
        }
        BigDecimal n = new BigDecimal(m.group(1));
        BigDecimal billions = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> n.movePointLeft(6);
            case "M" -> n.movePointLeft(3);
            case "T" -> n.movePointRight(3);
            case "B" -> n;
            default -> n.movePointLeft(9);
        };
        return Optional.of(billions.setScale(0, RoundingMode.CEILING).longValue());
    }

    private HttpResponse<String> call(String path, String json, Duration timeout, JobContext context) {
        URI uri = baseUrl.resolve(path);
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json").header("User-Agent", SmainerVersion.userAgent("smainer-sdk"))
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            while (true) {
                if (context.isStopped()) {
                    f.cancel(true);
                    context.checkActive();
                    throw new JobException(KIND, JobException.Reason.CANCELLED, "stopped", true, null);
                }
                try {
                    return f.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // poll again: the context may have been stopped
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new JobException(KIND, JobException.Reason.CANCELLED, "interrupted while waiting for " + uri, true, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new JobException(KIND, JobException.Reason.TIMED_OUT, "the server at " + baseUrl
                        + " did not answer within " + timeout.toSeconds() + " s", true, cause);
            }
            if (cause instanceof ConnectException) {
                throw new JobException(KIND, JobException.Reason.FAILED, "cannot connect to the Ollama server at "
                        + baseUrl, true, cause);
            }
            if (cause instanceof IOException) {
                throw new JobException(KIND, JobException.Reason.FAILED, "talking to the Ollama server at " + baseUrl
                        + " failed: " + cause.getMessage(), true, cause);
            }
            throw new JobException(KIND, JobException.Reason.FAILED, "request to " + uri + " failed: " + cause, true, cause);
        }
    }

    private JobException httpError(String model, int status, JsonObject json) {
        String detail = json.has("error") && json.get("error").isJsonPrimitive() ? json.get("error").getAsString()
                : "HTTP " + status;
        if (status == 404) {
            return new JobException(KIND, JobException.Reason.INVALID_INPUT, "model '" + model
                    + "' is not available on this node (" + detail + ")", true, null);
        }
        if (status == 400) {
            return new JobException(KIND, JobException.Reason.INVALID_INPUT, "the server refused the request: " + detail,
                    false, null);
        }
        return new JobException(KIND, JobException.Reason.FAILED, "the server at " + baseUrl + " answered HTTP " + status
                + ": " + detail, true, null);
    }

    private JsonObject parse(String body) {
        try {
            JsonElement e = JsonParser.parseString(body == null ? "" : body);
            return e != null && e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    private static String model(JobSpec spec) {
        String model = spec.params().get(MODEL_PARAM);
        if (model == null || model.isBlank()) {
            throw new InvalidFieldException("params." + MODEL_PARAM, "a model name, e.g. llama3.1:8b", model);
        }
        if (model.length() > MAX_MODEL_LENGTH) {
            throw new InvalidFieldException("params." + MODEL_PARAM, "at most " + MAX_MODEL_LENGTH + " characters", model);
        }
        return model;
    }

    private static String prompt(JobSpec spec) {
        String prompt = spec.params().get(PROMPT_PARAM);
        if (prompt == null) {
            prompt = new String(spec.payload(), StandardCharsets.UTF_8);
        }
        if (prompt.isBlank()) {
            throw new InvalidFieldException("params." + PROMPT_PARAM, "a prompt (the parameter, or the payload as text)",
                    prompt);
        }
        return prompt;
    }

    private static Optional<Long> number(JobSpec spec, String name, long min, long max) {
        String v = spec.params().get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return Optional.of(n);
        } catch (NumberFormatException e) {
            throw new InvalidFieldException("params." + name, "an integer in [" + min + ", " + max + "]", v);
        }
    }

    private static long longOf(JsonObject json, String key) {
        JsonElement e = json.get(key);
        try {
            return e == null || !e.isJsonPrimitive() ? 0 : Math.max(0, e.getAsLong());
        } catch (NumberFormatException ex) {
            return 0;
        }
    }

    private static long clamp(long v, long max) {
        return Math.max(0, Math.min(max, v));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "OllamaHandler[" + baseUrl + "]";
    }

    /** Builds an {@link OllamaHandler}. */
    public static final class Builder {
        private URI baseUrl;
        private HttpClient http;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private final Map<String, Long> modelSizes = new ConcurrentHashMap<>();

        private Builder() {
        }

        /**
         * @param url the server, e.g. {@code http://127.0.0.1:11434}
         * @return this builder
         * @throws InvalidFieldException ({@code ollama_url}) naming the URL when it is not http(s)
         */
        public Builder url(String url) {
            URI u;
            try {
                u = URI.create(Objects.requireNonNull(url, "url").trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("ollama_url", "an http(s) URL such as http://127.0.0.1:11434", url);
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                throw new InvalidFieldException("ollama_url", "an http(s) URL such as http://127.0.0.1:11434", url);
            }
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            this.baseUrl = URI.create(u.getScheme() + "://" + u.getRawAuthority() + (path.endsWith("/") ? path : path + "/"));
            return this;
        }

        /**
         * @param client the HTTP client to use; by default a fresh one
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * @param timeout the longest one generation may take (also bounded by the job's own deadline)
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new InvalidFieldException("request_timeout", "a positive duration", timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Sets a model's size instead of asking the server.
         *
         * @param model the model name
         * @param billions its size in billions of parameters
         * @return this builder
         */
        public Builder modelSize(String model, long billions) {
            if (billions < 0) {
                throw new InvalidFieldException("model_params_billions", "at least 0", billions);
            }
            modelSizes.put(Objects.requireNonNull(model, "model"), billions);
            return this;
        }

        /**
         * @return the handler
         * @throws InvalidFieldException when no URL was set
         */
        public OllamaHandler build() {
            if (baseUrl == null) {
                throw new InvalidFieldException("ollama_url", "an http(s) URL such as http://127.0.0.1:11434", null);
            }
            return new OllamaHandler(this);
        }
    }
}
