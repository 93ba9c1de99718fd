package io.smainer.gpu.internal;

import static io.smainer.gpu.internal.CudaCalls.check;

import io.smainer.fee.EffortPricing;
import io.smainer.job.JobContext;
import io.smainer.job.JobException;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.job.Jobs;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUmemorytype;
import jcuda.driver.JCudaDriver;

/**
 * The GPU implementations of the portable kinds on one {@link DeviceSession}. Each run: make the
 * context current, allocate in a {@link DeviceMemory} (freed on every path), copy in, launch between
 * two CUDA events (the run's reported time), copy out. Host copies are synchronous: Java arrays are
 * not pinned, so asynchronous copies from them would not be safe. Not API.
 */
public final class CudaHandlers {
    private CudaHandlers() {
    }

    /**
     * @param session the device
     * @return a handler per portable kind, plus the launch-overhead probe
     */
    public static List<JobHandler> forSession(DeviceSession session) {
        return List.of(new Matmul(session), new Saxpy(session), new ReduceSum(session), new Sha256Batch(session),
                new EmptyKernel(session));
    }

    /** The kind of the internal launch-overhead probe (not advertised). */
    public static final String EMPTY_KERNEL = "cuda-empty-kernel";

    /** Shared run skeleton: context, memory arena, error mapping. */
    abstract static class CudaHandler implements JobHandler {
        final DeviceSession session;

        CudaHandler(DeviceSession session) {
            this.session = session;
        }

        @Override
        public final JobOutput run(JobSpec spec, JobContext context) {
            context.checkActive();
            try {
                session.makeCurrent();
                try (DeviceMemory memory = new DeviceMemory(session.stream())) {
                    return runOn(spec, context, memory);
                }
            } catch (CudaCalls.CudaCallException e) {
                if (e.sticky()) {
                    session.markBroken();
                }
                if (e.outOfMemory()) {
                    throw new JobException(kind(), JobException.Reason.OVER_LIMIT,
                            "device cuda:" + session.info().ordinal() + " is out of memory: " + e.getMessage(), true, e);
                }
                throw new JobException(kind(), JobException.Reason.FAILED, "on cuda:" + session.info().ordinal() + ": "
                        + e.getMessage(), true, e);
            }
        }

        abstract JobOutput runOn(JobSpec spec, JobContext context, DeviceMemory memory);

        void launch(String kernel, int gridX, int gridY, int block, int sharedBytes, Pointer params) {
            check(JCudaDriver.cuLaunchKernel(session.function(kernel), gridX, gridY, 1, block, 1, 1, sharedBytes,
                    session.stream(), params, null), "cuLaunchKernel(" + kernel + ")");
        }

        static void upload(CUdeviceptr dst, byte[] src, long offset, long bytes) {
            if (bytes > 0) {
                check(JCudaDriver.cuMemcpyHtoD(dst, Pointer.to(src).withByteOffset(offset), bytes), "cuMemcpyHtoD");
            }
        }

        static void download(byte[] dst, CUdeviceptr src, long bytes) {
            if (bytes > 0) {
                check(JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), src, bytes), "cuMemcpyDtoH");
            }
        }

        static JobOutput output(byte[] out, float kernelMillis) {
            long ms = Math.min(EffortPricing.MAX_GPU_MILLIS, (long) Math.ceil(kernelMillis));
            return new JobOutput(out, Optional.of(new EffortMetrics(0, 0, ms, 0)),
                    Optional.of(Duration.ofNanos(Math.round(kernelMillis * 1e6))));
        }
    }

    /** {@value Jobs#MATMUL_F32}: zero-padded copies, the tiled SGEMM, a pitched copy back. */
    static final class Matmul extends CudaHandler {
        Matmul(DeviceSession s) {
            super(s);
        }

        @Override
        public String kind() {
            return Jobs.MATMUL_F32;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            Jobs.MatmulShape s = Jobs.matmulShape(spec);
            return MatmulPlan.of(s.m(), s.k(), s.n(), session.info().multiprocessors()).deviceBytes();
        }

        @Override
        JobOutput runOn(JobSpec spec, JobContext context, DeviceMemory memory) {
            Jobs.MatmulShape s = Jobs.matmulShape(spec);
            MatmulPlan plan = MatmulPlan.of(s.m(), s.k(), s.n(), session.info().multiprocessors());
            CUdeviceptr a = memory.alloc(4L * plan.mp() * plan.kp());
            CUdeviceptr b = memory.alloc(4L * plan.kp() * plan.np());
            CUdeviceptr c = memory.alloc(4L * plan.mp() * plan.np());
            if (plan.padded()) {
                check(JCudaDriver.cuMemsetD32(a, 0, (long) plan.mp() * plan.kp()), "cuMemsetD32");
                check(JCudaDriver.cuMemsetD32(b, 0, (long) plan.kp() * plan.np()), "cuMemsetD32");
            }
            byte[] payload = spec.payload();
            copy2d(payload, 0, 4L * s.k(), s.m(), a, 4L * plan.kp());
            copy2d(payload, 4L * s.m() * s.k(), 4L * s.n(), s.k(), b, 4L * plan.np());
            context.checkActive();
            Pointer params = Pointer.to(Pointer.to(new int[] {plan.mp()}), Pointer.to(new int[] {plan.np()}),
                    Pointer.to(new int[] {plan.kp()}), Pointer.to(a), Pointer.to(b), Pointer.to(c));
            float ms = session.timed(() -> launch(plan.kernel(), plan.gridX(), plan.gridY(), plan.blockThreads(), 0, params));
            context.checkActive();
            byte[] out = new byte[Math.multiplyExact(4, Math.multiplyExact(s.m(), s.n()))];
            CUDA_MEMCPY2D back = new CUDA_MEMCPY2D();
            back.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
            back.srcDevice = c;
            back.srcPitch = 4L * plan.np();
            back.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
            back.dstHost = Pointer.to(out);
            back.dstPitch = 4L * s.n();
            back.WidthInBytes = 4L * s.n();
            back.Height = s.m();
            check(JCudaDriver.cuMemcpy2D(back), "cuMemcpy2D(C to host)");
            return output(out, ms);
        }

        /** Copies {@code rows} rows of {@code rowBytes} from a dense host array into a pitched device matrix. */
        private static void copy2d(byte[] src, long offset, long rowBytes, int rows, CUdeviceptr dst, long dstPitch) {
            CUDA_MEMCPY2D p = new CUDA_MEMCPY2D();
            p.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_HOST;
            p.srcHost = Pointer.to(src).withByteOffset(offset);
            p.srcPitch = rowBytes;
            p.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
            p.dstDevice = dst;
            p.dstPitch = dstPitch;
            p.WidthInBytes = rowBytes;
            p.Height = rows;
            check(JCudaDriver.cuMemcpy2D(p), "cuMemcpy2D(to device)");
        }
    }

    /** {@value Jobs#SAXPY_F32}: x and y in one copy, {@code __fmaf_rn}. */
    static final class Saxpy extends CudaHandler {
        Saxpy(DeviceSession s) {
            super(s);
        }

        @Override
        public String kind() {
            return Jobs.SAXPY_F32;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            return 12L * Jobs.saxpyLength(spec);
        }

        @Override
        JobOutput runOn(JobSpec spec, JobContext context, DeviceMemory memory) {
            int n = Jobs.saxpyLength(spec);
            float a = Jobs.saxpyScalar(spec);
            if (n == 0) {
                return output(new byte[0], 0);
            }
            CUdeviceptr xy = memory.alloc(8L * n);
            CUdeviceptr out = memory.alloc(4L * n);
            upload(xy, spec.payload(), 0, 8L * n);
            context.checkActive();
            CUdeviceptr y = xy.withByteOffset(4L * n);
            Pointer params = Pointer.to(Pointer.to(new long[] {n}), Pointer.to(new float[] {a}), Pointer.to(xy),
                    Pointer.to(y), Pointer.to(out));
            int grid = (int) Math.min((n + 255L) / 256, 32L * Math.max(1, session.info().multiprocessors()));
            float ms = session.timed(() -> launch("saxpy_f32", grid, 1, 256, 0, params));
            byte[] result = new byte[4 * n];
            download(result, out, 4L * n);
            return output(result, ms);
        }
    }

    /** {@value Jobs#REDUCE_SUM_F32}: rounds of 1024-element halving trees, as the Java runner. */
    static final class ReduceSum extends CudaHandler {
        ReduceSum(DeviceSession s) {
            super(s);
        }

        @Override
        public String kind() {
            return Jobs.REDUCE_SUM_F32;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            long n = Jobs.reduceSumLength(spec);
            return 4 * n + 8 * ((n + 1023) / 1024) + 8;
        }

        @Override
        JobOutput runOn(JobSpec spec, JobContext context, DeviceMemory memory) {
            int n = Jobs.reduceSumLength(spec);
            if (n <= 1) {
                float v = n == 0 ? 0f : Jobs.readReduceSum(spec)[0];
                return output(Jobs.floatBytes(new float[] {v}), 0);
            }
            CUdeviceptr in = memory.alloc(4L * n);
            long firstRound = (n + 1023L) / 1024;
            CUdeviceptr[] scratch = {memory.alloc(4 * firstRound), memory.alloc(4 * Math.max(1, (firstRound + 1023) / 1024))};
            upload(in, spec.payload(), 0, 4L * n);
            context.checkActive();
            CUdeviceptr[] last = new CUdeviceptr[1];
            float ms = session.timed(() -> {
                CUdeviceptr src = in;
                long len = n;
                int round = 0;
                while (len > 1) {
                    long blocks = (len + 1023) / 1024;
                    CUdeviceptr dst = scratch[round % 2];
                    Pointer params = Pointer.to(Pointer.to(new long[] {len}), Pointer.to(src), Pointer.to(dst));
                    launch("reduce_sum_chunks", (int) blocks, 1, 512, 0, params);
                    src = dst;
                    len = blocks;
                    round++;
                }
                last[0] = src;
            });
            byte[] out = new byte[4];
            download(out, last[0], 4);
            return output(out, ms);
        }
    }

    /** {@value Jobs#SHA256_BATCH}: one thread per message, reading the payload in place. */
    static final class Sha256Batch extends CudaHandler {
        Sha256Batch(DeviceSession s) {
            super(s);
        }

        @Override
        public String kind() {
            return Jobs.SHA256_BATCH;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            return spec.payload().length + 44L * Jobs.sha256Layout(spec).count();
        }

        @Override
        JobOutput runOn(JobSpec spec, JobContext context, DeviceMemory memory) {
            Jobs.Sha256Layout layout = Jobs.sha256Layout(spec);
            int count = layout.count();
            if (count == 0) {
                return output(new byte[0], 0);
            }
            CUdeviceptr data = memory.alloc(spec.payload().length);
            CUdeviceptr offsets = memory.alloc(8L * count);
            CUdeviceptr lengths = memory.alloc(4L * count);
            CUdeviceptr out = memory.alloc(32L * count);
            upload(data, spec.payload(), 0, spec.payload().length);
            ByteBuffer off = ByteBuffer.allocate(8 * count).order(ByteOrder.LITTLE_ENDIAN);
            off.asLongBuffer().put(layout.offsets());
            upload(offsets, off.array(), 0, 8L * count);
            ByteBuffer len = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
            len.asIntBuffer().put(layout.lengths());
            upload(lengths, len.array(), 0, 4L * count);
            context.checkActive();
            Pointer params = Pointer.to(Pointer.to(new int[] {count}), Pointer.to(data), Pointer.to(offsets),
                    Pointer.to(lengths), Pointer.to(out));
            float ms = session.timed(() -> launch("sha256_batch", (count + 127) / 128, 1, 128, 0, params));
            byte[] result = new byte[32 * count];
            download(result, out, 32L * count);
            return output(result, ms);
        }
    }

    /**
     * The launch-overhead probe: launches the empty kernel {@code params.launches} times, each followed
     * by a wait, and returns two little-endian longs: wall nanoseconds per launch-and-wait, and event
     * (device) nanoseconds per launch.
     */
    static final class EmptyKernel extends CudaHandler {
        EmptyKernel(DeviceSession s) {
            super(s);
        }

        @Override
        public String kind() {
            return EMPTY_KERNEL;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            Long.parseLong(spec.param("launches"));
            return 0;
        }

        @Override
        JobOutput runOn(JobSpec spec, JobContext context, DeviceMemory memory) {
            int launches = (int) Math.max(1, Math.min(1_000_000, Long.parseLong(spec.param("launches"))));
            Pointer none = null;
            for (int i = 0; i < 10; i++) {
                launch("empty_kernel", 1, 1, 1, 0, none);
            }
            check(JCudaDriver.cuStreamSynchronize(session.stream()), "cuStreamSynchronize");
            long t0 = System.nanoTime();
            for (int i = 0; i < launches; i++) {
                launch("empty_kernel", 1, 1, 1, 0, none);
                check(JCudaDriver.cuStreamSynchronize(session.stream()), "cuStreamSynchronize");
            }
            long wall = (System.nanoTime() - t0) / launches;
            float ms = session.timed(() -> {
                for (int i = 0; i < launches; i++) {
                    launch("empty_kernel", 1, 1, 1, 0, none);
                }
            });
            ByteBuffer out = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            out.putLong(wall).putLong(Math.round(ms * 1e6 / launches));
            return output(out.array(), ms);
        }
    }
}
