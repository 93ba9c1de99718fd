package io.smainer.job;

import io.smainer.protocol.JobSpec;

/**
 * Decides whether an output is a right answer to a spec, for a relayer or a demander that does not
 * take a provider's word for it. Implementations are thread-safe.
 */
@FunctionalInterface
public interface ResultCheck {
    /**
     * @param spec the job
     * @param output the output a provider returned
     * @return the verdict; a malformed output is a failing verdict, not an exception
     */
    CheckResult check(JobSpec spec, byte[] output);
}
