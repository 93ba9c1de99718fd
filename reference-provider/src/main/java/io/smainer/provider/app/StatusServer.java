package io.smainer.provider.app;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.smainer.provider.ProviderNode;
import io.smainer.provider.ProviderStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The provider's local status endpoint on embedded Jetty: {@code GET /livez} (200 while the process answers: a
 * liveness probe), {@code GET /readyz} and its older name {@code GET /health} (200 while logged in to the relayer, 503
 * otherwise: a readiness probe), {@code GET /status} (JSON), {@code GET /metrics} (Prometheus text format or
 * OpenMetrics, {@link ProviderMetrics}). {@code HEAD} works wherever {@code GET} does; other methods are 405 with
 * {@code Allow}.
 * Binds to loopback unless told otherwise; accepts port 0 and reports {@link #port()}.
 */
public final class StatusServer implements AutoCloseable {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final Server server;
    private final ServerConnector connector;

    /**
     * What the endpoint shows besides the node's status.
     *
     * @param name the node's name
     * @param relayer the relayer's address
     * @param address the provider's account address
     * @param runner the runner in use, e.g. {@code java} or {@code cuda:0}
     * @param jobKinds the kinds served
     * @param tier the advertised tier
     * @param gpus GPU names, empty without one
     */
    public record Info(String name, String relayer, String address, String runner, List<String> jobKinds, String tier,
            List<String> gpus) {
        /** Copies the lists. */
        public Info {
            jobKinds = List.copyOf(jobKinds);
            gpus = List.copyOf(gpus);
        }
    }

    private StatusServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts the endpoint.
     *
     * @param host the interface to bind
     * @param port the port, 0 for any
     * @param status the node's status, read per request
     * @param info the fixed facts
     * @return the running server
     * @throws Exception when the port cannot be bound
     */
    public static StatusServer start(String host, int port, Supplier<ProviderStatus> status, Info info) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("provider-status");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Routes(status, info));
        server.setStopTimeout(1000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new StatusServer(server, connector);
    }

    /** @return the bound port */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort at shutdown; nothing is left to release
        }
    }

    private static final class Routes extends Handler.Abstract {
        private final Supplier<ProviderStatus> status;
        private final Info info;
        private final ProviderMetrics metrics;

        Routes(Supplier<ProviderStatus> status, Info info) {
            this.status = status;
            this.info = info;
            this.metrics = new ProviderMetrics(status, info);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                return write(response, callback, 405, "application/json",
                        "{\"error\":\"method_not_allowed\",\"message\":\"allowed: GET, HEAD; got " + method + "\"}");
            }
            switch (path) {
                case "/livez" -> {
                    // the process answers: nothing a restart would mend (reconnecting is not a reason to restart)
                    return write(response, callback, 200, "application/json", "{\"status\":\"alive\"}");
                }
                case "/health", "/readyz" -> {
                    ProviderStatus s = status.get();
                    boolean up = s.state() == ProviderNode.State.READY;
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", up ? "up" : "down");
                    body.put("state", s.state().name().toLowerCase(Locale.ROOT));
                    s.lastError().ifPresent(e -> body.put("last_error", e));
                    return write(response, callback, up ? 200 : 503, "application/json", GSON.toJson(body));
                }
                case "/status" -> {
                    return write(response, callback, 200, "application/json", GSON.toJson(statusJson(status.get(), info)));
                }
                case "/metrics" -> {
                    ProviderMetrics.Scrape scrape = metrics.scrape(request.getHeaders().get(HttpHeader.ACCEPT));
                    return write(response, callback, 200, scrape.contentType(), scrape.body());
                }
                default -> {
                    return write(response, callback, 404, "application/json",
                            "{\"error\":\"not found; try /livez, /readyz, /health, /status or /metrics\"}");
                }
            }
        }

        /** Jetty sends no body to a HEAD request: its headers (length included) are those of the GET. */
        private static boolean write(Response response, Callback callback, int code, String type, String body) {
            response.setStatus(code);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            Content.Sink.write(response, true, body, callback);
            return true;
        }
    }

    /**
     * @param s the node's status
     * @param info the fixed facts
     * @return the {@code /status} body
     */
    static Map<String, Object> statusJson(ProviderStatus s, Info info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", info.name());
        m.put("state", s.state().name().toLowerCase(Locale.ROOT));
        m.put("node_id", s.nodeId().orElse(""));
        m.put("relayer", info.relayer());
        m.put("address", info.address());
        m.put("runner", info.runner());
        m.put("job_kinds", info.jobKinds());
        m.put("tier", info.tier());
        m.put("gpus", info.gpus());
        m.put("running", s.running());
        m.put("capacity", s.capacity());
        m.put("accepted", s.accepted());
        m.put("completed", s.completed());
        m.put("failed", s.failed());
        m.put("refused", s.refused());
        m.put("revoked", s.revoked());
        m.put("pending_reports", s.pendingReports());
        m.put("logins", s.logins());
        m.put("last_error", s.lastError().orElse(""));
        return m;
    }
}
