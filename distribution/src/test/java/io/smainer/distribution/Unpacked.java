package io.smainer.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A distribution as an operator has it: the tarball the build made ({@code smainer.dist.tarball}) unpacked with
 * {@code tar} into a directory outside the source tree, and its {@code bin/} script run as a process.
 *
 * @param home the unpacked distribution (bin/, lib/, conf/)
 */
public record Unpacked(Path home) {
    /** How long one short command (--version, --help) may take on a loaded machine. */
    private static final long COMMAND_SECONDS = 120;

    /**
     * Unpacks the built tarball into {@code into} (which must lie outside the source tree).
     *
     * @param into an empty directory
     * @return the unpacked distribution
     * @throws Exception when tar fails
     */
    public static Unpacked unpack(Path into) throws Exception {
        Path tarball = Path.of(System.getProperty("smainer.dist.tarball", "(smainer.dist.tarball is not set)"));
        assertThat(tarball).as("built by this module's package phase").isRegularFile();
        Path source = Path.of("").toAbsolutePath().getParent().getParent();
        assertThat(into.toAbsolutePath().startsWith(source)).as("%s unpacked outside the source tree %s", into, source)
                .isFalse();
        Result tar = run(List.of("tar", "-xzf", tarball.toString(), "-C", into.toString()), into, Map.of());
        assertThat(tar.code()).as(tar.output()).isZero();
        String name = tarball.getFileName().toString().replace(".tar.gz", "");
        return new Unpacked(into.resolve(name));
    }

    /** @return the app's script, bin/smainer-APP */
    public Path script() {
        return home.resolve("bin").resolve("smainer-" + System.getProperty("smainer.dist.app"));
    }

    /**
     * Checks the example systemd unit with {@code systemd-analyze verify}, its ExecStart pointed at this unpacked
     * distribution instead of /opt (skipped, saying why, where systemd-analyze is missing).
     *
     * @param dir where to write the adapted unit
     */
    public void verifySystemdUnit(Path dir) throws Exception {
        String name = "smainer-" + System.getProperty("smainer.dist.app");
        Path unit = home.resolve("systemd").resolve(name + ".service");
        assertThat(unit).isRegularFile();
        Path here = Files.createDirectories(dir).resolve(name + ".service");
        Files.writeString(here, Files.readString(unit).replace("/opt/" + name, home.toString()));
        Result which = run(List.of("sh", "-c", "command -v systemd-analyze"), dir, Map.of());
        assumeTrue(which.code() == 0, "systemd-analyze is not installed here: the unit is not checked");
        Result verify = run(List.of("systemd-analyze", "verify", here.toString()), dir, Map.of());
        assertThat(verify.code()).as(verify.output()).isZero();
        assertThat(verify.output()).as("no warning about the unit").doesNotContain(here.getFileName().toString());
    }

    /** @return the file names in lib/ */
    public List<String> lib() throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("lib"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Runs the script in {@code dir} and waits for it.
     *
     * @param dir the caller's directory
     * @param env variables set on top of this JVM's environment (a null value removes one)
     * @param args its arguments
     * @return exit code and output
     */
    public Result runScript(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script().toString()));
        command.addAll(List.of(args));
        return run(command, dir, env);
    }

    /**
     * @param command a command
     * @param dir its directory
     * @param env variables set on top of this JVM's environment (a null value removes one)
     * @return exit code and output (stdout and stderr together)
     */
    public static Result run(List<String> command, Path dir, Map<String, String> env) throws Exception {
        Path log = Files.createTempFile("smainer-dist", ".log");
        try {
            Process p = process(command, dir, env, log).start();
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not end within " + COMMAND_SECONDS + " s: " + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * @param command a command
     * @param dir its directory
     * @param env variables set on top of this JVM's environment (a null value removes one)
     * @param log where its output goes (a file, so a chatty process never blocks on a full pipe)
     * @return the process, not started
     */
    public static ProcessBuilder process(List<String> command, Path dir, Map<String, String> env, Path log) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SMAINER_"));
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return pb;
    }

    /**
     * @param http a client
     * @param port the relayer's port on loopback
     * @param path e.g. /api/v1/livez
     * @return the status of a GET, or -1 when nothing answers
     */
    public static int status(HttpClient http, int port, String path) {
        try {
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build();
            return http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** @return a port free on this machine just now */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** @return what a process wrote to its log so far */
    public static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * @param code the exit code
     * @param output stdout and stderr
     */
    public record Result(int code, String output) {
    }
}
