package io.smainer.provider;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP server on port 0 that speaks Ollama's {@code /api/generate} (non-streaming) and
 * {@code /api/show} JSON shapes. Model {@code llama3.1:8b} (8.0B) answers {@code "echo: <prompt>"} with one
 * prompt token per word, 42 output tokens and 1.5 s total; model {@code big:70b} (70.6B) likewise; model
 * {@code slow} answers only when {@link #release} completes; any other model gets Ollama's 404.
 */
public final class OllamaLikeServer implements AutoCloseable {
    final List<JsonObject> generateRequests = new CopyOnWriteArrayList<>();
    final List<String> showRequests = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> release = new CompletableFuture<>();
    private final Server server;
    private final ServerConnector connector;

    /**
     * Starts it on a free loopback port.
     *
     * @throws Exception when Jetty cannot start
     */
    public OllamaLikeServer() throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = Request.getPathInContext(request);
                JsonObject body = JsonParser.parseString(Content.Source.asString(request, StandardCharsets.UTF_8))
                        .getAsJsonObject();
                String model = body.get("model").getAsString();
                if (path.equals("/api/show")) {
                    showRequests.add(model);
                    String size = model.equals("llama3.1:8b") ? "8.0B" : model.equals("big:70b") ? "70.6B" : null;
                    if (size == null) {
                        return json(response, callback, 404, "{\"error\":\"model '" + model + "' not found\"}");
                    }
                    return json(response, callback, 200, "{\"modelfile\":\"# Modelfile\",\"details\":{\"format\":\"gguf\","
                            + "\"family\":\"llama\",\"parameter_size\":\"" + size + "\",\"quantization_level\":\"Q4_0\"}}");
                }
                if (!path.equals("/api/generate") || !request.getMethod().equals("POST")) {
                    return false;
                }
                generateRequests.add(body);
                if (model.equals("slow")) {
                    release.get(30, TimeUnit.SECONDS);
                } else if (!model.equals("llama3.1:8b") && !model.equals("big:70b")) {
                    return json(response, callback, 404,
                            "{\"error\":\"model '" + model + "' not found, try pulling it first\"}");
                }
                String prompt = body.get("prompt").getAsString();
                JsonObject out = new JsonObject();
                out.addProperty("model", model);
                out.addProperty("created_at", "2025-01-01T00:00:00.000000Z");
                out.addProperty("response", "echo: " + prompt);
                out.addProperty("done", true);
                out.addProperty("done_reason", "stop");
                out.addProperty("total_duration", 1_500_000_000L);
                out.addProperty("load_duration", 5_025_959L);
                out.addProperty("prompt_eval_count", prompt.trim().split("\\s+").length);
                out.addProperty("prompt_eval_duration", 325_953_000L);
                out.addProperty("eval_count", 42);
                out.addProperty("eval_duration", 1_100_000_000L);
                return json(response, callback, 200, out.toString());
            }
        });
        server.start();
    }

    /** @return the prompts of the {@code /api/generate} requests it received, in order */
    public List<String> prompts() {
        return generateRequests.stream().map(r -> r.has("prompt") ? r.get("prompt").getAsString() : "").toList();
    }

    /** @return its base URL, {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    private static boolean json(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
        return true;
    }

    @Override
    public void close() throws Exception {
        release.complete(null);
        server.stop();
    }
}
