package io.smainer.relayer.staking;

import io.smainer.SmainerException;
import java.util.Optional;

/** A demander's dispute of a sealed result that slashes nothing, with why (its HTTP status and error code). */
public final class DisputeRefusedException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** Why, with the status and error code the API answers. */
    public enum Reason {
        /** {@code staking.enabled=false}: nothing could be slashed. */
        STAKING_DISABLED(409, "staking_disabled"),
        /** The task is not sealed: the relayer checks its result itself. */
        NOT_SEALED(409, "not_sealed"),
        /** The task is not settled: its result is not released, so its demander has nothing to dispute yet. */
        NOT_SETTLED(409, "result_not_ready"),
        /** The task was disputed before: its evidence is kept and its slash under way; nothing is kept twice. */
        ALREADY_DISPUTED(409, "already_disputed"),
        /** A revealed content key does not open what the relayer holds (the field says which). */
        KEY_DOES_NOT_OPEN(400, "key_does_not_open"),
        /** The opened job's kind has no check this relayer can run. */
        NO_CHECK(422, "no_check"),
        /** The opened result passes the kind's check: there is nothing wrong to prove. */
        RESULT_CHECKS_OUT(409, "result_checks_out"),
        /** The provider's receipt does not verify against its key on chain now: the evidence would not convince. */
        RECEIPT_UNVERIFIED(409, "receipt_unverified");

        private final int status;
        private final String code;

        Reason(int status, String code) {
            this.status = status;
            this.code = code;
        }

        /** @return the HTTP status */
        public int status() {
            return status;
        }

        /** @return the {@code error} code */
        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final String field;

    /**
     * @param reason why
     * @param field the request field to blame, or null
     * @param message what was expected and what came (never a revealed key)
     */
    public DisputeRefusedException(Reason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    /** @return why */
    public Reason reason() {
        return reason;
    }

    /** @return the field to blame, if any */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
