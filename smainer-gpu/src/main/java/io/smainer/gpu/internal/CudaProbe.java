package io.smainer.gpu.internal;

import static io.smainer.gpu.internal.CudaCalls.check;

import io.smainer.gpu.CudaDevice;
import io.smainer.gpu.CudaDiscovery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The one place where this module first touches JCuda's native driver binding. Loading it fails hard
 * on a machine without {@code libcuda.so.1}: an {@link UnsatisfiedLinkError} the first time, a
 * {@link NoClassDefFoundError} every time after. Everything else reaches JCuda only after
 * {@link #driver()} said yes. Not API.
 */
public final class CudaProbe {
    private static volatile Optional<String> loadFailure;

    private CudaProbe() {
    }

    /**
     * Loads the driver binding and runs {@code cuInit}, once per JVM.
     *
     * @return empty when the driver API can be used, else why not
     */
    public static synchronized Optional<String> driver() {
        if (loadFailure == null) {
            loadFailure = load();
        }
        return loadFailure;
    }

    private static Optional<String> load() {
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int rc = JCudaDriver.cuInit(0);
            if (rc != CUresult.CUDA_SUCCESS) {
                return Optional.of("cuInit failed: " + CUresult.stringFor(rc) + " (" + rc + ")"
                        + (rc == CUresult.CUDA_ERROR_NO_DEVICE ? ": the driver sees no CUDA device" : ""));
            }
            return Optional.empty();
        } catch (UnsatisfiedLinkError e) {
            return Optional.of("the CUDA driver library could not be loaded (" + rootMessage(e) + ")");
        } catch (LinkageError | SecurityException e) {
            return Optional.of("JCuda could not be initialised: " + rootMessage(e));
        }
    }

    /** @return the devices, or why there are none; never throws */
    public static CudaDiscovery discover() {
        Optional<String> why = driver();
        if (why.isPresent()) {
            return CudaDiscovery.unavailable(why.get());
        }
        try {
            int[] version = {0};
            check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
            String driver = version[0] / 1000 + "." + (version[0] % 1000) / 10;
            int[] count = {0};
            check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
            if (count[0] == 0) {
                return new CudaDiscovery(Optional.of("the CUDA driver " + driver + " reports no device"),
                        Optional.of(driver), List.of());
            }
            List<CudaDevice> devices = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                devices.add(describe(i));
            }
            return new CudaDiscovery(Optional.empty(), Optional.of(driver), devices);
        } catch (CudaCalls.CudaCallException | LinkageError e) {
            return CudaDiscovery.unavailable("device query failed: " + rootMessage(e));
        }
    }

    static CudaDevice describe(int ordinal) {
        CUdevice dev = new CUdevice();
        check(JCudaDriver.cuDeviceGet(dev, ordinal), "cuDeviceGet");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] mem = {0};
        check(JCudaDriver.cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
        return new CudaDevice(ordinal, new String(name, 0, len, StandardCharsets.UTF_8).trim(), mem[0],
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT));
    }

    private static int attribute(CUdevice dev, int attribute) {
        int[] v = {0};
        check(JCudaDriver.cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    /** @return the innermost message of a failure, which names the missing library */
    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        String first = m.lines().filter(l -> l.contains("libcuda") || l.contains("cannot open")).findFirst().orElse(m);
        return first.length() > 300 ? first.substring(0, 300) + "..." : first.trim();
    }
}
