package io.smainer.seal;

import io.smainer.SmainerException;

/** A sealed envelope, job or result could not be opened: says why, in words, and which {@link Problem} it is. */
public final class SealException extends SmainerException {
    private static final long serialVersionUID = 1L;

    /** What kind of trouble. */
    public enum Problem {
        /** Not an envelope of a known version, or its structure is broken (lengths, counts). */
        MALFORMED,
        /** The key in hand is not one of the envelope's recipients. */
        NOT_RECIPIENT,
        /** The envelope was changed after it was sealed: an authentication tag or the header's MAC does not verify. */
        TAMPERED
    }

    private final Problem problem;

    /**
     * @param problem the kind of trouble
     * @param message what was expected and what came
     */
    public SealException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    /** @return the kind of trouble */
    public Problem problem() {
        return problem;
    }
}
