package io.smainer.gpu.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The committed PTX is what build-ptx.sh makes of the .cu sources. Skipped where nvcc is missing. */
class PtxUpToDateIT {
    @Test
    void theCommittedPtxMatchesTheCudaSources() throws Exception {
        String pathVar = System.getenv().getOrDefault("PATH", "");
        boolean nvcc = Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"))
                || java.util.Arrays.stream(pathVar.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "nvcc")));
        Assumptions.assumeTrue(nvcc, "nvcc is not installed");
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
