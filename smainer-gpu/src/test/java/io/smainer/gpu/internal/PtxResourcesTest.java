package io.smainer.gpu.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PtxResourcesTest {
    @Test
    void everyKernelTheRunnerLoadsIsInTheShippedPtxForCompute75() {
        for (Map.Entry<String, List<String>> m : DeviceSession.MODULES.entrySet()) {
            byte[] z = DeviceSession.ptx(m.getKey());
            assertThat(z[z.length - 1]).as("NUL terminator").isZero();
            String text = new String(z, 0, z.length - 1, StandardCharsets.UTF_8);
            assertThat(text).as(m.getKey()).contains(".target sm_75").contains(".address_size 64");
            for (String entry : m.getValue()) {
                assertThat(text).as(m.getKey() + ".ptx").contains(".visible .entry " + entry + "(");
            }
        }
    }
}
