package io.smainer.relayer.http;

import io.smainer.SmainerException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A failure only the HTTP layer raises. Its {@link Kind} is the row of {@link ErrorTable} it answers with: the
 * status, the error code and the field to blame; a {@code Retry-After} and an {@code Allow} travel with the kinds
 * that send them.
 */
public final class HttpFailure extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, with its HTTP status, its error code and the field it blames (if any). */
    public enum Kind {
        /** A request Jetty could not make sense of: a bad query encoding, a bad chunk, a bad header. */
        BAD_REQUEST(400, "bad_request", null),
        /** A missing or wrong API key. */
        UNAUTHORIZED(401, "unauthorized", "authorization"),
        /** A valid API key that may not read this: another client's task, or a list. */
        FORBIDDEN(403, "forbidden", "authorization"),
        /** No such route, task or node. */
        NOT_FOUND(404, "not_found", null),
        /** The route exists but not for this method ({@code Allow} says which). */
        METHOD_NOT_ALLOWED(405, "method_not_allowed", null),
        /** The body did not arrive within {@code limits.body_read_timeout_millis}. */
        BODY_TIMEOUT(408, "body_timeout", "payload"),
        /** The task's result is not released yet: it is released once settled. */
        RESULT_NOT_READY(409, "result_not_ready", null),
        /** The body is larger than the limit. */
        PAYLOAD_TOO_LARGE(413, "payload_too_large", "payload"),
        /** Too many requests for one API client, address or remote address ({@code Retry-After}). */
        RATE_LIMITED(429, "rate_limited", null),
        /** The bytes of bodies in flight are at their bound, in total or for this address ({@code Retry-After}). */
        BODIES_BUSY(503, "server_busy", null);

        private final int status;
        private final String code;
        private final String field;

        Kind(int status, String code, String field) {
            this.status = status;
            this.code = code;
            this.field = field;
        }

        /** @return the HTTP status */
        public int status() {
            return status;
        }

        /** @return the {@code error} code of the body */
        public String code() {
            return code;
        }
    }

    /** How long a client waits when the bodies in flight are at their bound. */
    static final Duration BODIES_BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    private final Kind kind;
    private final String field;
    private final Duration retryAfter;
    private final String allow;

    private HttpFailure(Kind kind, String field, String message, Duration retryAfter, String allow) {
        super(message);
        this.kind = kind;
        this.field = field;
        this.retryAfter = retryAfter;
        this.allow = allow;
    }

    private static HttpFailure of(Kind kind, String message) {
        return new HttpFailure(kind, kind.field, message, null, null);
    }

    /**
     * @param message what was looked for
     * @return a 404
     */
    public static HttpFailure notFound(String message) {
        return of(Kind.NOT_FOUND, message);
    }

    /**
     * @param message where the task is
     * @return a 409: the result is released once the task is settled
     */
    public static HttpFailure resultNotReady(String message) {
        return of(Kind.RESULT_NOT_READY, message);
    }

    /**
     * @param message what was expected
     * @return a 401
     */
    public static HttpFailure unauthorized(String message) {
        return of(Kind.UNAUTHORIZED, message);
    }

    /**
     * @param message what it may read
     * @return a 403
     */
    public static HttpFailure forbidden(String message) {
        return of(Kind.FORBIDDEN, message);
    }

    /**
     * @param message whose limit
     * @param retryAfter when to try again
     * @return a 429 with {@code Retry-After}
     */
    public static HttpFailure rateLimited(String message, Duration retryAfter) {
        return new HttpFailure(Kind.RATE_LIMITED, null, message, retryAfter, null);
    }

    /**
     * @param message the limit and the size
     * @return a 413
     */
    public static HttpFailure payloadTooLarge(String message) {
        return of(Kind.PAYLOAD_TOO_LARGE, message);
    }

    /**
     * @param message the limit
     * @return a 408
     */
    public static HttpFailure bodyTimeout(String message) {
        return of(Kind.BODY_TIMEOUT, message);
    }

    /**
     * @param message which bound
     * @return a 503 with {@code Retry-After}
     */
    public static HttpFailure bodiesBusy(String message) {
        return new HttpFailure(Kind.BODIES_BUSY, null, message, BODIES_BUSY_RETRY_AFTER, null);
    }

    /**
     * @param allowed the methods the route answers
     * @param got the method asked for
     * @return a 405 with {@code Allow}
     */
    public static HttpFailure methodNotAllowed(List<String> allowed, String got) {
        String allow = String.join(", ", allowed);
        return new HttpFailure(Kind.METHOD_NOT_ALLOWED, null, "allowed: " + allow + "; got " + got, null, allow);
    }

    /**
     * @param field what was wrong ({@code query}, {@code body}, or a parameter's name)
     * @param message in words for people
     * @return a 400
     */
    public static HttpFailure badRequest(String field, String message) {
        return new HttpFailure(Kind.BAD_REQUEST, field, message, null, null);
    }

    /** @return what went wrong */
    public Kind kind() {
        return kind;
    }

    /** @return the field to blame, if any */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** @return when to try again, for the kinds that say so */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** @return the {@code Allow} header's value, for {@link Kind#METHOD_NOT_ALLOWED} */
    public Optional<String> allow() {
        return Optional.ofNullable(allow);
    }
}
