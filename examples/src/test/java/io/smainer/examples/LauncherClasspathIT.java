package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class path {@code ./smainer} runs on ({@code examples/target/classpath.txt}, written by this module's
 * {@code package}) holds the runtime dependencies only: no JUnit, AssertJ or test-jar.
 */
class LauncherClasspathIT {
    @Test
    void theLauncherClassPathHoldsNoTestJar() throws Exception {
        Path file = Path.of("target", "classpath.txt");
        assertThat(file).as("written by examples' package (maven-dependency-plugin build-classpath)").exists();
        List<String> jars = Arrays.asList(Files.readString(file).trim().split(File.pathSeparator));

        assertThat(jars).as("the apps and their libraries are on it")
                .anyMatch(j -> j.contains("smainer-sdk")).anyMatch(j -> j.contains("smainer-relayer"))
                .anyMatch(j -> j.contains("smainer-provider")).anyMatch(j -> j.contains("jetty-server"));
        assertThat(jars).as("no test library or test-jar")
                .noneMatch(j -> j.contains("junit")).noneMatch(j -> j.contains("assertj"))
                .noneMatch(j -> j.contains("opentest4j")).noneMatch(j -> j.contains("apiguardian"))
                .noneMatch(j -> j.endsWith("-tests.jar")).noneMatch(j -> j.contains("test-classes"));
    }
}
