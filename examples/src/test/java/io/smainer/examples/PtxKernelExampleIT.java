package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.gpu.CudaDiscovery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The smoke test of {@code ./smainer example ptx-kernel}. Without a GPU (CI, this project's machines) it
 * checks the message that says why the kernel cannot run; with one, it checks every sum. An IT because on
 * a GPU the runner starts a child JVM for the kernel.
 */
class PtxKernelExampleIT {

    @Test
    void runsTheKernelWhereThereIsAGpuAndOtherwiseSaysWhyNot() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PtxKernelExample.Outcome outcome = PtxKernelExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        CudaDiscovery gpu = CudaDiscovery.discover();

        assertThat(out).contains("kind ptx-kernel").contains("buffers=in:4000012,in:4000012,out:4000012");
        if (gpu.isAvailable()) {
            assertThat(outcome.noGpuReason()).isEmpty();
            assertThat(outcome.mismatches()).isZero();
            assertThat(out).contains("all 1000003 sums equal Java's, bit for bit");
        } else {
            String reason = gpu.unavailableReason().orElseThrow();
            assertThat(outcome.noGpuReason()).contains(reason);
            assertThat(out).contains("the ptx-kernel kind needs an NVIDIA GPU")
                    .contains("This machine has no usable GPU: " + reason);
            assertThat(Launcher.run(new String[] {"example", "ptx-kernel"}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream()))).isZero();
        }
    }
}
