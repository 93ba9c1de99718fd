package io.smainer.distribution.relayer;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.distribution.DistributionChecks;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The relayer's distribution (target/smainer-relayer-VERSION.tar.gz) unpacked outside the source tree and run as an
 * operator runs it: {@code bin/smainer-relayer} from another directory, with a relative properties file, on free ports
 * with the embedded defaults (memory store, local chain), until {@code /api/v1/livez} and {@code /readyz} answer.
 * Compiled in both distribution modules (their shared test sources), run in the relayer's.
 */
@EnabledIfSystemProperty(named = "smainer.dist.app", matches = "relayer")
class RelayerDistributionIT extends DistributionChecks {
    @Test
    void libHoldsTheRelayersClassPath() throws Exception {
        List<String> lib = dist.lib();
        assertThat(lib).anyMatch(j -> j.startsWith("smainer-relayer-")).anyMatch(j -> j.startsWith("smainer-sdk-"))
                .anyMatch(j -> j.startsWith("jetty-server-")).anyMatch(j -> j.startsWith("logback-classic-"))
                .anyMatch(j -> j.startsWith("lettuce-core-")).anyMatch(j -> j.startsWith("slf4j-jdk-platform-logging-"));
        assertThat(lib).as("not the provider app").noneMatch(j -> j.startsWith("smainer-provider"))
                .noneMatch(j -> j.startsWith("jcuda"));
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
    void aBadConfigurationReadFromTheCallersDirectoryExitsTwo() throws Exception {
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

}
