package io.smainer.gpu;

import io.smainer.Require;
import io.smainer.protocol.NodeCapabilities;
import java.util.Locale;

/**
 * One CUDA device as discovery found it.
 *
 * @param ordinal the driver's device number
 * @param name the product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param totalMemoryBytes its global memory
 * @param computeMajor compute capability, major part (e.g. 9 for Hopper)
 * @param computeMinor compute capability, minor part
 * @param multiprocessors streaming multiprocessors
 */
public record CudaDevice(int ordinal, String name, long totalMemoryBytes, int computeMajor, int computeMinor,
        int multiprocessors) {
    /** Validates every field. */
    public CudaDevice {
        Require.range("ordinal", ordinal, 0, 1024);
        Require.text("name", name, 256);
        Require.range("total_memory_bytes", totalMemoryBytes, 0, Long.MAX_VALUE);
        Require.range("compute_major", computeMajor, 0, 100);
        Require.range("compute_minor", computeMinor, 0, 100);
        Require.range("multiprocessors", multiprocessors, 0, 100_000);
    }

    /** @return the compute capability as {@code major.minor}, e.g. {@code 9.0} */
    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }

    /** @return this device as a provider advertises it */
    public NodeCapabilities.GpuInfo toGpuInfo() {
        return new NodeCapabilities.GpuInfo(name, totalMemoryBytes, computeCapability());
    }

    /** @return e.g. {@code NVIDIA H100 80GB HBM3 (cuda:0, sm_90, 79.1 GiB)} */
    public String describe() {
        return String.format(Locale.ROOT, "%s (cuda:%d, sm_%d%d, %.1f GiB)", name, ordinal, computeMajor,
                computeMinor, totalMemoryBytes / (double) (1L << 30));
    }
}
