package io.smainer.gpu.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX is what build-ptx.sh makes of the .cu sources. Skipped where nvcc is missing or is
 * not the release that wrote the committed PTX (another release writes other, equally valid, PTX).
 */
class PtxUpToDateIT {
    @Test
    void theCommittedPtxMatchesTheCudaSources() throws Exception {
        String pathVar = System.getenv().getOrDefault("PATH", "");
        boolean nvcc = Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"))
                || Arrays.stream(pathVar.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "nvcc")));
        Assumptions.assumeTrue(nvcc, "nvcc is not installed");
        String committed = Files.readString(Path.of("src/main/resources/io/smainer/gpu/kernels/sgemm.ptx"))
                .lines().filter(l -> l.startsWith("// Cuda compilation tools")).findFirst().orElse("?")
                .substring(3).trim();
        Process version = new ProcessBuilder("bash", "-c", "nvcc --version || /usr/local/cuda/bin/nvcc --version")
                .redirectErrorStream(true).start();
        String installed;
        try (var in = version.getInputStream()) {
            installed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        version.waitFor(60, TimeUnit.SECONDS);
        Assumptions.assumeTrue(installed.contains(committed),
                "the committed PTX was written by '" + committed + "', not by the nvcc installed here");
        Process p = new ProcessBuilder("bash", Path.of("build-ptx.sh").toAbsolutePath().toString(), "--check")
                .redirectErrorStream(true).start();
        String log;
        try (var in = p.getInputStream()) {
            log = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
    }
}
