package io.smainer.distribution.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.distribution.Unpacked;
import io.smainer.distribution.Unpacked.Result;
import io.smainer.testing.Await;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relayer's image tarball (target/smainer-relayer-image.tar, Jib on a scratch base with a jlink runtime layer) read
 * as {@code docker load} reads it: manifest.json, the config blob (entry point, exposed port, user, working directory),
 * the layers (the runtime with its native libraries, the relayer's jars). Then its layers are unpacked into a root file
 * system and the entry point run there as the image's user, in its own root, mount and PID namespaces (util-linux
 * {@code unshare}; the test is skipped, saying why, where that is not allowed), until {@code /api/v1/readyz} answers:
 * nothing from the build machine but what the layers hold is visible to it. Compiled in both distribution modules,
 * run in the relayer's with the image profile (on by default on Linux; it builds the image and names it in
 * smainer.image.tarball).
 */
@EnabledIfSystemProperty(named = "smainer.dist.app", matches = "relayer")
@EnabledIfSystemProperty(named = "smainer.image.tarball", matches = ".+")
class RelayerImageIT {
    @TempDir
    static Path tmp;
    static Path image;
    static JsonObject config;
    static List<Path> layers = new ArrayList<>();

    @BeforeAll
    static void readTarball() throws Exception {
        Path tarball = Path.of(System.getProperty("smainer.image.tarball"));
        assertThat(tarball).as("built by this module's package phase (Jib buildTar)").isRegularFile();
        image = Files.createDirectory(tmp.resolve("image"));
        Result tar = Unpacked.run(List.of("tar", "-xf", tarball.toString(), "-C", image.toString()), image, Map.of());
        assertThat(tar.code()).as(tar.output()).isZero();
        JsonArray manifest = JsonParser.parseString(Files.readString(image.resolve("manifest.json"))).getAsJsonArray();
        assertThat(manifest).hasSize(1);
        JsonObject entry = manifest.get(0).getAsJsonObject();
        assertThat(strings(entry.getAsJsonArray("RepoTags")))
                .containsExactly("smainer-relayer:" + System.getProperty("smainer.version"));
        config = JsonParser.parseString(Files.readString(image.resolve(entry.get("Config").getAsString())))
                .getAsJsonObject();
        for (String layer : strings(entry.getAsJsonArray("Layers"))) {
            layers.add(image.resolve(layer));
        }
    }

    @Test
    void theConfigRunsTheRuntimesJavaWithTheRelayersMainClassAsAnUnprivilegedUser() {
        assertThat(config.get("os").getAsString()).isEqualTo("linux");
        assertThat(config.get("architecture").getAsString()).isEqualTo("amd64");
        JsonObject c = config.getAsJsonObject("config");
        assertThat(strings(c.getAsJsonArray("Entrypoint"))).startsWith("/opt/java/bin/java")
                .containsSubsequence("-cp", "@/app/jib-classpath-file").endsWith("io.smainer.relayer.Main")
                .contains("-Dlogback.configurationFile=/etc/smainer/logback.xml");
        assertThat(c.getAsJsonObject("ExposedPorts").keySet()).containsExactly("8000/tcp");
        assertThat(c.get("User").getAsString()).isEqualTo("65532:65532");
        assertThat(c.get("WorkingDir").getAsString()).isEqualTo("/data");
        assertThat(strings(c.getAsJsonArray("Env"))).contains("SMAINER_HOST=0.0.0.0");
        assertThat(config.getAsJsonObject("rootfs").getAsJsonArray("diff_ids")).hasSize(layers.size());
    }

    @Test
    void theLayersHoldTheJlinkRuntimeItsLibrariesAndTheRelayer() throws Exception {
        Map<String, String> modes = new HashMap<>(); // path -> permissions, over all layers
        for (Path layer : layers) {
            Result list = Unpacked.run(List.of("tar", "--warning=no-unknown-keyword", "-tvzf", layer.toString()), image,
                    Map.of());
            assertThat(list.code()).as(list.output()).isZero();
            for (String line : list.output().split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6) {
                    modes.put(f[f.length - 1], f[0]);
                }
            }
        }
        assertThat(modes).containsEntry("opt/java/bin/java", "-rwxr-xr-x").containsKey("opt/java/lib/modules")
                .containsKey("opt/java/lib/server/libjvm.so").containsEntry("opt/java/lib/jspawnhelper", "-rwxr-xr-x")
                .containsEntry("lib64/ld-linux-x86-64.so.2", "-rwxr-xr-x").containsKey("etc/smainer/logback.xml")
                .containsKey("app/jib-classpath-file").containsEntry("tmp/", "drwxrwxrwx")
                .containsEntry("data/", "drwxrwxrwx");
        assertThat(modes.keySet()).as("glibc and the libraries the runtime links against")
                .anyMatch(p -> p.matches("lib/.*/libc\\.so\\.6")).anyMatch(p -> p.matches("lib/.*/libz\\.so\\.1"))
                .anyMatch(p -> p.matches("lib/.*/libstdc\\+\\+\\.so\\.6"));
        Set<String> jars = modes.keySet().stream().filter(p -> p.startsWith("app/libs/"))
                .map(p -> p.substring("app/libs/".length())).collect(Collectors.toCollection(TreeSet::new));
        assertThat(jars).anyMatch(j -> j.startsWith("smainer-relayer-")).anyMatch(j -> j.startsWith("smainer-sdk-"))
                .anyMatch(j -> j.startsWith("logback-classic-")).anyMatch(j -> j.startsWith("lettuce-core-"))
                .noneMatch(j -> j.contains("junit")).noneMatch(j -> j.contains("assertj"))
                .noneMatch(j -> j.endsWith("-tests.jar")).noneMatch(j -> j.startsWith("smainer-provider"));
    }

    @Test
    void theRuntimeIsAJlinkImageOfTheListedModules() throws Exception {
        Path root = rootfs();
        String release = Files.readString(root.resolve("opt/java/release"));
        String modules = release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow()
                .replaceAll("MODULES=|\"", "");
        assertThat(new TreeSet<>(Arrays.asList(modules.split(" "))))
                .containsAll(Arrays.asList(System.getProperty("smainer.image.modules").split(",")))
                .doesNotContain("java.compiler", "jdk.compiler", "jdk.jshell");
    }

    @Test
    void theEntryPointServesFromTheImagesFilesAlone() throws Exception {
        Path root = rootfs();
        JsonObject c = config.getAsJsonObject("config");
        String[] user = c.get("User").getAsString().split(":");
        List<String> isolated = List.of("unshare", "--fork", "--pid", "--mount", "--mount-proc=/proc",
                "--root=" + root, "--setuid", user[0], "--setgid", user[1], "--wd=" + c.get("WorkingDir").getAsString());
        Result probe = Unpacked.run(concat(isolated, List.of("/opt/java/bin/java", "-version")), tmp, Map.of());
        assumeTrue(probe.code() == 0 || !probe.output().contains("unshare:"),
                "cannot run the image's root file system in its own namespaces here: " + probe.output().trim());
        assertThat(probe.code()).as(probe.output()).isZero();
        assertThat(probe.output()).contains("17.");

        int port = Unpacked.freePort();
        Map<String, String> env = new HashMap<>();
        for (String kv : strings(c.getAsJsonArray("Env"))) {
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        env.put("SMAINER_PORT", Integer.toString(port));
        env.put("SMAINER_LOCAL_CHAIN_PORT", Integer.toString(Unpacked.freePort()));
        List<String> command = new ArrayList<>(List.of("env", "-i"));
        env.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(isolated);
        command.addAll(strings(c.getAsJsonArray("Entrypoint")));
        Path log = tmp.resolve("image-relayer.log");
        Process relayer = Unpacked.process(command, tmp, Map.of(), log).start();
        List<ProcessHandle> inside = new ArrayList<>();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Await.until(Duration.ofSeconds(120),
                    () -> Unpacked.status(http, port, "/api/v1/readyz") == 200 || !relayer.isAlive(), () -> "readyz on " + port);
            inside.addAll(relayer.descendants().toList());
            assertThat(relayer.isAlive()).as("running: %s", Unpacked.read(log)).isTrue();
            Path accounts = root.resolve("data/.smainer-local/accounts.json");
            assertThat(accounts).as("written in the working directory").isRegularFile();
            assertThat(Files.getAttribute(accounts, "unix:uid")).as("by the image's user").isEqualTo(65532);
            inside.forEach(ProcessHandle::destroy); // SIGTERM to the relayer, PID 1 in its namespace: docker stop
            Await.until(Duration.ofSeconds(60), () -> inside.stream().noneMatch(ProcessHandle::isAlive),
                    () -> "the relayer stopped on SIGTERM: " + Unpacked.read(log));
            assertThat(Unpacked.read(log)).contains("shutting down");
        } finally {
            inside.addAll(relayer.descendants().toList());
            inside.forEach(ProcessHandle::destroyForcibly);
            relayer.destroyForcibly();
            relayer.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The layers unpacked in order into one directory, as a container runtime stacks them (Jib writes no whiteouts). */
    private static synchronized Path rootfs() throws Exception {
        Path root = tmp.resolve("rootfs");
        if (!Files.isDirectory(root)) {
            Files.createDirectory(root);
            for (Path layer : layers) {
                Result x = Unpacked.run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", layer.toString(), "-C",
                        root.toString()), image, Map.of());
                assertThat(x.code()).as(x.output()).isZero();
            }
        }
        return root;
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : array) {
            out.add(e.getAsString());
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
