package io.smainer.provider.app;

import com.sun.management.OperatingSystemMXBean;
import io.smainer.fee.Tier;
import io.smainer.protocol.NodeCapabilities.GpuInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What this machine offers: CPU cores, memory, GPUs, and the tier that qualifies it.
 *
 * @param cpuCores processors the JVM sees
 * @param memoryBytes physical memory, 0 when the JVM cannot tell
 * @param gpus usable GPUs
 * @param gpuSource how the GPUs were found ({@code nvidia-smi}, or the GPU module's discovery)
 * @param noGpuReason why no GPU is usable, when none is
 */
public record Hardware(int cpuCores, long memoryBytes, List<GpuInfo> gpus, String gpuSource, Optional<String> noGpuReason) {
    /** GPU memory from which a node qualifies for the pro tier: 16 GiB. */
    public static final long PRO_GPU_MEMORY_BYTES = 16L << 30;
    /** GPU memory from which a node qualifies for the premium tier: 40 GiB (A100/H100 class). */
    public static final long PREMIUM_GPU_MEMORY_BYTES = 40L << 30;
    /** The longest {@code nvidia-smi} may take. */
    public static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(15);

    /** Copies the list. */
    public Hardware {
        gpus = List.copyOf(gpus);
    }

    /**
     * The tier this reference provider claims: premium with a GPU of 40 GiB or more, pro from 16 GiB,
     * basic otherwise (a small GPU, or the CPU).
     *
     * @return the tier
     */
    public Tier qualifyingTier() {
        long largest = gpus.stream().mapToLong(GpuInfo::memoryBytes).max().orElse(0);
        return largest >= PREMIUM_GPU_MEMORY_BYTES ? Tier.PREMIUM : largest >= PRO_GPU_MEMORY_BYTES ? Tier.PRO : Tier.BASIC;
    }

    /** @return true when at least one GPU is usable */
    public boolean hasGpu() {
        return !gpus.isEmpty();
    }

    /**
     * Looks at this machine: the GPU module's discovery first, then {@code nvidia-smi}.
     *
     * @param discovery the GPU module's discovery
     * @param nvidiaSmi the {@code nvidia-smi} command to fall back to
     * @return what was found
     */
    public static Hardware detect(GpuDiscovery discovery, String nvidiaSmi) {
        int cores = Runtime.getRuntime().availableProcessors();
        long memory = physicalMemory();
        GpuDiscovery.Found found = discovery.discover();
        if (!found.gpus().isEmpty()) {
            return new Hardware(cores, memory, found.gpus(), discovery.name(), Optional.empty());
        }
        List<String> reasons = new ArrayList<>();
        found.reason().ifPresent(r -> reasons.add(discovery.name() + ": " + r));
        try {
            List<GpuInfo> smi = nvidiaSmi(nvidiaSmi);
            if (!smi.isEmpty()) {
                return new Hardware(cores, memory, smi, "nvidia-smi", Optional.empty());
            }
            reasons.add("nvidia-smi lists no GPU");
        } catch (IOException e) {
            reasons.add("nvidia-smi: " + e.getMessage());
        }
        return new Hardware(cores, memory, List.of(), "none", Optional.of(String.join("; ", reasons)));
    }

    private static long physicalMemory() {
        try {
            var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot-family JVM: memory unknown
        }
        return 0;
    }

    /**
     * Runs {@code nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader,nounits}.
     *
     * @param command the executable
     * @return the GPUs it lists
     * @throws IOException when it is missing, fails, or times out, with a message saying which
     */
    static List<GpuInfo> nvidiaSmi(String command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command, "--query-gpu=name,memory.total,compute_cap", "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("not found or not runnable ('" + command + "')");
        }
        try {
            if (!p.waitFor(NVIDIA_SMI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("did not answer within " + NVIDIA_SMI_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            String first = out.lines().findFirst().orElse("").trim();
            throw new IOException("exited with " + p.exitValue() + (first.isEmpty() ? "" : " (" + first + ")"));
        }
        return parseNvidiaSmi(out);
    }

    /**
     * @param csv {@code nvidia-smi}'s CSV: name, memory in MiB, compute capability per line
     * @return the GPUs
     * @throws IOException for a line that does not read
     */
    static List<GpuInfo> parseNvidiaSmi(String csv) throws IOException {
        List<GpuInfo> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 3) {
                throw new IOException("unexpected output line '" + line.trim() + "'");
            }
            try {
                long mib = Long.parseLong(f[1].trim());
                gpus.add(new GpuInfo(f[0].trim(), mib << 20, f[2].trim()));
            } catch (RuntimeException e) {
                throw new IOException("unexpected output line '" + line.trim() + "'");
            }
        }
        return gpus;
    }
}
