package io.smainer.relayer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs for one process, to starve it of disk without root: the process starts under
 * {@code unshare -rm} (a user and mount namespace of its own, where it may mount), which mounts the tmpfs over a
 * directory and then runs the command; {@code nsenter} into that namespace fills the tmpfs and frees it again.
 * Where the kernel or the machine does not allow user namespaces, {@link #unavailable()} says why.
 */
public final class Tmpfs {
    private static final String FILLER = "filler";

    private Tmpfs() {
    }

    /**
     * @param mountPoint the directory the tmpfs is mounted over (it exists)
     * @param bytes the tmpfs's size
     * @return the command words to put before the process's own command
     */
    public static List<String> launcher(Path mountPoint, long bytes) {
        return List.of("unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=" + bytes + " tmpfs '" + mountPoint
                + "' && exec \"$@\"", "sh");
    }

    /**
     * @return why this machine cannot give a process a tmpfs of its own, or empty when it can
     */
    public static Optional<String> unavailable() {
        try {
            Path probe = Files.createTempDirectory("tmpfs-probe-");
            try {
                List<String> cmd = new ArrayList<>(launcher(probe, 65536));
                cmd.add("true");
                Result r = run(cmd);
                return r.exit == 0 ? Optional.empty()
                        : Optional.of("cannot mount a tmpfs in a user namespace (unshare -rm): " + r.output.strip());
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            return Optional.of("unshare cannot run: " + e.getMessage());
        }
    }

    /**
     * Fills the tmpfs of the process (a file of zeros until the disk is full).
     *
     * @param pid the process started under {@link #launcher}
     * @param mountPoint where its tmpfs is mounted
     * @throws IOException when the disk could not be filled
     */
    public static void fill(long pid, Path mountPoint) throws IOException {
        Result r = inside(pid, "cat /dev/zero > '" + mountPoint.resolve(FILLER) + "'; df -k '" + mountPoint + "'");
        if (!r.output.contains("100%")) {
            throw new IOException("the tmpfs of process " + pid + " is not full: " + r.output);
        }
    }

    /**
     * Frees what {@link #fill} took.
     *
     * @param pid the process started under {@link #launcher}
     * @param mountPoint where its tmpfs is mounted
     * @throws IOException when the file could not be removed
     */
    public static void free(long pid, Path mountPoint) throws IOException {
        Result r = inside(pid, "rm '" + mountPoint.resolve(FILLER) + "'");
        if (r.exit != 0) {
            throw new IOException("could not free the tmpfs of process " + pid + ": " + r.output);
        }
    }

    private static Result inside(long pid, String script) throws IOException {
        return run(List.of("nsenter", "-t", Long.toString(pid), "-U", "-m", "--preserve-credentials", "sh", "-c", script));
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not end");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
