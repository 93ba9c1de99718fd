package io.smainer.gpu;

import io.smainer.Require;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobRunner;

/**
 * Picks the runner for this machine: the GPU runner where CUDA works, else the Java runner, and says
 * why, for the provider's start-up log and its advertised capabilities.
 */
public final class JobRunners {
    private JobRunners() {
    }

    /**
     * The runner chosen and why.
     *
     * @param runner the runner, owned by the caller (close it)
     * @param gpu true when it is a {@link CudaJobRunner}
     * @param reason e.g. {@code GPU: NVIDIA H100 ...} or {@code Java runner: no usable GPU: ...}
     */
    public record Choice(JobRunner runner, boolean gpu, String reason) {
        /** Validates the fields. */
        public Choice {
            Require.present("runner", runner);
            Require.text("reason", reason, 4096);
        }
    }

    /** @return the GPU runner with its defaults, or the Java runner with its defaults */
    public static Choice best() {
        return best(CudaJobRunner.builder(), JavaJobRunner.builder());
    }

    /**
     * @param gpu how to build the GPU runner
     * @param fallback how to build the Java runner when there is no usable GPU
     * @return the choice; never throws for a missing GPU
     */
    public static Choice best(CudaJobRunner.Builder gpu, JavaJobRunner.Builder fallback) {
        try {
            CudaJobRunner r = gpu.build();
            return new Choice(r, true, "GPU: " + String.join("; ", r.devices().stream().map(CudaDevice::describe).toList()));
        } catch (GpuUnavailableException e) {
            return new Choice(fallback.build(), false, "Java runner: no usable GPU: " + e.getMessage());
        }
    }
}
