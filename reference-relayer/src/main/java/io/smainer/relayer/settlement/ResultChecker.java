package io.smainer.relayer.settlement;

import io.smainer.protocol.JobSpec;

/**
 * Checks a result for one job kind before it is paid for (e.g. Freivalds' check for a matrix product).
 * Kinds without a checker are checked by their result hash and receipt only.
 */
public interface ResultChecker {
    /** @return the job kind checked */
    String kind();

    /**
     * @param job the job as submitted
     * @param result the result bytes the provider sent
     * @throws ReceiptRejectedException naming {@code result} when the result is wrong
     */
    void check(JobSpec job, byte[] result);
}
