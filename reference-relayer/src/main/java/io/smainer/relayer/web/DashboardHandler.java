package io.smainer.relayer.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The dashboard at {@code /}: a few static files (HTML, CSS, JavaScript) from the classpath next to
 * this class, read once at construction. The page draws providers, tasks, throughput and a fee
 * calculator from the REST API ({@code /api/v1/stats}, {@code /nodes}, {@code /tasks},
 * {@code /fees/quote}); no build step, nothing fetched from elsewhere (its content security policy
 * allows this origin only). Any path it does not serve is left to the next handler.
 */
public final class DashboardHandler extends Handler.Abstract {
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.css", "dashboard.css",
            "/dashboard.js", "dashboard.js");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8");
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final Map<String, byte[]> content;

    /** Reads the files from the classpath. */
    public DashboardHandler() {
        HashMap<String, byte[]> read = new HashMap<>();
        for (String name : FILES.values()) {
            read.put(name, load(name));
        }
        this.content = Map.copyOf(read);
    }

    private static byte[] load(String name) {
        try (InputStream in = DashboardHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the classpath: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard file " + name, e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String name = FILES.get(Request.getPathInContext(request));
        String method = request.getMethod();
        if (name == null || !(method.equals("GET") || method.equals("HEAD"))) {
            return false;
        }
        byte[] body = content.get(name);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, method.equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
        return true;
    }
}
