package io.smainer.gpu;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.gpu.internal.CudaCalls;
import io.smainer.gpu.internal.CudaHandlers;
import io.smainer.gpu.internal.DeviceSession;
import io.smainer.gpu.internal.PtxSandbox;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobException;
import io.smainer.job.JobHandler;
import io.smainer.job.JobResult;
import io.smainer.job.JobRunner;
import io.smainer.job.Jobs;
import io.smainer.protocol.JobSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs jobs on NVIDIA GPUs through JCuda's driver API: {@link Jobs#PORTABLE_KINDS} with this module's
 * PTX kernels (bit-identical to the Java runner for the exact kinds), and {@value Jobs#PTX_KERNEL}
 * in a killable child process.
 *
 * <p>One context per device (its primary context), one worker thread per device behind a bounded
 * queue (each device is a {@link JavaJobRunner} with one worker whose handlers drive that device), so
 * jobs on one device run one at a time and never contend for it. A submission goes to the device with
 * the fewest jobs pending. Every run allocates its device memory in an arena that is freed on every
 * path (result, error, timeout, cancellation); kernel time is measured with CUDA events and reported
 * as {@link JobResult#ran()} and as the effort's GPU milliseconds.
 *
 * <p>A kernel already running cannot be stopped: at the deadline the job's future fails at once, and
 * the device's worker frees the memory when the kernel ends. Our kernels are bounded by their sizes;
 * a demander's kernel runs in a process that is killed.
 *
 * <p>{@link Builder#build()} throws {@link GpuUnavailableException} where there is no usable GPU; use
 * {@link JobRunners#best()} to fall back to the Java runner. Thread-safe; {@link #close()} is idempotent.
 */
public final class CudaJobRunner implements JobRunner {
    /** Jobs waiting per device, by default. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16;
    /** Share of a device's memory one job may use, by default (the rest is the driver's and ours). */
    public static final double DEFAULT_MEMORY_SHARE = 0.9;
    /** How long {@link #close()} waits for running kernels, by default. */
    public static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(30);

    private final List<Device> devices;
    private final Set<String> kinds;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String name;

    private record Device(CudaDevice info, DeviceSession session, JavaJobRunner runner) {
    }

    private CudaJobRunner(List<Device> devices, boolean ptx) {
        this.devices = List.copyOf(devices);
        Set<String> k = new LinkedHashSet<>(Jobs.PORTABLE_KINDS);
        if (ptx) {
            k.add(Jobs.PTX_KERNEL);
        }
        this.kinds = Set.copyOf(k);
        this.name = devices.size() == 1 ? "cuda:" + devices.get(0).info().ordinal() : "cuda(" + devices.size() + " devices)";
    }

    /** @return a builder for all devices with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a runner on every device, with the defaults
     * @throws GpuUnavailableException where there is no usable GPU
     */
    public static CudaJobRunner create() {
        return builder().build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> kinds() {
        return kinds;
    }

    /** @return the devices this runner uses */
    public List<CudaDevice> devices() {
        return devices.stream().map(Device::info).toList();
    }

    @Override
    public CompletableFuture<JobResult> submit(JobSpec spec) {
        if (spec == null) {
            return CompletableFuture.failedFuture(new InvalidFieldException("spec", "a job spec", null));
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new JobException(spec.kind(), JobException.Reason.REJECTED,
                    "runner " + name + " is closed", true, null));
        }
        if (!kinds.contains(spec.kind())) {
            return CompletableFuture.failedFuture(new JobException(spec.kind(), JobException.Reason.REJECTED,
                    "runner " + name + " does not run this kind; it runs " + new TreeSet<>(kinds), false, null));
        }
        return pick().runner().submit(spec);
    }

    /**
     * Measures the launch overhead of an empty kernel on the first device: each launch followed by a
     * stream synchronisation, timed on the host, and the device time per launch from CUDA events over
     * back-to-back launches.
     *
     * @param launches how many launches to average over, in {@code [1, 1000000]}
     * @return host and device time per launch
     */
    public CompletableFuture<LaunchOverhead> launchOverhead(int launches) {
        Require.range("launches", launches, 1, 1_000_000);
        JobSpec spec = new JobSpec(CudaHandlers.EMPTY_KERNEL, Map.of("launches", Integer.toString(launches)), new byte[0],
                600_000, 0);
        return devices.get(0).runner().submit(spec).thenApply(r -> {
            ByteBuffer b = ByteBuffer.wrap(r.output()).order(ByteOrder.LITTLE_ENDIAN);
            return new LaunchOverhead(Duration.ofNanos(b.getLong()), Duration.ofNanos(b.getLong()));
        });
    }

    /**
     * The cost of launching a kernel that does nothing.
     *
     * @param launchAndWait host time for one launch plus a stream synchronisation
     * @param devicePerLaunch device time per launch when launches go back to back (CUDA events)
     */
    public record LaunchOverhead(Duration launchAndWait, Duration devicePerLaunch) {
    }

    private Device pick() {
        Device best = null;
        int start = Math.floorMod(next.getAndIncrement(), devices.size());
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get((start + i) % devices.size());
            if (best == null || d.runner().pendingJobs() < best.runner().pendingJobs()) {
                best = d;
            }
        }
        return best;
    }

    /** Fails queued and running jobs, stops the device workers and releases the contexts. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Device d : devices) {
            d.runner().close();
        }
        for (Device d : devices) {
            d.session().close();
        }
    }

    @Override
    public String toString() {
        return "CudaJobRunner[" + String.join("; ", devices().stream().map(CudaDevice::describe).toList()) + "]";
    }

    /** Builds a {@link CudaJobRunner}. Not thread-safe. */
    public static final class Builder {
        private List<Integer> ordinals;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private double memoryShare = DEFAULT_MEMORY_SHARE;
        private long maxJobMemoryBytes;
        private Clock clock = Clock.systemUTC();
        private Duration closeWait = DEFAULT_CLOSE_WAIT;
        private boolean ptxKernels = true;
        private List<String> sandboxJava;

        private Builder() {
        }

        /**
         * @param ordinals the devices to use (default: every device)
         * @return this
         */
        public Builder devices(List<Integer> ordinals) {
            this.ordinals = List.copyOf(Require.size("devices", ordinals, 64));
            return this;
        }

        /**
         * @param n jobs waiting per device before submissions are rejected, in {@code [1, 100000]}
         * @return this
         */
        public Builder queueCapacity(int n) {
            this.queueCapacity = (int) Require.range("queue_capacity", n, 1, 100_000);
            return this;
        }

        /**
         * @param share of each device's memory one job may use, in {@code (0, 1]}
         * @return this
         */
        public Builder memoryShare(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new InvalidFieldException("memory_share", "a fraction in (0, 1]", share);
            }
            this.memoryShare = share;
            return this;
        }

        /**
         * @param bytes a fixed per-job device memory limit, overriding {@link #memoryShare}
         * @return this
         */
        public Builder maxJobMemoryBytes(long bytes) {
            this.maxJobMemoryBytes = Require.range("max_job_memory_bytes", bytes, 1, Long.MAX_VALUE);
            return this;
        }

        /**
         * @param clock the time source for deadlines and queue timings
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = Require.present("clock", clock);
            return this;
        }

        /**
         * @param wait how long {@link CudaJobRunner#close()} waits for running kernels
         * @return this
         */
        public Builder closeWait(Duration wait) {
            this.closeWait = Require.present("close_wait", wait);
            return this;
        }

        /**
         * @param on whether to accept {@value Jobs#PTX_KERNEL} jobs (default true)
         * @return this
         */
        public Builder ptxKernels(boolean on) {
            this.ptxKernels = on;
            return this;
        }

        /**
         * @param command the command that starts a JVM with smainer-gpu on its class path, for the
         *     {@value Jobs#PTX_KERNEL} sandbox (default: this JVM's java and class path)
         * @return this
         */
        public Builder sandboxJava(List<String> command) {
            this.sandboxJava = List.copyOf(Require.size("sandbox_java", command, 256));
            return this;
        }

        /**
         * @return the runner, with a context and its kernels loaded on every chosen device
         * @throws GpuUnavailableException when there is no usable GPU, a chosen device does not exist,
         *     or a device cannot be set up (e.g. a driver too old for the PTX)
         */
        public CudaJobRunner build() {
            CudaDiscovery found = CudaDiscovery.discover();
            if (!found.isAvailable()) {
                throw new GpuUnavailableException(found.unavailableReason().orElseThrow());
            }
            List<CudaDevice> chosen = new ArrayList<>();
            for (CudaDevice d : found.devices()) {
                if (ordinals == null || ordinals.contains(d.ordinal())) {
                    chosen.add(d);
                }
            }
            if (chosen.isEmpty()) {
                throw new GpuUnavailableException("none of the devices " + ordinals + " exists; found " + found.describe());
            }
            List<Device> devices = new ArrayList<>();
            try {
                for (CudaDevice info : chosen) {
                    DeviceSession session;
                    try {
                        session = DeviceSession.open(info);
                    } catch (CudaCalls.CudaCallException | IllegalStateException e) {
                        throw new GpuUnavailableException("cuda:" + info.ordinal() + " could not be set up: "
                                + e.getMessage(), e);
                    }
                    long limit = maxJobMemoryBytes > 0 ? maxJobMemoryBytes
                            : Math.max(1, (long) (info.totalMemoryBytes() * memoryShare));
                    JavaJobRunner.Builder rb = JavaJobRunner.builder().standardKinds(false).workerThreads(1)
                            .computeThreads(1).queueCapacity(queueCapacity).clock(clock).closeWait(closeWait)
                            .maxJobMemoryBytes(limit).name("cuda-" + info.ordinal()).device(info.describe());
                    for (JobHandler h : CudaHandlers.forSession(session)) {
                        rb.handler(h);
                    }
                    if (ptxKernels) {
                        rb.handler(new PtxSandbox(sandboxJava != null ? sandboxJava : PtxSandbox.currentJvm(), info.ordinal()));
                    }
                    devices.add(new Device(info, session, rb.build()));
                }
            } catch (RuntimeException e) {
                for (Device d : devices) {
                    d.runner().close();
                    d.session().close();
                }
                throw e;
            }
            return new CudaJobRunner(devices, ptxKernels);
        }
    }
}
