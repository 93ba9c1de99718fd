package io.smainer.gpu.internal;

import static io.smainer.gpu.internal.CudaCalls.check;

import io.smainer.InvalidFieldException;
import io.smainer.job.Jobs;
import io.smainer.job.PtxKernel;
import io.smainer.protocol.JobSpec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUlimit;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The child process that runs one demander's PTX kernel ({@value Jobs#PTX_KERNEL}) in a context of its
 * own, so that a kernel that faults, hangs or scribbles cannot touch the provider's contexts: the parent
 * ({@link PtxSandbox}) kills this process at the deadline and the driver reclaims everything it held.
 *
 * <p>Protocol: stdin carries a request written by {@link PtxSandbox#writeRequest}; stdout carries one
 * response: a status byte (0 ok, 1 the demander's error, 2 this machine's), then for ok the kernel time
 * in ms (float) and the output (int length, bytes), for an error a message (UTF). Anything else the process prints goes to stderr.
 * Not API.
 */
public final class PtxSandboxMain {
    /** Marks a request. */
    static final int MAGIC = 0x534D5054;
    /** Device-side malloc heap a demander kernel gets (the driver default is 8 MiB). */
    static final long DEVICE_HEAP_BYTES = 1 << 20;

    private PtxSandboxMain() {
    }

    /**
     * @param args none; the request comes on stdin
     * @throws IOException when stdout is gone
     */
    public static void main(String[] args) throws IOException {
        PrintStream protocol = System.out;
        System.setOut(System.err);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(protocol, 1 << 16));
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(System.in, 1 << 16));
            if (in.readInt() != MAGIC) {
                throw new IOException("not a sandbox request");
            }
            int ordinal = in.readInt();
            long maxDeviceBytes = in.readLong();
            int nParams = in.readInt();
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < nParams; i++) {
                params.put(in.readUTF(), in.readUTF());
            }
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            PtxKernel kernel = PtxKernel.fromSpec(JobSpec.of(Jobs.PTX_KERNEL, params, payload));
            Optional<String> why = CudaProbe.driver();
            if (why.isPresent()) {
                throw new IllegalStateException("no usable GPU in the sandbox: " + why.get());
            }
            Result r = run(kernel, ordinal, maxDeviceBytes);
            out.writeByte(0);
            out.writeFloat(r.millis);
            out.writeInt(r.output.length);
            out.write(r.output);
        } catch (Throwable t) {
            String m = String.valueOf(t.getMessage() == null ? t.toString() : t.getMessage());
            out.writeByte(demandersFault(t) ? 1 : 2);
            out.writeUTF(m.length() > 8000 ? m.substring(0, 8000) : m);
        }
        out.flush();
        System.exit(0);
    }

    /** @return true when the demander's kernel or spec caused the failure, not this machine */
    static boolean demandersFault(Throwable t) {
        if (t instanceof IllegalArgumentException || t instanceof InvalidFieldException) {
            return true;
        }
        if (t instanceof CudaCalls.CudaCallException e) {
            int c = e.code();
            return e.sticky() || c == jcuda.driver.CUresult.CUDA_ERROR_INVALID_PTX
                    || c == jcuda.driver.CUresult.CUDA_ERROR_INVALID_IMAGE
                    || c == jcuda.driver.CUresult.CUDA_ERROR_NOT_FOUND
                    || c == jcuda.driver.CUresult.CUDA_ERROR_INVALID_VALUE
                    || c == jcuda.driver.CUresult.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
        }
        return false;
    }

    private record Result(float millis, byte[] output) {
    }

    private static Result run(PtxKernel k, int ordinal, long maxDeviceBytes) {
        if (k.deviceBytes() > maxDeviceBytes) {
            throw new IllegalArgumentException("buffers need " + k.deviceBytes() + " bytes, the limit is " + maxDeviceBytes);
        }
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, ordinal), "cuDeviceGet");
        // This process's own primary context: the provider's contexts live in another process.
        CUcontext ctx = new CUcontext();
        check(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev), "cuDevicePrimaryCtxRetain");
        check(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        check(JCudaDriver.cuCtxSetLimit(CUlimit.CU_LIMIT_MALLOC_HEAP_SIZE, DEVICE_HEAP_BYTES), "cuCtxSetLimit(heap)");
        CUmodule module = new CUmodule();
        byte[] text = k.module().getBytes(StandardCharsets.UTF_8);
        check(JCudaDriver.cuModuleLoadData(module, Arrays.copyOf(text, text.length + 1)),
                "cuModuleLoadData (JIT of the demander's PTX)");
        CUfunction fn = new CUfunction();
        check(JCudaDriver.cuModuleGetFunction(fn, module, k.entry()), "cuModuleGetFunction(" + k.entry() + ")");
        int[] maxThreads = {0};
        check(JCudaDriver.cuFuncGetAttribute(maxThreads, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, fn),
                "cuFuncGetAttribute");
        long threads = (long) k.block().x() * k.block().y() * k.block().z();
        if (threads > maxThreads[0]) {
            throw new IllegalArgumentException("block of " + threads + " threads; this kernel allows at most " + maxThreads[0]);
        }
        List<CUdeviceptr> buffers = new ArrayList<>();
        for (PtxKernel.Buffer b : k.buffers()) {
            CUdeviceptr p = new CUdeviceptr();
            check(JCudaDriver.cuMemAlloc(p, b.sizeBytes()), "cuMemAlloc(" + b.sizeBytes() + ")");
            buffers.add(p);
            if (b.direction() == PtxKernel.Direction.OUT) {
                check(JCudaDriver.cuMemsetD8(p, (byte) 0, b.sizeBytes()), "cuMemsetD8");
            } else {
                check(JCudaDriver.cuMemcpyHtoD(p, Pointer.to(b.data()), b.sizeBytes()), "cuMemcpyHtoD");
            }
        }
        Pointer[] args = new Pointer[k.args().size()];
        for (int i = 0; i < args.length; i++) {
            PtxKernel.Arg a = k.args().get(i);
            if (a instanceof PtxKernel.BufferRef ref) {
                args[i] = Pointer.to(buffers.get(ref.index()));
            } else {
                PtxKernel.Scalar s = (PtxKernel.Scalar) a;
                args[i] = switch (s.type()) {
                    case I32, U32 -> Pointer.to(new int[] {(int) s.bits()});
                    case I64, U64 -> Pointer.to(new long[] {s.bits()});
                    case F32 -> Pointer.to(new float[] {Float.intBitsToFloat((int) s.bits())});
                    case F64 -> Pointer.to(new double[] {Double.longBitsToDouble(s.bits())});
                };
            }
        }
        CUevent start = new CUevent();
        CUevent stop = new CUevent();
        check(JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
        check(JCudaDriver.cuEventCreate(stop, 0), "cuEventCreate");
        check(JCudaDriver.cuEventRecord(start, null), "cuEventRecord");
        check(JCudaDriver.cuLaunchKernel(fn, k.grid().x(), k.grid().y(), k.grid().z(), k.block().x(), k.block().y(),
                k.block().z(), k.sharedBytes(), null, args.length == 0 ? null : Pointer.to(args), null), "cuLaunchKernel");
        check(JCudaDriver.cuEventRecord(stop, null), "cuEventRecord");
        check(JCudaDriver.cuEventSynchronize(stop), "the kernel");
        float[] ms = {0};
        check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        for (int i = 0; i < buffers.size(); i++) {
            PtxKernel.Buffer b = k.buffers().get(i);
            if (b.direction() != PtxKernel.Direction.IN) {
                byte[] host = new byte[(int) b.sizeBytes()];
                check(JCudaDriver.cuMemcpyDtoH(Pointer.to(host), buffers.get(i), b.sizeBytes()), "cuMemcpyDtoH");
                result.writeBytes(host);
            }
        }
        // The process exits next; the driver frees the context and its memory with it.
        return new Result(ms[0], result.toByteArray());
    }
}
