package io.smainer.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.distribution.Unpacked.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every app's distribution IT checks on the tarball its module built (smainer.dist.app names the app), unpacked
 * once under a temporary directory outside the source tree: the script and lib/ as installed, the command line's
 * version, help and exit code 2, the example systemd unit. Each app's IT adds its own checks.
 */
public abstract class DistributionChecks {
    /** The test's directory: the distribution unpacked in opt/, the caller's directory work/. */
    @TempDir
    protected static Path tmp;
    /** The unpacked distribution. */
    protected static Unpacked dist;
    /** The directory the scripts are run from. */
    protected static Path work;

    @BeforeAll
    static void unpack() throws Exception {
        dist = Unpacked.unpack(Files.createDirectory(tmp.resolve("opt")));
        work = Files.createDirectory(tmp.resolve("work"));
    }

    @Test
    void libHoldsJarsAndNoTestLibraryAndTheScriptIsExecutable() throws Exception {
        List<String> lib = dist.lib();
        assertThat(lib).as("no test library or test-jar").isNotEmpty().allMatch(j -> j.endsWith(".jar"))
                .noneMatch(j -> j.contains("junit")).noneMatch(j -> j.contains("assertj"))
                .noneMatch(j -> j.contains("opentest4j")).noneMatch(j -> j.contains("apiguardian"))
                .noneMatch(j -> j.endsWith("-tests.jar"));
        assertThat(Files.getPosixFilePermissions(dist.script())).as("%s is executable", dist.script())
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(dist.home().resolve("conf/logback.xml")).isRegularFile();
    }

    @Test
    void versionAndHelpWorkAndUsageErrorsExitTwo() throws Exception {
        String app = System.getProperty("smainer.dist.app");
        Result version = dist.runScript(work, Map.of(), "--version");
        assertThat(version.code()).as(version.output()).isZero();
        assertThat(version.output().trim()).isEqualTo(app + " (Smainer for Java) " + System.getProperty("smainer.version"));

        Result help = dist.runScript(work, Map.of(), "--help");
        assertThat(help.code()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: " + app);

        Result usage = dist.runScript(work, Map.of(), "--no-such-option");
        assertThat(usage.code()).as(usage.output()).isEqualTo(2);
        assertThat(usage.output()).contains("--no-such-option");
    }

    @Test
    void theExampleSystemdUnitIsValid() throws Exception {
        dist.verifySystemdUnit(tmp.resolve("units"));
    }
}
