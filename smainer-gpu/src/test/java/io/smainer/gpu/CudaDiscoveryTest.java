package io.smainer.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CudaDiscoveryTest {
    @Test
    void discoveryNeverThrowsAndEitherListsDevicesOrSaysWhyNot() {
        CudaDiscovery d = CudaDiscovery.discover();
        System.out.println("discovery: " + d.describe());
        if (d.isAvailable()) {
            assertThat(d.devices()).isNotEmpty();
            assertThat(d.driverVersion()).isPresent();
            assertThat(d.devices().get(0).totalMemoryBytes()).isPositive();
            assertThat(d.gpuInfos()).hasSameSizeAs(d.devices());
        } else {
            assertThat(d.unavailableReason().orElseThrow()).isNotBlank();
            assertThat(d.devices()).isEmpty();
            assertThat(d.gpuInfos()).isEmpty();
            assertThat(d.describe()).startsWith("no usable GPU: ");
        }
        // a second probe answers the same, from the one cached driver load
        assertThat(CudaDiscovery.discover().isAvailable()).isEqualTo(d.isAvailable());
    }

    @Test
    void aMachineWithoutTheDriverLibraryIsToldWhichLibraryIsMissing() {
        boolean driverInstalled = List.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib64/libcuda.so.1",
                "/usr/lib/libcuda.so.1", "/usr/local/nvidia/lib64/libcuda.so.1").stream()
                .anyMatch(p -> Files.exists(Path.of(p)));
        Assumptions.assumeFalse(driverInstalled, "libcuda.so.1 is installed here");
        CudaDiscovery d = CudaDiscovery.discover();
        assertThat(d.isAvailable()).isFalse();
        assertThat(d.unavailableReason().orElseThrow()).contains("libcuda");
    }

    @Test
    void describesADeviceAsAProviderAdvertisesIt() {
        CudaDevice h100 = new CudaDevice(0, "NVIDIA H100 80GB HBM3", 85_031_714_816L, 9, 0, 132);
        assertThat(h100.computeCapability()).isEqualTo("9.0");
        assertThat(h100.toGpuInfo().memoryBytes()).isEqualTo(85_031_714_816L);
        assertThat(h100.describe()).isEqualTo("NVIDIA H100 80GB HBM3 (cuda:0, sm_90, 79.2 GiB)");
        assertThatThrownBy(() -> new CudaDiscovery(Optional.empty(), Optional.of("13.0"), List.of()))
                .hasMessageContaining("devices");
    }
}
