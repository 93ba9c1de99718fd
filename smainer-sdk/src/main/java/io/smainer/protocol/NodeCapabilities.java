package io.smainer.protocol;

import io.smainer.Require;
import io.smainer.fee.Tier;
import io.smainer.seal.SealBinding;
import java.util.List;
import java.util.Optional;

/**
 * What a provider node offers: the job kinds it runs, its GPUs, the highest tier it serves, how many
 * tasks it runs at once, and the key sealed tasks are sealed to.
 *
 * @param name a display name
 * @param jobKinds the job kinds it accepts
 * @param gpus its GPUs, empty for a CPU-only node
 * @param tier the highest tier it qualifies for
 * @param maxConcurrent tasks it runs at once, in {@code [1, 1024]}
 * @param seal its X25519 sealing key, signed by its account's Stark key; empty for a node that takes no sealed tasks
 */
public record NodeCapabilities(String name, List<String> jobKinds, List<GpuInfo> gpus, Tier tier, int maxConcurrent,
        Optional<SealBinding> seal) {
    /** Validates every field. */
    public NodeCapabilities {
        Require.text("name", name, 128);
        jobKinds = List.copyOf(Require.size("job_kinds", jobKinds, 64));
        gpus = List.copyOf(Require.size("gpus", gpus == null ? List.of() : gpus, 64));
        Require.present("tier", tier);
        Require.range("max_concurrent", maxConcurrent, 1, 1024);
        seal = Require.optional("seal", seal);
    }

    /**
     * Capabilities without a sealing key.
     *
     * @param name a display name
     * @param jobKinds the job kinds it accepts
     * @param gpus its GPUs, empty for a CPU-only node
     * @param tier the highest tier it qualifies for
     * @param maxConcurrent tasks it runs at once, in {@code [1, 1024]}
     */
    public NodeCapabilities(String name, List<String> jobKinds, List<GpuInfo> gpus, Tier tier, int maxConcurrent) {
        this(name, jobKinds, gpus, tier, maxConcurrent, Optional.empty());
    }

    /**
     * @param binding a sealing key and its signature
     * @return these capabilities with that sealing key
     */
    public NodeCapabilities withSeal(SealBinding binding) {
        return new NodeCapabilities(name, jobKinds, gpus, tier, maxConcurrent, Optional.of(binding));
    }

    /** @return the memory of its largest GPU, 0 without one */
    public long largestGpuMemoryBytes() {
        return gpus.stream().mapToLong(GpuInfo::memoryBytes).max().orElse(0);
    }

    /**
     * One GPU.
     *
     * @param name the device name
     * @param memoryBytes its memory
     * @param computeCapability e.g. {@code 9.0}
     */
    public record GpuInfo(String name, long memoryBytes, String computeCapability) {
        /** Validates every field. */
        public GpuInfo {
            Require.text("gpus.name", name, 128);
            Require.range("gpus.memory_bytes", memoryBytes, 0, Long.MAX_VALUE);
            Require.text("gpus.compute_capability", computeCapability, 16);
        }
    }
}
