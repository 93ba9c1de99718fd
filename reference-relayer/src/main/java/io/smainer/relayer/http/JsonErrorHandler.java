package io.smainer.relayer.http;

import io.smainer.protocol.Api;
import io.smainer.protocol.ProtocolCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a path no handler serves, a request it could not parse) in the API's one JSON error shape,
 * {@code {"error", "message"}}, instead of an HTML page; never Jetty's or Java's exception text.
 */
public final class JsonErrorHandler extends ErrorHandler {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    /** Shows no stacks or causes. */
    public JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, body(code), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8));
    }

    private static String body(int code) {
        String error = switch (code) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "body_timeout";
            case 413 -> "payload_too_large";
            case 431 -> "headers_too_large";
            default -> code >= 500 ? "internal" : "bad_request";
        };
        String message = code == 404 ? "nothing is served at this path; the API is under /api/v1"
                : "HTTP " + code + " " + HttpStatus.getMessage(code);
        return CODEC.toJson(new Api.ErrorBody(error, message, Optional.empty()));
    }
}
