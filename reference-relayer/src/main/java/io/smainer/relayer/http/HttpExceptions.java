package io.smainer.relayer.http;

import io.smainer.SmainerException;
import java.time.Duration;
import java.util.List;

/** The failures only the HTTP layer raises; {@link ErrorTable} maps each to its status. */
public final class HttpExceptions {
    private HttpExceptions() {
    }

    /** No such route, task or node (404). */
    public static final class NotFound extends SmainerException {
        private static final long serialVersionUID = 1L;

        /** @param message what was looked for */
        public NotFound(String message) {
            super(message);
        }
    }

    /** The task's result is not released yet: it is released once settled (409). */
    public static final class ResultNotReady extends SmainerException {
        private static final long serialVersionUID = 1L;

        /** @param message where the task is */
        public ResultNotReady(String message) {
            super(message);
        }
    }

    /** A missing or wrong API key (401). */
    public static final class Unauthorized extends SmainerException {
        private static final long serialVersionUID = 1L;

        /** @param message what was expected */
        public Unauthorized(String message) {
            super(message);
        }
    }

    /** Too many requests for one API client, address or remote address (429). */
    public static final class RateLimited extends SmainerException {
        private static final long serialVersionUID = 1L;
        private final Duration retryAfter;

        /**
         * @param message whose limit
         * @param retryAfter when to try again
         */
        public RateLimited(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        /** @return when to try again */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** The body is larger than the limit (413). */
    public static final class PayloadTooLarge extends SmainerException {
        private static final long serialVersionUID = 1L;

        /** @param message the limit and the size */
        public PayloadTooLarge(String message) {
            super(message);
        }
    }

    /** The route exists but not for this method (405). */
    public static final class MethodNotAllowed extends SmainerException {
        private static final long serialVersionUID = 1L;
        private final String allow;

        /**
         * @param allowed the methods the route answers
         * @param got the method asked for
         */
        public MethodNotAllowed(List<String> allowed, String got) {
            super("allowed: " + String.join(", ", allowed) + "; got " + got);
            this.allow = String.join(", ", allowed);
        }

        /** @return the {@code Allow} header's value */
        public String allow() {
            return allow;
        }
    }

    /** A valid API key that may not read this: another client's task, or a list (403). */
    public static final class Forbidden extends SmainerException {
        private static final long serialVersionUID = 1L;

        /** @param message what it may read */
        public Forbidden(String message) {
            super(message);
        }
    }

    /** The body did not arrive within {@code limits.body_read_timeout_millis} (408). */
    public static final class BodyTimeout extends SmainerException {
        private static final long serialVersionUID = 1L;

        /** @param message the limit */
        public BodyTimeout(String message) {
            super(message);
        }
    }

    /** The bytes of bodies in flight are at their bound, in total or for this address (503, {@code Retry-After}). */
    public static final class BodiesBusy extends SmainerException {
        private static final long serialVersionUID = 1L;

        /** @param message which bound */
        public BodiesBusy(String message) {
            super(message);
        }
    }

    /** A request Jetty could not make sense of: a bad query encoding, a bad chunk, a bad header (400). */
    public static final class BadRequest extends SmainerException {
        private static final long serialVersionUID = 1L;
        private final String field;

        /**
         * @param field what was wrong ({@code query}, {@code body}, or a parameter's name)
         * @param message in words for people
         */
        public BadRequest(String field, String message) {
            super(message);
            this.field = field;
        }

        /** @return what was wrong */
        public String field() {
            return field;
        }
    }
}
