package io.smainer.job;

import io.smainer.Require;
import io.smainer.protocol.EffortMetrics;
import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link JobHandler} produced: the canonical output bytes, optionally effort metrics, and
 * optionally the time the device itself spent (kernel time), which a runner then reports as
 * {@link JobResult#ran()} instead of the wall time of the run.
 *
 * @param output the canonical result bytes (the result hash is taken over exactly these)
 * @param effort what the run consumed, for effort settlement
 * @param deviceTime the device's own time, e.g. summed kernel times measured with CUDA events
 */
public record JobOutput(byte[] output, Optional<EffortMetrics> effort, Optional<Duration> deviceTime) {
    /** Validates every field. */
    public JobOutput {
        Require.present("output", output);
        effort = Require.optional("effort", effort);
        deviceTime = Require.optional("device_time", deviceTime);
    }

    /**
     * @param output the result bytes
     * @return an output without effort metrics or device time
     */
    public static JobOutput of(byte[] output) {
        return new JobOutput(output, Optional.empty(), Optional.empty());
    }
}
