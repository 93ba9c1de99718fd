package io.smainer.gpu.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the CUDA kernels' logic on the CPU (src/test/cuda/emulate.sh: g++ with a CUDA stand-in) and
 * checks them bit for bit against references. Skipped where g++ or python3 is missing.
 */
class KernelEmulationIT {
    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyKernelMatchesItsReferenceOnTheCpuEmulator() throws Exception {
        Assumptions.assumeTrue(onPath("g++") && onPath("python3") && onPath("bash"), "g++, python3 or bash missing");
        Path script = Path.of("src", "test", "cuda", "emulate.sh").toAbsolutePath();
        Path out = Files.createTempDirectory("kernel-emu");
        Process p = new ProcessBuilder("bash", script.toString(), out.toString()).redirectErrorStream(true).start();
        String log;
        try (var in = p.getInputStream()) {
            log = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        System.out.println(log);
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("all kernels match").contains("sha256 digests match hashlib").doesNotContain("FAIL");
    }
}
