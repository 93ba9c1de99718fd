package io.smainer.gpu;

import io.smainer.InvalidFieldException;
import io.smainer.gpu.internal.CudaProbe;
import io.smainer.protocol.NodeCapabilities;
import java.util.List;
import java.util.Optional;

/**
 * What the CUDA driver reports, for hardware detection: the driver version and every device, or why
 * there is no usable GPU. {@link #discover()} never throws: a machine without the driver, without a
 * GPU, or where JCuda's native library does not load gets an unavailable result that says why.
 *
 * @param unavailableReason why no GPU can be used; empty when at least one device was found
 * @param driverVersion the driver's CUDA version, e.g. {@code 13.0}; empty when the driver did not load
 * @param devices the devices found, in ordinal order; empty when unavailable
 */
public record CudaDiscovery(Optional<String> unavailableReason, Optional<String> driverVersion, List<CudaDevice> devices) {
    /** Validates that an available result has devices and an unavailable one has a reason. */
    public CudaDiscovery {
        unavailableReason = unavailableReason == null ? Optional.empty() : unavailableReason;
        driverVersion = driverVersion == null ? Optional.empty() : driverVersion;
        devices = List.copyOf(devices == null ? List.of() : devices);
        if (unavailableReason.isEmpty() && devices.isEmpty()) {
            throw new InvalidFieldException("devices", "at least one device, or a reason", "none");
        }
    }

    /**
     * Asks the driver, once per call (cheap: no context is created).
     *
     * @return the devices, or why there are none
     */
    public static CudaDiscovery discover() {
        return CudaProbe.discover();
    }

    /**
     * @param reason why no GPU can be used
     * @return an unavailable result
     */
    public static CudaDiscovery unavailable(String reason) {
        return new CudaDiscovery(Optional.of(reason), Optional.empty(), List.of());
    }

    /** @return true when at least one device can be used */
    public boolean isAvailable() {
        return unavailableReason.isEmpty();
    }

    /** @return the devices as a provider advertises them in {@link NodeCapabilities} */
    public List<NodeCapabilities.GpuInfo> gpuInfos() {
        return devices.stream().map(CudaDevice::toGpuInfo).toList();
    }

    /** @return one line for logs: the driver and the devices, or why unavailable */
    public String describe() {
        if (!isAvailable()) {
            return "no usable GPU: " + unavailableReason.get();
        }
        return "CUDA driver " + driverVersion.orElse("?") + ", " + devices.size() + " device(s): "
                + String.join("; ", devices.stream().map(CudaDevice::describe).toList());
    }
}
