package io.smainer.distribution.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.distribution.Unpacked;
import io.smainer.distribution.Unpacked.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's distribution (target/smainer-provider-VERSION.tar.gz) unpacked outside the source tree: its
 * {@code bin/smainer-provider} answers {@code --version} and {@code --help}, passes usage errors' exit code 2 through,
 * reads a relative {@code --config} from the caller's directory, and runs through a symbolic link as installed in a
 * directory on PATH.
 * Compiled in both distribution modules (their shared test sources), run in the provider's.
 */
@EnabledIfSystemProperty(named = "smainer.dist.app", matches = "provider")
class ProviderDistributionIT {
    @TempDir
    static Path tmp;
    static Unpacked dist;
    static Path work;

    @BeforeAll
    static void unpack() throws Exception {
        dist = Unpacked.unpack(Files.createDirectory(tmp.resolve("opt")));
        work = Files.createDirectory(tmp.resolve("work"));
    }

    @Test
    void libHoldsTheProvidersClassPathAndNoTestJar() throws Exception {
        List<String> lib = dist.lib();
        assertThat(lib).anyMatch(j -> j.startsWith("smainer-provider-")).anyMatch(j -> j.startsWith("smainer-sdk-"))
                .anyMatch(j -> j.startsWith("smainer-gpu-")).anyMatch(j -> j.startsWith("jcuda-"))
                .anyMatch(j -> j.startsWith("logback-classic-")).anyMatch(j -> j.startsWith("slf4j-jdk-platform-logging-"));
        assertThat(lib).as("no test library, test-jar or other app")
                .noneMatch(j -> j.contains("junit")).noneMatch(j -> j.contains("assertj"))
                .noneMatch(j -> j.contains("opentest4j")).noneMatch(j -> j.endsWith("-tests.jar"))
                .noneMatch(j -> j.startsWith("smainer-relayer")).noneMatch(j -> j.startsWith("lettuce"));
    }

    @Test
    void versionAndHelpWorkAndUsageErrorsExitTwo() throws Exception {
        Result version = dist.runScript(work, Map.of(), "--version");
        assertThat(version.code()).as(version.output()).isZero();
        assertThat(version.output().trim()).isEqualTo("provider (Smainer for Java) " + System.getProperty("smainer.version"));

        Result help = dist.runScript(work, Map.of(), "--help");
        assertThat(help.code()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: provider").contains("run");

        Result usage = dist.runScript(work, Map.of(), "--no-such-option");
        assertThat(usage.code()).as(usage.output()).isEqualTo(2);
        assertThat(usage.output()).contains("--no-such-option");
    }

    @Test
    void aRelativeConfigIsReadFromTheCallersDirectory() throws Exception {
        Files.writeString(work.resolve("provider.properties"), "status.port=not-a-port\n");
        Result read = dist.runScript(work, Map.of(), "--config", "provider.properties", "status");
        assertThat(read.code()).as("the file was read and its bad value refused: %s", read.output()).isEqualTo(1);
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

    @Test
    void theExampleSystemdUnitIsValid() throws Exception {
        dist.verifySystemdUnit(tmp.resolve("units"));
    }
}
