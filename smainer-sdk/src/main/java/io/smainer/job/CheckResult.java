package io.smainer.job;

import io.smainer.Require;


/**
 * The verdict of a {@link ResultCheck}.
 *
 * @param passed true when the output is accepted
 * @param detail what was compared and, on failure, where it went wrong
 */
public record CheckResult(boolean passed, String detail) {
    /** Validates the detail. */
    public CheckResult {
        Require.text("detail", detail, 4096);
    }

    /**
     * @param detail what was compared
     * @return an accepting verdict
     */
    public static CheckResult pass(String detail) {
        return new CheckResult(true, detail);
    }

    /**
     * @param detail where it went wrong
     * @return a rejecting verdict
     */
    public static CheckResult fail(String detail) {
        return new CheckResult(false, detail);
    }
}
