package io.smainer.distribution.relayer;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.distribution.Unpacked;
import io.smainer.distribution.Unpacked.Result;
import io.smainer.testing.Await;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relayer's distribution (target/smainer-relayer-VERSION.tar.gz) unpacked outside the source tree and run as an
 * operator runs it: {@code bin/smainer-relayer} from another directory, with a relative properties file, on free ports
 * with the embedded defaults (memory store, local chain), until {@code /api/v1/livez} and {@code /readyz} answer.
 * Compiled in both distribution modules (their shared test sources), run in the relayer's.
 */
@EnabledIfSystemProperty(named = "smainer.dist.app", matches = "relayer")
class RelayerDistributionIT {
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
    void libHoldsTheRelayersClassPathAndNoTestJar() throws Exception {
        List<String> lib = dist.lib();
        assertThat(lib).anyMatch(j -> j.startsWith("smainer-relayer-")).anyMatch(j -> j.startsWith("smainer-sdk-"))
                .anyMatch(j -> j.startsWith("jetty-server-")).anyMatch(j -> j.startsWith("logback-classic-"))
                .anyMatch(j -> j.startsWith("lettuce-core-")).anyMatch(j -> j.startsWith("slf4j-jdk-platform-logging-"));
        assertThat(lib).as("no test library, test-jar or other app")
                .noneMatch(j -> j.contains("junit")).noneMatch(j -> j.contains("assertj"))
                .noneMatch(j -> j.contains("opentest4j")).noneMatch(j -> j.contains("apiguardian"))
                .noneMatch(j -> j.endsWith("-tests.jar")).noneMatch(j -> j.startsWith("smainer-provider"))
                .noneMatch(j -> j.startsWith("jcuda")).allMatch(j -> j.endsWith(".jar"));
        assertThat(Files.getPosixFilePermissions(dist.script())).as("bin/smainer-relayer is executable")
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(dist.home().resolve("conf/logback.xml")).isRegularFile();
    }

    @Test
    void startsFromItsScriptOutsideTheSourceTreeAndAnswersLiveAndReady() throws Exception {
        int port = Unpacked.freePort();
        int chainPort = Unpacked.freePort();
        // relative, from the caller's directory: the script must not change directory
        Files.writeString(work.resolve("relayer.properties"), "port=" + port + "\nlocal_chain.port=" + chainPort + "\n");
        Path log = tmp.resolve("relayer.log");
        Process relayer = Unpacked.process(List.of(dist.script().toString(), "relayer.properties"), work, Map.of(), log)
                .start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Await.until(Duration.ofSeconds(120),
                    () -> Unpacked.status(http, port, "/api/v1/livez") == 200 || !relayer.isAlive(), () -> "livez on " + port);
            assertThat(relayer.isAlive()).as("running: %s", Unpacked.read(log)).isTrue();
            Await.until(Duration.ofSeconds(60), () -> Unpacked.status(http, port, "/api/v1/readyz") == 200,
                    () -> "readyz: " + Unpacked.read(log));
            assertThat(work.resolve(".smainer-local/accounts.json")).as("the local chain's accounts, written in the "
                    + "caller's directory").isRegularFile();
            assertThat(dist.home().resolve(".smainer-local")).as("nothing written into the installation").doesNotExist();
            assertThat(Unpacked.read(log)).contains("port=" + port);

            relayer.destroy(); // SIGTERM: the relayer drains and stops
            assertThat(relayer.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM: %s", Unpacked.read(log)).isTrue();
            assertThat(Unpacked.read(log)).contains("shutting down");
        } finally {
            relayer.destroyForcibly();
            relayer.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void versionHelpAndUsageErrorsPassTheirExitCodesThrough() throws Exception {
        Result version = dist.runScript(work, Map.of(), "--version");
        assertThat(version.code()).as(version.output()).isZero();
        assertThat(version.output().trim()).isEqualTo("relayer (Smainer for Java) " + System.getProperty("smainer.version"));

        Result help = dist.runScript(work, Map.of(), "--help");
        assertThat(help.code()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: relayer").contains("SMAINER_PORT");

        Result usage = dist.runScript(work, Map.of(), "--no-such-option");
        assertThat(usage.code()).as(usage.output()).isEqualTo(2);
        assertThat(usage.output()).contains("--no-such-option");

        Files.writeString(work.resolve("bad.properties"), "port=not-a-port\n");
        Result bad = dist.runScript(work, Map.of(), "bad.properties");
        assertThat(bad.code()).as("bad configuration, read from the caller's directory: %s", bad.output()).isEqualTo(2);
        assertThat(bad.output()).contains("port").contains("not-a-port");
    }

    @Test
    void javaHomeIsHonoured() throws Exception {
        Result missing = dist.runScript(work, Map.of("JAVA_HOME", tmp.resolve("no-such-jdk").toString()), "--version");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.output()).contains("JAVA_HOME is " + tmp.resolve("no-such-jdk"));

        // a JAVA_HOME whose java is a stand-in: it is what runs, with the class path and main class, and its exit
        // code comes back unchanged
        Path fake = Files.createDirectories(tmp.resolve("fake-jdk/bin"));
        Path java = fake.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"stand-in java: $*\"\nexit 7\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>(Map.of("JAVA_HOME", fake.getParent().toString()));
        Result ran = dist.runScript(work, env, "--version");
        assertThat(ran.code()).as(ran.output()).isEqualTo(7);
        assertThat(ran.output()).contains("stand-in java:").contains("-cp " + dist.home().resolve("lib") + "/*")
                .contains("io.smainer.relayer.Main --version");
    }

    @Test
    void theExampleSystemdUnitIsValid() throws Exception {
        dist.verifySystemdUnit(tmp.resolve("units"));
    }
}
