package io.smainer.relayer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A Java main started in a process of its own with this JVM's class path (tests and benchmarks that
 * need separate processes, or a process to kill hard). Its output lines are echoed with a prefix and
 * can be awaited; {@link #close()} kills it (SIGKILL) if it still runs.
 */
public final class ChildJvm implements AutoCloseable {
    private final String label;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = Collections.synchronizedList(new ArrayList<>());
    private final Thread pump;

    private ChildJvm(String label, Process process, PrintStream echo) {
        this.label = label;
        this.process = process;
        this.pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.add(line);
                    lines.add(line);
                    if (echo != null) {
                        echo.println("[" + label + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
        }, "child-" + label);
        pump.setDaemon(true);
        pump.start();
    }

    /**
     * Starts {@code mainClass} with this JVM's class path.
     *
     * @param label a short name for its output
     * @param jvmArgs options such as {@code -Xmx1g}
     * @param mainClass the class with {@code main}
     * @param args its arguments
     * @param echo where its output is copied, prefixed with the label (null for nowhere)
     * @return the running process
     * @throws IOException when it cannot start
     */
    public static ChildJvm start(String label, List<String> jvmArgs, Class<?> mainClass, List<String> args, PrintStream echo)
            throws IOException {
        return start(label, List.of(), jvmArgs, mainClass, args, echo);
    }

    /**
     * Starts {@code mainClass} with this JVM's class path under a launcher command.
     *
     * @param label a short name for its output
     * @param launcher a command the JVM runs under, such as {@code taskset -c 0} (empty for none)
     * @param jvmArgs options such as {@code -Xmx1g}
     * @param mainClass the class with {@code main}
     * @param args its arguments
     * @param echo where its output is copied, prefixed with the label (null for nowhere)
     * @return the running process
     * @throws IOException when it cannot start
     */
    public static ChildJvm start(String label, List<String> launcher, List<String> jvmArgs, Class<?> mainClass,
            List<String> args, PrintStream echo) throws IOException {
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new ChildJvm(label, p, echo);
    }

    /**
     * Waits for an output line.
     *
     * @param timeout the most to wait
     * @param match the line wanted
     * @return the first line (not yet taken) that matches
     * @throws AssertionError when none comes in time or the process ends first
     */
    public String awaitLine(Duration timeout, Predicate<String> match) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(label + ": no matching line within " + timeout + "; last output: " + tail());
            }
            String line;
            try {
                line = lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (line != null && match.test(line)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                throw new AssertionError(label + " exited with " + process.exitValue() + " before a matching line; output: "
                        + tail());
            }
        }
    }

    /**
     * Waits until any output line so far, taken or not, matches.
     *
     * @param timeout the most to wait
     * @param match the line wanted
     * @return the first matching line of all its output
     * @throws AssertionError when none comes in time
     */
    public String awaitOutput(Duration timeout, Predicate<String> match) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> found = output().stream().filter(match).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(label + ": no matching line within " + timeout + "; last output: " + tail());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * @param key a {@code key=value} token
     * @param line an output line with such tokens
     * @return the value
     */
    public static Optional<String> field(String line, String key) {
        for (String token : line.split("\\s+")) {
            if (token.startsWith(key + "=")) {
                return Optional.of(token.substring(key.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** @param line a line for its standard input */
    public void send(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(label + " does not read any more", e);
        }
    }

    /**
     * @param timeout the most to wait
     * @return its exit code, once it ended by itself
     * @throws AssertionError when it still runs after the timeout
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(label + " still runs after " + timeout + "; output: " + tail());
            }
            pump.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /** @return its process id */
    public long pid() {
        return process.pid();
    }

    /** Kills it at once (SIGKILL): no shutdown hook, no finally block runs. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return every line it wrote so far */
    public List<String> output() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    private String tail() {
        List<String> out = output();
        return String.join("\n", out.subList(Math.max(0, out.size() - 30), out.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
