package io.smainer.gpu.internal;

import static io.smainer.gpu.internal.CudaCalls.check;

import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * The device memory of one run. {@link #close()} waits for the stream (no kernel may still be using
 * the memory) and frees every allocation, whichever way the run ended: result, error, timeout or
 * cancellation. Not API.
 */
public final class DeviceMemory implements AutoCloseable {
    private final CUstream stream;
    private final List<CUdeviceptr> allocations = new ArrayList<>();
    private long bytes;

    /** @param stream the stream the run's kernels go on */
    public DeviceMemory(CUstream stream) {
        this.stream = stream;
    }

    /**
     * @param size bytes, at least 1 is allocated
     * @return the device pointer
     * @throws CudaCalls.CudaCallException e.g. out of memory
     */
    public CUdeviceptr alloc(long size) {
        CUdeviceptr p = new CUdeviceptr();
        check(JCudaDriver.cuMemAlloc(p, Math.max(1, size)), "cuMemAlloc(" + size + " bytes)");
        allocations.add(p);
        bytes += size;
        return p;
    }

    /** @return bytes allocated so far */
    public long bytes() {
        return bytes;
    }

    /** @return allocations not yet freed */
    public int live() {
        return allocations.size();
    }

    /** Waits for the stream, then frees everything. Never throws: a freeing failure cannot be acted on. */
    @Override
    public void close() {
        if (stream != null) {
            JCudaDriver.cuStreamSynchronize(stream);
        }
        for (CUdeviceptr p : allocations) {
            JCudaDriver.cuMemFree(p);
        }
        allocations.clear();
    }
}
