package io.smainer.examples;

import io.smainer.gpu.CudaDiscovery;
import io.smainer.gpu.CudaJobRunner;
import io.smainer.job.JobResult;
import io.smainer.job.PtxKernel;
import io.smainer.protocol.JobSpec;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Example: run a kernel of your own on a provider's GPU, as a {@code ptx-kernel} job.
 *
 * <pre>./smainer example ptx-kernel</pre>
 *
 * <p>The built-in kinds (matmul, saxpy, ...) run wherever a provider likes, on a GPU or in Java. A
 * {@code ptx-kernel} job instead carries the demander's own code: a PTX module (the NVIDIA GPU's portable
 * assembly, what {@code nvcc -ptx} writes), the kernel's name, the launch shape, its arguments, and the
 * device buffers they point to. {@link PtxKernel} builds such a spec:
 * <ul>
 *   <li>{@code in(bytes)} adds a buffer copied to the device, {@code out(size)} one that starts zeroed and
 *       is returned, {@code inOut(bytes)} both; each buffer's device address becomes the next argument;</li>
 *   <li>{@code i32}, {@code i64}, {@code f32}, {@code f64} add scalar arguments in order;</li>
 *   <li>the output of the job is the bytes of every {@code out} and {@code inout} buffer, in order.</li>
 * </ul>
 *
 * <p><b>It needs a GPU.</b> PTX runs only on an NVIDIA device, through the CUDA driver, which compiles it
 * for the actual chip at load time. The pure-Java runner has no {@code ptx-kernel} handler and refuses
 * the kind; only {@link CudaJobRunner} (module smainer-gpu) runs it, and it runs each kernel in a child
 * JVM it can kill, since a demander's kernel may never end. So this example first asks the driver
 * ({@link CudaDiscovery#discover()}); where there is no usable GPU it says why and stops there, with
 * exit status 0: that is the expected outcome on a machine without one.
 *
 * <p>The kernel here is a vector add, {@code c[i] = a[i] + b[i]}, written by hand in PTX so that the whole
 * example is readable in one file. Float addition rounds the same way on the GPU as in Java, so the
 * result is checked exactly, bit for bit.
 */
public final class PtxKernelExample {
    /** Elements per vector: not a multiple of the block size, so the kernel's bounds check matters. */
    static final int N = 1_000_003;
    /** Threads per block. */
    static final int BLOCK = 256;

    /**
     * {@code vector_add(const float* a, const float* b, float* c, unsigned n)}: one thread per element,
     * {@code i = blockIdx.x * blockDim.x + threadIdx.x}, threads past {@code n} do nothing. PTX ISA 7.0
     * for sm_52 and newer: the driver compiles it for whatever GPU it finds.
     */
    public static final String VECTOR_ADD_PTX = """
            .version 7.0
            .target sm_52
            .address_size 64

            .visible .entry vector_add(
                .param .u64 a,
                .param .u64 b,
                .param .u64 c,
                .param .u32 n
            )
            {
                .reg .pred  %p<2>;
                .reg .b32   %r<5>;
                .reg .f32   %f<4>;
                .reg .b64   %rd<8>;

                ld.param.u64        %rd1, [a];
                ld.param.u64        %rd2, [b];
                ld.param.u64        %rd3, [c];
                ld.param.u32        %r1, [n];
                mov.u32             %r2, %ctaid.x;
                mov.u32             %r3, %ntid.x;
                mov.u32             %r4, %tid.x;
                mad.lo.u32          %r2, %r2, %r3, %r4;     // i = blockIdx.x * blockDim.x + threadIdx.x
                setp.ge.u32         %p1, %r2, %r1;
                @%p1 bra            DONE;                   // i >= n: nothing to do
                cvta.to.global.u64  %rd1, %rd1;
                cvta.to.global.u64  %rd2, %rd2;
                cvta.to.global.u64  %rd3, %rd3;
                mul.wide.u32        %rd4, %r2, 4;           // byte offset of element i
                add.s64             %rd5, %rd1, %rd4;
                add.s64             %rd6, %rd2, %rd4;
                add.s64             %rd7, %rd3, %rd4;
                ld.global.f32       %f1, [%rd5];
                ld.global.f32       %f2, [%rd6];
                add.rn.f32          %f3, %f1, %f2;          // round to nearest even, as Java does
                st.global.f32       [%rd7], %f3;
            DONE:
                ret;
            }
            """;

    private PtxKernelExample() {
    }

    /**
     * What happened.
     *
     * @param noGpuReason why the kernel did not run, when there is no usable GPU
     * @param mismatches elements of c that differ from a + b, when it ran
     */
    public record Outcome(Optional<String> noGpuReason, int mismatches) {
    }

    /**
     * @param args none
     * @throws Exception when the GPU runner fails
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(System.out).mismatches() == 0 ? 0 : 1);
    }

    /**
     * The kernel with its launch shape and buffers.
     *
     * @param a the first vector
     * @param b the second, as long as a
     * @return the kernel, ready to turn into a spec
     */
    public static PtxKernel vectorAdd(float[] a, float[] b) {
        return PtxKernel.builder(VECTOR_ADD_PTX, "vector_add")
                .grid((a.length + BLOCK - 1) / BLOCK, 1, 1)  // enough blocks to cover every element
                .block(BLOCK, 1, 1)
                .in(bytes(a))                                 // argument a: device address of a copy of a
                .in(bytes(b))                                 // argument b
                .out(4L * a.length)                           // argument c: zeroed on the device, returned
                .i32(a.length)                                // argument n
                .build();
    }

    /**
     * Builds the job and runs it on the GPU when there is one.
     *
     * @param out where to print
     * @return what happened
     * @throws Exception when the GPU runner fails
     */
    public static Outcome run(PrintStream out) throws Exception {
        out.println("A ptx-kernel job: your own GPU code, c[i] = a[i] + b[i] over " + N + " floats");
        out.println();
        Random random = new Random(11);
        float[] a = new float[N];
        float[] b = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = random.nextFloat() * 1000 - 500;
            b[i] = random.nextFloat() * 1000 - 500;
        }

        // 1. The spec, exactly as a demander would submit it (time limit 60 s; 0 = the runner's memory limit).
        PtxKernel kernel = vectorAdd(a, b);
        JobSpec spec = kernel.toSpec(60_000, 0);
        out.println("spec      kind " + spec.kind() + ", params " + new TreeMap<>(spec.params()));
        out.println("          payload " + spec.payload().length + " bytes (the PTX text, then a and b); output "
                + kernel.outputBytes() + " bytes (c); device memory " + kernel.deviceBytes() + " bytes");

        // 2. Is there a GPU? The probe loads the CUDA driver and asks it; it never throws.
        CudaDiscovery gpu = CudaDiscovery.discover();
        if (!gpu.isAvailable()) {
            String reason = gpu.unavailableReason().orElse("no device");
            out.println("no GPU    the ptx-kernel kind needs an NVIDIA GPU: PTX is compiled by the CUDA driver for the"
                    + " device it runs on, and the Java runner cannot run it.");
            out.println("          This machine has no usable GPU: " + reason);
            out.println("          The spec above is valid; a provider with a GPU would run it. Nothing else to do here.");
            return new Outcome(Optional.of(reason), 0);
        }
        out.println("gpu       " + gpu.describe());

        // 3. Run it on the GPU runner, as a provider with a GPU would.
        try (CudaJobRunner runner = CudaJobRunner.create()) {
            JobResult result = runner.submit(spec).get(2, TimeUnit.MINUTES);
            float[] c = floats(kernel.readOutput(result.output()).get(0));

            // 4. Check every element, bit for bit, against Java's own addition.
            int mismatches = 0;
            for (int i = 0; i < N; i++) {
                if (Float.floatToIntBits(c[i]) != Float.floatToIntBits(a[i] + b[i])) {
                    mismatches++;
                }
            }
            out.println("result    ran " + result.ran().toMillis() + " ms on " + result.device() + "; c[0] = " + c[0]
                    + " = " + a[0] + " + " + b[0]);
            out.println("check     " + (mismatches == 0 ? "all " + N + " sums equal Java's, bit for bit"
                    : mismatches + " of " + N + " sums differ from Java's"));
            return new Outcome(Optional.empty(), mismatches);
        }
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        return buf.array();
    }

    private static float[] floats(byte[] bytes) {
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
