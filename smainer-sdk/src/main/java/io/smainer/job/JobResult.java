package io.smainer.job;

import io.smainer.Require;
import io.smainer.chain.Felt;
import io.smainer.crypto.Receipts;
import io.smainer.protocol.EffortMetrics;
import java.time.Duration;
import java.util.Optional;

/**
 * What a run produced.
 *
 * @param output the canonical result bytes
 * @param resultHash {@link Receipts#resultHash(byte[])} of the output
 * @param queued time spent waiting for the device
 * @param ran time spent running (kernel time on a GPU)
 * @param device the device used, e.g. {@code cpu} or {@code NVIDIA H100 80GB HBM3}
 * @param effort what the run consumed, for effort settlement
 */
public record JobResult(byte[] output, Felt resultHash, Duration queued, Duration ran, String device,
        Optional<EffortMetrics> effort) {
    /** Validates every field. */
    public JobResult {
        Require.present("output", output);
        Require.present("result_hash", resultHash);
        Require.present("queued", queued);
        Require.present("ran", ran);
        Require.text("device", device, 256);
        effort = Require.optional("effort", effort);
    }

    /**
     * @param output the result bytes
     * @param queued time waiting
     * @param ran time running
     * @param device the device
     * @param effort what the run consumed
     * @return a result whose hash is computed from the output
     */
    public static JobResult of(byte[] output, Duration queued, Duration ran, String device, Optional<EffortMetrics> effort) {
        return new JobResult(output, Receipts.resultHash(output), queued, ran, device, effort);
    }
}
