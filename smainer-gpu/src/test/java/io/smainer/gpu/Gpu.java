package io.smainer.gpu;

import org.junit.jupiter.api.Assumptions;

/** Test helper: skips a GPU test with the reason printed, where there is no usable GPU. */
public final class Gpu {
    private static final CudaDiscovery FOUND = CudaDiscovery.discover();

    private Gpu() {
    }

    /** @return what discovery found, once per test JVM */
    public static CudaDiscovery discovery() {
        return FOUND;
    }

    /** Skips the calling test (or class, from a {@code @BeforeAll}) unless a GPU is usable. */
    public static void assume() {
        if (!FOUND.isAvailable()) {
            String why = "GPU test skipped: " + FOUND.describe();
            System.out.println(why);
            Assumptions.abort(why);
        }
    }
}
