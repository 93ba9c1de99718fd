package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.SmainerVersion;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./smainer relayer} and {@code ./smainer provider} start the reference apps' mains. Each runs in a
 * child JVM on this test's class path, since the apps own their process (signals, System.exit).
 */
class LauncherIT {
    @TempDir
    Path dir;

    private ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    }

    @Test
    void providerRunsTheReferenceProviderCli() throws Exception {
        Process p = launcher("provider", "help").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Usage: provider").contains("register");
    }

    @Test
    void relayerRunsTheReferenceRelayerUntilStopped() throws Exception {
        ProcessBuilder pb = launcher("relayer");
        pb.environment().put("SMAINER_PORT", "0");
        pb.environment().put("SMAINER_LOCAL_CHAIN_PORT", "-1");
        Process p = pb.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String listening = null;
            // readLine blocks until the relayer logs something; the child is killed in finally if it hangs
            while (listening == null && (line = lines.readLine()) != null) {
                if (line.contains("listening on")) {
                    listening = line;
                }
            }
            assertThat(listening).as("the relayer's start-up line").isNotNull().containsPattern("listening on \\S+:\\d+");
        } finally {
            p.destroy(); // SIGTERM: the relayer's shutdown hook closes it
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        try (var files = Files.list(dir)) {
            assertThat(files).as("no files written without a local chain").isEmpty();
        }
    }

    @Test
    void theScriptRunsInTheCallersDirectorySoRelativePathsAreTheCallers() throws Exception {
        Path script = Path.of("..", "smainer").toAbsolutePath().normalize();
        Files.writeString(dir.resolve("rel.properties"), "status.port=1\n");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "provider", "--config", "rel.properties", "status")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("SMAINER_NO_BUILD", "1"); // this build's package wrote the class path it runs on
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();

        assertThat(out).as("rel.properties read from the caller's directory").contains("nothing answers at http://127.0.0.1:1")
                .doesNotContain("cannot be read");
        assertThat(p.exitValue()).isEqualTo(1);

        ProcessBuilder vb = new ProcessBuilder("bash", script.toString(), "--version").directory(dir.toFile())
                .redirectErrorStream(true);
        vb.environment().put("SMAINER_NO_BUILD", "1");
        Process version = vb.start();
        String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(version.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(text.trim()).endsWith("smainer (Smainer for Java) " + SmainerVersion.current());
        assertThat(version.exitValue()).isZero();
    }
}
