package io.smainer.gpu.internal;

import static io.smainer.gpu.internal.CudaCalls.check;

import io.smainer.gpu.CudaDevice;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * One device's context (the device's primary context, retained once), its loaded kernel modules, one
 * stream and a pair of timing events. Used by exactly one worker thread at a time, which calls
 * {@link #makeCurrent()} before any driver call. After a sticky error (a faulting kernel) the session
 * is marked broken and the next {@link #makeCurrent()} resets the context and reloads the modules.
 * Not API.
 */
public final class DeviceSession implements AutoCloseable {
    /** The PTX resources and the entry points each holds. */
    static final Map<String, List<String>> MODULES = Map.of(
            "sgemm", List.of("sgemm_128x128", "sgemm_64x64"),
            "vector", List.of("saxpy_f32", "reduce_sum_chunks", "empty_kernel"),
            "sha256", List.of("sha256_batch"));

    private final CudaDevice info;
    private final CUdevice device = new CUdevice();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private CUcontext context;
    private CUstream stream;
    private CUevent start;
    private CUevent stop;
    private boolean broken;
    private boolean closed;

    private DeviceSession(CudaDevice info) {
        this.info = info;
    }

    /**
     * @param info the device
     * @return a session with its modules loaded
     * @throws CudaCalls.CudaCallException when the context or a module cannot be set up
     */
    public static DeviceSession open(CudaDevice info) {
        DeviceSession s = new DeviceSession(info);
        check(JCudaDriver.cuDeviceGet(s.device, info.ordinal()), "cuDeviceGet");
        try {
            s.setUp();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void setUp() {
        context = new CUcontext();
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        for (Map.Entry<String, List<String>> m : MODULES.entrySet()) {
            CUmodule module = new CUmodule();
            check(JCudaDriver.cuModuleLoadData(module, ptx(m.getKey())), "cuModuleLoadData(" + m.getKey() + ".ptx)");
            modules.put(m.getKey(), module);
            for (String entry : m.getValue()) {
                CUfunction f = new CUfunction();
                check(JCudaDriver.cuModuleGetFunction(f, module, entry), "cuModuleGetFunction(" + entry + ")");
                functions.put(entry, f);
            }
        }
        stream = new CUstream();
        check(JCudaDriver.cuStreamCreate(stream, 0), "cuStreamCreate");
        start = new CUevent();
        stop = new CUevent();
        check(JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
        check(JCudaDriver.cuEventCreate(stop, 0), "cuEventCreate");
    }

    /**
     * @param name a module's resource name without {@code .ptx}
     * @return its PTX text, NUL-terminated as the driver wants it
     */
    public static byte[] ptx(String name) {
        String path = "/io/smainer/gpu/kernels/" + name + ".ptx";
        try (InputStream in = DeviceSession.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing kernel resource " + path + " (run smainer-gpu/build-ptx.sh)");
            }
            byte[] text = in.readAllBytes();
            byte[] z = Arrays.copyOf(text, text.length + 1);
            return z;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the context current on the calling thread, resetting it first if a kernel broke it. */
    public void makeCurrent() {
        if (closed) {
            throw new IllegalStateException("device session cuda:" + info.ordinal() + " is closed");
        }
        if (broken) {
            tearDown();
            check(JCudaDriver.cuDevicePrimaryCtxReset(device), "cuDevicePrimaryCtxReset");
            setUp();
            broken = false;
        }
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Marks the context unusable; the next {@link #makeCurrent()} resets it. */
    public void markBroken() {
        broken = true;
    }

    /** @return the device */
    public CudaDevice info() {
        return info;
    }

    /**
     * @param entry a kernel's name
     * @return its function handle
     */
    public CUfunction function(String entry) {
        CUfunction f = functions.get(entry);
        if (f == null) {
            throw new IllegalArgumentException("no kernel " + entry);
        }
        return f;
    }

    /** @return the session's stream */
    public CUstream stream() {
        return stream;
    }

    /**
     * Runs {@code launches} on the session's stream between two events and waits for them.
     *
     * @param launches enqueues kernels on {@link #stream()}
     * @return the elapsed device time in milliseconds
     */
    public float timed(Runnable launches) {
        check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
        launches.run();
        check(JCudaDriver.cuEventRecord(stop, stream), "cuEventRecord");
        check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize (the kernel)");
        float[] ms = {0};
        check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
        return ms[0];
    }

    private void tearDown() {
        if (start != null) {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(stop);
            start = null;
            stop = null;
        }
        if (stream != null) {
            JCudaDriver.cuStreamDestroy(stream);
            stream = null;
        }
        for (CUmodule m : modules.values()) {
            JCudaDriver.cuModuleUnload(m);
        }
        modules.clear();
        functions.clear();
        if (context != null) {
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
            context = null;
        }
    }

    /** Releases the stream, the modules and the context. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (context != null) {
            JCudaDriver.cuCtxSetCurrent(context);
        }
        tearDown();
    }
}
