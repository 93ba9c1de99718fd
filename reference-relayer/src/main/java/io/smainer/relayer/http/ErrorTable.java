package io.smainer.relayer.http;

import io.smainer.InvalidFieldException;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.protocol.Api;
import io.smainer.relayer.intake.AccountCheckUnavailableException;
import io.smainer.relayer.intake.EscrowRejectedException;
import io.smainer.relayer.intake.NoProviderException;
import io.smainer.relayer.intake.RelayerBusyException;
import io.smainer.relayer.intake.RequestRejectedException;
import io.smainer.relayer.staking.DisputeRefusedException;
import io.smainer.relayer.store.StoreUnavailableException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.util.Utf8StringBuilder;

/**
 * The one place where an exception becomes an HTTP status and an {@link Api.ErrorBody}
 * ({@code {"error", "message", "field"}}). Unknown exceptions are 500 with no detail (they are logged). A client's
 * error is a 4xx whose message is written for people (never a Java exception's text), and is {@code expected}: it
 * is not logged with a stack trace.
 */
public final class ErrorTable {
    private ErrorTable() {
    }

    /**
     * An answer to an error.
     *
     * @param status the HTTP status
     * @param body the JSON body
     * @param retryAfter a {@code Retry-After} to send, if any
     * @param expected false for a bug or outage that should be logged with its stack
     */
    public record Problem(int status, Api.ErrorBody body, Optional<Duration> retryAfter, boolean expected) {
    }

    /**
     * @param e what went wrong
     * @return the status and body
     */
    public static Problem of(Throwable e) {
        if (e instanceof RequestRejectedException r) {
            return switch (r.reason()) {
                case UNKNOWN_ACCOUNT -> problem(401, "unknown_account", r.getMessage(), r.field());
                case BAD_SIGNATURE -> problem(401, "invalid_signature", r.getMessage(), r.field());
                case EXPIRED -> problem(400, "expired", r.getMessage(), r.field());
                case REPLAYED -> problem(409, "nonce_replayed", r.getMessage(), r.field());
            };
        }
        if (e instanceof AccountCheckUnavailableException x) {
            return new Problem(503, new Api.ErrorBody("account_check_unavailable", x.getMessage(), Optional.empty()),
                    Optional.of(Duration.ofSeconds(5)), false);
        }
        if (e instanceof RelayerBusyException x) {
            return new Problem(503, new Api.ErrorBody("relayer_busy", x.getMessage(), Optional.empty()),
                    Optional.of(x.retryAfter()), true);
        }
        if (e instanceof StoreUnavailableException x) {
            // expected: the store's outage is logged once by GuardedStore, not with a stack per request
            String why = x.reason().isEmpty() ? "" : " (" + x.reason() + ")";
            return new Problem(503, new Api.ErrorBody("store_unavailable", "the relayer's store is unavailable" + why
                    + "; nothing was changed by this request: send it again after Retry-After", Optional.empty()),
                    Optional.of(StoreUnavailableException.RETRY_AFTER), true);
        }
        if (e instanceof DisputeRefusedException x) {
            return problem(x.reason().status(), x.reason().code(), x.getMessage(), x.field().orElse(null));
        }
        if (e instanceof EscrowRejectedException x) {
            return problem(402, "escrow_rejected", x.getMessage(), x.field());
        }
        if (e instanceof InvalidFieldException f) {
            return problem(400, "invalid_field", f.getMessage(), f.field());
        }
        if (e instanceof HttpFailure f) {
            return new Problem(f.kind().status(), new Api.ErrorBody(f.kind().code(), f.getMessage(), f.field()),
                    f.retryAfter(), true);
        }
        if (e instanceof NoProviderException x) {
            return new Problem(503, new Api.ErrorBody("no_provider", x.getMessage(), Optional.of("job.kind")),
                    Optional.of(NoProviderException.RETRY_AFTER), true);
        }
        if (e instanceof HttpException h && h.getCode() / 100 == 4) {
            // Jetty's own word for a request it could not parse (a bad chunk size, a bad header): the status, not its text
            return problem(h.getCode(), "bad_request", "the request could not be read: HTTP " + h.getCode() + " "
                    + HttpStatus.getMessage(h.getCode()), null);
        }
        if (e instanceof EofException || e instanceof Utf8StringBuilder.Utf8IllegalArgumentException) {
            return problem(400, "bad_request", "the request could not be read to its end as sent", null);
        }
        if (e instanceof EscrowRevertedException x) {
            return new Problem(502, new Api.ErrorBody("chain_reverted", x.getMessage(), Optional.empty()), Optional.empty(),
                    false);
        }
        if (e instanceof ChainException) { // expected: ApiHandler logs the chain's outage at most once a period
            return new Problem(503, new Api.ErrorBody("chain_unavailable", "the chain could not be read; try again",
                    Optional.empty()), Optional.of(Duration.ofSeconds(5)), true);
        }
        return new Problem(500, new Api.ErrorBody("internal", "internal error", Optional.empty()), Optional.empty(), false);
    }

    private static Problem problem(int status, String code, String message, String field) {
        return new Problem(status, new Api.ErrorBody(code, message, Optional.ofNullable(field)), Optional.empty(), true);
    }
}
