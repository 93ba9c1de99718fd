package io.smainer;

/**
 * The root of every exception the SDK throws. Unchecked: callers catch the subtypes they can act on
 * ({@link InvalidFieldException} for bad input, and the escrow, protocol and job exceptions in their
 * packages) and let the rest travel.
 */
public class SmainerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was expected and what came */
    public SmainerException(String message) {
        super(message);
    }

    /**
     * @param message what was expected and what came
     * @param cause the underlying failure
     */
    public SmainerException(String message, Throwable cause) {
        super(message, cause);
    }
}
