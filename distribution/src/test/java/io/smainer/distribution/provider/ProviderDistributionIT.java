package io.smainer.distribution.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.distribution.DistributionChecks;
import io.smainer.distribution.Unpacked;
import io.smainer.distribution.Unpacked.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The provider's distribution (target/smainer-provider-VERSION.tar.gz) unpacked outside the source tree: its
 * {@code bin/smainer-provider} answers {@code --version} and {@code --help}, passes usage errors' exit code 2 through,
 * reads a relative {@code --config} from the caller's directory, and runs through a symbolic link as installed in a
 * directory on PATH.
 * Compiled in both distribution modules (their shared test sources), run in the provider's.
 */
@EnabledIfSystemProperty(named = "smainer.dist.app", matches = "provider")
class ProviderDistributionIT extends DistributionChecks {
    @Test
    void libHoldsTheProvidersClassPath() throws Exception {
        List<String> lib = dist.lib();
        assertThat(lib).anyMatch(j -> j.startsWith("smainer-provider-")).anyMatch(j -> j.startsWith("smainer-sdk-"))
                .anyMatch(j -> j.startsWith("smainer-gpu-")).anyMatch(j -> j.startsWith("jcuda-"))
                .anyMatch(j -> j.startsWith("logback-classic-")).anyMatch(j -> j.startsWith("slf4j-jdk-platform-logging-"));
        assertThat(lib).as("not the relayer app").noneMatch(j -> j.startsWith("smainer-relayer"))
                .noneMatch(j -> j.startsWith("lettuce"));
    }

    @Test
    void aRelativeConfigIsReadFromTheCallersDirectory() throws Exception {
        Files.writeString(work.resolve("provider.properties"), "status.port=not-a-port\n");
        Result read = dist.runScript(work, Map.of(), "--config", "provider.properties", "status");
        assertThat(read.code()).as("the file was read and its bad value refused: %s", read.output()).isEqualTo(2);
        assertThat(read.output()).contains("invalid configuration").contains("status.port").contains("'not-a-port'");
    }

    @Test
    void runsThroughASymbolicLinkOnPath() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("usr-local-bin"));
        Path link = Files.createSymbolicLink(bin.resolve("smainer-provider"), dist.script());
        Result version = Unpacked.run(List.of(link.toString(), "--version"), work, Map.of());
        assertThat(version.code()).as(version.output()).isZero();
        assertThat(version.output()).contains("provider (Smainer for Java)");
    }
}
