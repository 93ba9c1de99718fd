package io.smainer.relayer;

import io.smainer.testing.Await;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} process for tests: a free loopback port, no persistence (or an append-only file), a
 * temporary working directory (or a small tmpfs of its own, to starve it of disk), ready once it answers PING, killed
 * and cleaned up by {@link #close()}. {@link #startCluster} starts several in cluster mode and joins them into a
 * Redis Cluster with {@code redis-cli --cluster create}.
 */
public final class RedisServer implements AutoCloseable {
    private static final Duration START_DEADLINE = Duration.ofSeconds(15);
    private static final Duration CLUSTER_DEADLINE = Duration.ofSeconds(30);
    private static final int CLUSTER_BUS_OFFSET = 10_000;

    private volatile Process process;
    private final Path dir;
    private final int port;
    private final List<String> command;

    private RedisServer(Process process, Path dir, int port, List<String> command) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.command = command;
    }

    /**
     * @return the {@code redis-server} executable on the PATH, if there is one
     */
    public static Optional<Path> executable() {
        return onPath("redis-server");
    }

    /**
     * @return why a Redis Cluster cannot be started here ({@code redis-server} or {@code redis-cli} missing), if it
     *     cannot
     */
    static Optional<String> clusterMissing() {
        if (executable().isEmpty()) {
            return Optional.of("redis-server is not on the PATH (apt-get install redis-server)");
        }
        if (onPath("redis-cli").isEmpty()) {
            return Optional.of("redis-cli is not on the PATH (apt-get install redis-tools)");
        }
        return Optional.empty();
    }

    /**
     * A three-node cluster ({@link #startCluster}) for one test class, or the test skipped with the reason printed
     * where {@code redis-server} or {@code redis-cli} is missing.
     *
     * @param test the test class's name, for the printed reason
     * @return the running cluster
     * @throws IOException when a node cannot start or the cluster does not form in time
     */
    public static Cluster startClusterOrSkip(String test) throws IOException {
        Optional<String> missing = clusterMissing();
        missing.ifPresent(why -> System.out.println(test + " skipped: " + why));
        Assumptions.assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
        return startCluster(3);
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts a server on a free loopback port and waits until it answers PING.
     *
     * @return the running server
     * @throws IOException when it cannot start or does not answer in time
     */
    public static RedisServer start() throws IOException {
        return start(false);
    }

    /**
     * Starts a server on a free loopback port and waits until it answers PING.
     *
     * @param appendOnly true for the persistence a deployment would use (append-only file, fsync every second),
     *     false for none
     * @return the running server
     * @throws IOException when it cannot start or does not answer in time
     */
    public static RedisServer start(boolean appendOnly) throws IOException {
        return start(appendOnly, 0);
    }

    /**
     * Starts a server with its append-only file (fsync every second) on a tmpfs of its own of the given size, mounted
     * in a mount namespace of its own ({@code unshare -rm}, no root needed where the kernel lets users have namespaces),
     * so that a test can fill its disk ({@link #fillDisk()}) and free it ({@link #freeDisk()}).
     *
     * @param bytes the tmpfs's size
     * @return the running server
     * @throws IOException when it cannot start (no {@code unshare}, or namespaces not allowed: say so and skip)
     */
    public static RedisServer startOnTmpfs(long bytes) throws IOException {
        return start(true, bytes);
    }

    /**
     * Starts {@code masters} servers in cluster mode and makes them one Redis Cluster without replicas
     * ({@code redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes}), the slots spread over them; waits
     * until every node reports {@code cluster_state:ok}.
     *
     * @param masters how many nodes (at least 3, as {@code redis-cli} asks)
     * @return the running cluster
     * @throws IOException when a node cannot start or the cluster does not form in time
     */
    public static Cluster startCluster(int masters) throws IOException {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(start(false, 0, true));
            }
            List<String> create = new ArrayList<>(List.of(onPath("redis-cli").orElseThrow(
                    () -> new IOException("redis-cli is not on the PATH")).toString(), "--cluster", "create"));
            for (RedisServer n : nodes) {
                create.add("127.0.0.1:" + n.port);
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = Cluster.cli(create);
            if (!out.contains("All 16384 slots covered")) {
                throw new IOException("redis-cli --cluster create did not cover the slots: " + out);
            }
            Cluster cluster = new Cluster(nodes);
            Await.until(CLUSTER_DEADLINE, cluster::isOk, () -> "the cluster is not ok: " + cluster.info());
            return cluster;
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    private static RedisServer start(boolean appendOnly, long tmpfsBytes) throws IOException {
        return start(appendOnly, tmpfsBytes, false);
    }

    private static RedisServer start(boolean appendOnly, long tmpfsBytes, boolean clusterNode) throws IOException {
        Path exe = executable().orElseThrow(() -> new IOException("redis-server is not on the PATH"));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = clusterNode ? freeClusterPort() : freePort();
            Path dir = Files.createTempDirectory("redis-test-");
            List<String> cmd = new ArrayList<>();
            Path data = dir;
            if (tmpfsBytes > 0) {
                data = Files.createDirectory(dir.resolve("data"));
                cmd.addAll(Tmpfs.launcher(data, tmpfsBytes));
            }
            cmd.addAll(List.of(exe.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "everysec",
                    "--dir", data.toString(), "--protected-mode", "yes"));
            if (clusterNode) {
                cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"));
            }
            RedisServer server = new RedisServer(launch(cmd, dir), dir, port, cmd);
            try {
                server.awaitPing(START_DEADLINE);
                return server;
            } catch (IOException e) {
                last = e;
                server.close();
            }
        }
        throw last;
    }

    private static Process launch(List<String> cmd, Path dir) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    }

    /** @return the port it listens on (127.0.0.1) */
    public int port() {
        return port;
    }

    /** @return a Lettuce URI for it */
    public String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /**
     * @return the CPU time the server process has used (user and system), from {@code /proc/<pid>/stat} at
     *     100 ticks a second; 0 where there is no {@code /proc}
     */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Pauses the server (SIGSTOP): its connections stay open and nothing answers, as a hung or swapped-out server.
     *
     * @throws IOException when the signal cannot be sent
     */
    public void pause() throws IOException {
        Signals.send(process.pid(), "STOP");
    }

    /**
     * Lets a paused server go on (SIGCONT).
     *
     * @throws IOException when the signal cannot be sent
     */
    public void resume() throws IOException {
        Signals.send(process.pid(), "CONT");
    }

    /**
     * Kills the server at once (SIGKILL): no shutdown, what its append-only file holds is what a restart finds.
     */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the server again as it was started (same port, same directory, so it reads its append-only file) and
     * waits until it answers PING.
     *
     * @throws IOException when it cannot start or does not answer in time
     */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("redis-server still runs: kill it first");
        }
        process = launch(command, dir);
        awaitPing(START_DEADLINE);
    }

    /**
     * Fills the tmpfs of a server started by {@link #startOnTmpfs} (a file of zeros up to the last byte).
     *
     * @throws IOException when the file cannot be written
     */
    public void fillDisk() throws IOException {
        Tmpfs.fill(process.pid(), dir.resolve("data"));
    }

    /**
     * Frees what {@link #fillDisk()} took.
     *
     * @throws IOException when the file cannot be removed
     */
    public void freeDisk() throws IOException {
        Tmpfs.free(process.pid(), dir.resolve("data"));
    }

    /** @return the server's log so far */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** @return true while the process runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitPing(Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[7];
                int n = in.readNBytes(buf, 0, 7);
                if (n == 7 && new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new IOException("redis-server on port " + port + " did not answer PING within " + deadline + ": " + log());
    }

    /** A free port whose cluster bus port (10000 above it, as Redis Cluster takes) is free too. */
    private static int freeClusterPort() throws IOException {
        for (int i = 0; i < 100; i++) {
            int port = freePort();
            if (port + CLUSTER_BUS_OFFSET <= 65_535 && isFree(port + CLUSTER_BUS_OFFSET)) {
                return port;
            }
        }
        throw new IOException("no free port with a free cluster bus port 10000 above it");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** Several {@link RedisServer}s joined into one Redis Cluster ({@link #startCluster}); {@link #close()} stops all. */
    public static final class Cluster implements AutoCloseable {
        private final List<RedisServer> nodes;

        private Cluster(List<RedisServer> nodes) {
            this.nodes = new CopyOnWriteArrayList<>(nodes);
        }

        /** @return the nodes, replicas added by {@link #addReplica} included */
        public List<RedisServer> nodes() {
            return List.copyOf(nodes);
        }

        /**
         * Starts a node and makes it a replica of the master on the port ({@code redis-cli --cluster add-node
         * --cluster-slave}); waits until its link to the master is up and the cluster is ok.
         *
         * @param masterPort the master's port
         * @return the replica (stopped with the cluster)
         * @throws IOException when it cannot start or does not sync in time
         */
        public RedisServer addReplica(int masterPort) throws IOException {
            RedisServer replica = start(false, 0, true);
            nodes.add(replica);
            String masterId = on(masterPort, "cluster", "myid").trim();
            cli(List.of(onPath("redis-cli").orElseThrow().toString(), "--cluster", "add-node", "127.0.0.1:" + replica.port,
                    "127.0.0.1:" + masterPort, "--cluster-slave", "--cluster-master-id", masterId));
            Await.until(CLUSTER_DEADLINE, () -> quietly(replica.port, "info", "replication").contains("master_link_status:up")
                    && isOk(), () -> "replica not synced: " + quietly(replica.port, "info", "replication"));
            return replica;
        }

        /**
         * Makes a replica the master of its master's slots ({@code CLUSTER FAILOVER} on it: the master stops taking
         * writes, the replica catches up and takes over); waits until it reports itself master and the cluster is ok.
         *
         * @param replica a replica added by {@link #addReplica}
         * @throws IOException when the failover is refused or does not happen in time
         */
        public void failover(RedisServer replica) throws IOException {
            String answer = on(replica.port, "cluster", "failover");
            if (!answer.trim().equals("OK")) {
                throw new IOException("CLUSTER FAILOVER refused: " + answer);
            }
            Await.until(CLUSTER_DEADLINE, () -> quietly(replica.port, "role").startsWith("master") && isOk(),
                    () -> "no failover: " + quietly(replica.port, "role"));
        }

        private static String on(int port, String... command) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(onPath("redis-cli").orElseThrow().toString(), "-p",
                    Integer.toString(port)));
            cmd.addAll(List.of(command));
            return cli(cmd);
        }

        private static String quietly(int port, String... command) {
            try {
                return on(port, command);
            } catch (IOException e) {
                return e.toString();
            }
        }

        /** @return a Lettuce URI naming every node ({@code redis://127.0.0.1:p1,127.0.0.1:p2,...}) */
        public String uri() {
            StringBuilder b = new StringBuilder("redis://");
            for (RedisServer n : nodes) {
                b.append(b.length() > "redis://".length() ? "," : "").append("127.0.0.1:").append(n.port);
            }
            return b.toString();
        }

        /** @return true when every node reports {@code cluster_state:ok} */
        boolean isOk() {
            return nodes.stream().allMatch(n -> quietly(n.port, "cluster", "info").contains("cluster_state:ok"));
        }

        /** @return each node's last log line, for a failure's message */
        String info() {
            StringBuilder b = new StringBuilder();
            for (RedisServer n : nodes) {
                b.append(n.port).append(": ").append(n.log().lines().reduce((x, y) -> y).orElse("")).append("; ");
            }
            return b.toString();
        }

        /** Runs redis-cli to its end (at most 30 s) and returns what it printed. */
        private static String cli(List<String> cmd) throws IOException {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(cmd + " did not end");
                }
                return out;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(cmd + " interrupted", e);
            }
        }

        @Override
        public void close() {
            nodes.forEach(RedisServer::close);
        }
    }
}
