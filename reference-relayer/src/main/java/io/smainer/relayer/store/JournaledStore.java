package io.smainer.relayer.store;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MemoryStore} with its tasks journaled to a file, so a restarted relayer keeps every task it had
 * accepted, in flight, completed or paid, with its result, until retention drops it: the reference relayer's
 * default store when no Redis is configured ({@code store.journal}).
 *
 * <p>Every task write that succeeds ({@link #create}, {@link #replace}, {@link #replaceEach}) appends the task's
 * new record as one JSON line, written to the operating system before the call returns, so a killed process loses
 * nothing; the file is forced to the disk every {@link #FSYNC_EVERY} (like Redis's {@code appendfsync everysec}),
 * so a power cut loses at most that much. {@link #open} reads the file, keeps each task's highest version (a line
 * torn by a crash is skipped), puts the tasks back, applies retention, rewrites the file with what is kept and logs
 * what it recovered. The file is rewritten the same way (compacted) once it holds more than
 * {@value #COMPACT_FACTOR} times as many lines as tasks held (and at least {@value #COMPACT_MIN_LINES}).
 *
 * <p>The {@link SlashRecords} (evidence, slashes to initiate and watched, disputed tasks) go to a second file beside
 * it, {@code <journal>.slashes}: each write is one line, written and forced to the disk before the memory changes
 * and the call returns (they are rare: a few a wrong result found), and {@link #open} replays the lines (a torn one
 * is skipped). Nothing in it is dropped or compacted: it grows by a few KiB a wrong result found.
 *
 * <p>Nonces, leases, nodes, signals and webhook schedules are not journaled: a restarted relayer starts them
 * afresh (a replayed submission is still refused by its escrow, which the journal keeps).
 *
 * <p>When a write to the file fails (the disk full) the change is already in memory: the call throws
 * {@link UncheckedIOException} (the relayer answers 503) and every later write first rewrites the whole file from
 * memory; until that succeeds writes are refused, so nothing is acknowledged that the file does not hold.
 */
public final class JournaledStore implements RelayerStore {
    /** How often the file is forced to the disk. */
    public static final Duration FSYNC_EVERY = Duration.ofSeconds(1);
    static final int COMPACT_FACTOR = 4;
    static final int COMPACT_MIN_LINES = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(JournaledStore.class);

    private final MemoryStore store;
    private final Path file;
    private final Object lock = new Object();
    private final ScheduledExecutorService syncer;
    private FileChannel out;
    /** The slash records' file ({@code <journal>.slashes}), appended under {@link #slashLock}. */
    private final Path slashFile;
    private final Object slashLock = new Object();
    private FileChannel slashOut;
    private long lines;
    private boolean dirty;
    private boolean broken;
    private volatile boolean closed;

    private JournaledStore(MemoryStore store, Path file) {
        this.store = store;
        this.file = file;
        this.slashFile = file.resolveSibling(file.getFileName() + ".slashes");
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "journal-sync");
            t.setDaemon(true);
            return t;
        });
        this.syncer = s;
    }

    /**
     * Opens the journal, creating it (and its folder) when absent, and puts back the tasks it holds.
     *
     * @param file the journal
     * @param clock the store's clock
     * @param retention how long and how many finished tasks are kept
     * @return the store
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public static JournaledStore open(Path file, Clock clock, Retention retention) {
        Require.present("file", file);
        MemoryStore memory = MemoryStore.create(clock, retention);
        JournaledStore j = new JournaledStore(memory, file);
        try {
            j.recover();
            j.recoverSlashes();
        } catch (IOException e) {
            j.syncer.shutdownNow();
            throw new UncheckedIOException("store.journal: cannot read or write " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        long every = FSYNC_EVERY.toMillis();
        j.syncer.scheduleWithFixedDelay(j::sync, every, every, TimeUnit.MILLISECONDS);
        return j;
    }

    /** @return the journal file */
    public Path file() {
        return file;
    }

    private void recover() throws IOException {
        long started = System.nanoTime();
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Map<String, TaskRecord> latest = new HashMap<>();
        long read = 0;
        long torn = 0;
        if (Files.exists(file)) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    read++;
                    TaskRecord t;
                    try {
                        t = StoreCodec.taskFromJson(line);
                    } catch (RuntimeException e) { // the line a crash cut short
                        torn++;
                        continue;
                    }
                    latest.merge(t.id(), t, (a, b) -> b.version() >= a.version() ? b : a);
                }
            }
        }
        List<TaskRecord> ordered = new ArrayList<>(latest.values());
        ordered.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        for (TaskRecord t : ordered) {
            store.restore(t);
        }
        store.pruneFinished();
        synchronized (lock) {
            rewrite();
        }
        Map<TaskStatus, Integer> byStatus = new EnumMap<>(TaskStatus.class);
        for (TaskRecord t : store.snapshot()) {
            byStatus.merge(t.status(), 1, Integer::sum);
        }
        if (read == 0) {
            LOG.info("store.journal {}: empty, starting afresh", file.toAbsolutePath());
        } else {
            LOG.info("store.journal {}: recovered {} tasks {} from {} lines in {} ms ({} tasks past retention dropped{})",
                    file.toAbsolutePath(), lines, byStatus, read, (System.nanoTime() - started) / 1_000_000,
                    latest.size() - lines, torn == 0 ? "" : "; " + torn + " torn lines skipped");
        }
    }

    /** Replays {@code <journal>.slashes} into the memory store and opens it for appending. */
    private void recoverSlashes() throws IOException {
        long read = 0;
        long torn = 0;
        if (Files.exists(slashFile)) {
            try (BufferedReader in = Files.newBufferedReader(slashFile, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    read++;
                    try {
                        replay(line.split(" ", -1));
                    } catch (RuntimeException e) { // the line a crash cut short
                        torn++;
                    }
                }
            }
        }
        boolean tornEnd = false;
        if (Files.exists(slashFile)) {
            try (FileChannel r = FileChannel.open(slashFile, StandardOpenOption.READ)) {
                ByteBuffer last = ByteBuffer.allocate(1);
                tornEnd = r.size() > 0 && r.read(last, r.size() - 1) == 1 && last.get(0) != '\n';
            }
        }
        slashOut = FileChannel.open(slashFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (tornEnd) {
            writeFully(slashOut, ByteBuffer.wrap(new byte[] {'\n'})); // ends a torn line: the next one starts whole
        }
        if (read > 0) {
            LOG.info("store.journal {}: replayed {} slash records ({} evidence, {} to initiate, {} watched){}",
                    slashFile.toAbsolutePath(), read, store.evidenceCount(), store.slashesToInitiate().size(),
                    store.slashesWatched().size(), torn == 0 ? "" : "; " + torn + " torn lines skipped");
        }
    }

    /** One line of {@code <journal>.slashes}: {@code <op> <provider> <reason hash> [<task> <json>]}, Base64 text. */
    private void replay(String[] f) {
        ContractAddress provider = ContractAddress.parse(f[1]);
        Felt hash = Felt.parse(f[2]);
        switch (f[0]) {
            case "keep" -> store.keepEvidence(hash, unbase64(f[4]), provider,
                    f[3].isEmpty() ? Optional.empty() : Optional.of(unbase64(f[3])));
            case "initiated" -> store.slashInitiated(provider, hash);
            case "watch" -> store.watchSlash(provider, hash);
            case "dropped" -> store.dropInitiation(provider, hash);
            case "ended" -> store.slashEnded(provider, hash);
            default -> throw new IllegalArgumentException("an unknown slash record " + f[0]);
        }
    }

    /** Writes one slash record line and forces it to the disk; under {@link #slashLock}. */
    private void appendSlash(String op, ContractAddress provider, Felt hash, String... rest) {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        StringBuilder b = new StringBuilder(op).append(' ').append(provider.hex()).append(' ').append(hash.hex());
        for (String r : rest) {
            b.append(' ').append(r);
        }
        try {
            writeFully(slashOut, ByteBuffer.wrap(b.append('\n').toString().getBytes(StandardCharsets.UTF_8)));
            slashOut.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("store.journal " + slashFile.toAbsolutePath() + ": a write failed ("
                    + e.getMessage() + "); the slash record was not kept", e);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String unbase64(String text) {
        return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }

    /** Writes what the store holds to a new file and puts it in place of the old one; under {@link #lock}. */
    private void rewrite() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        List<TaskRecord> all = store.snapshot();
        try (FileChannel w = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (TaskRecord t : all) {
                writeFully(w, line(t));
            }
            w.force(true);
        }
        if (out != null) {
            out.close();
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        lines = all.size();
        dirty = false;
        broken = false;
    }

    private static ByteBuffer line(TaskRecord t) {
        return ByteBuffer.wrap((StoreCodec.taskToJson(t) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void writeFully(FileChannel w, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            w.write(b);
        }
    }

    /** Before a write: refuses it while the file misses a change, unless rewriting the file now succeeds. */
    private void ready() {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        if (broken) {
            try {
                rewrite();
                LOG.info("store.journal {}: rewritten after a failed write; journaling again", file.toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException("store.journal " + file.toAbsolutePath() + " cannot be written: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Appends the records of successful writes; under {@link #lock}. */
    private void append(List<TaskRecord> written) {
        try {
            for (TaskRecord t : written) {
                writeFully(out, line(t));
                lines++;
            }
            dirty = true;
            long held = store.snapshotSize();
            if (lines > Math.max(COMPACT_MIN_LINES, COMPACT_FACTOR * held)) {
                rewrite();
            }
        } catch (IOException e) {
            broken = true;
            throw new UncheckedIOException("store.journal " + file.toAbsolutePath() + ": a write failed (" + e.getMessage()
                    + "); writes are refused until the file can be rewritten", e);
        }
    }

    private void sync() {
        synchronized (lock) {
            if (!dirty || closed || broken) {
                return;
            }
            try {
                out.force(false);
                dirty = false;
            } catch (IOException e) {
                LOG.warn("store.journal {}: forcing it to the disk failed: {}", file.toAbsolutePath(), e.toString());
            }
        }
    }

    @Override
    public CreateResult create(TaskRecord task, Room room, Optional<NonceUse> nonce) {
        synchronized (lock) {
            ready();
            CreateResult r = store.create(task, room, nonce);
            if (r instanceof Created c) {
                append(List.of(c.task()));
            }
            return r;
        }
    }

    @Override
    public boolean replace(TaskRecord current, TaskRecord next) {
        synchronized (lock) {
            ready();
            boolean done = store.replace(current, next);
            if (done) {
                append(List.of(next));
            }
            return done;
        }
    }

    @Override
    public List<Boolean> replaceEach(List<TaskRecord> current, List<TaskRecord> next) {
        synchronized (lock) {
            ready();
            List<Boolean> done = store.replaceEach(current, next);
            List<TaskRecord> written = new ArrayList<>();
            for (int i = 0; i < done.size(); i++) {
                if (done.get(i)) {
                    written.add(next.get(i));
                }
            }
            if (!written.isEmpty()) {
                append(written);
            }
            return done;
        }
    }

    @Override
    public Admission admission(U256 escrowId) {
        return store.admission(escrowId);
    }

    @Override
    public long queuedBytes() {
        return store.queuedBytes();
    }

    @Override
    public long finishedBytes() {
        return store.finishedBytes();
    }

    @Override
    public void pruneFinished() {
        store.pruneFinished();
    }

    @Override
    public Optional<TaskRecord> task(String id) {
        return store.task(id);
    }

    @Override
    public Optional<TaskRecord> taskByEscrow(U256 escrowId) {
        return store.taskByEscrow(escrowId);
    }

    @Override
    public List<Optional<TaskRecord>> tasks(List<String> ids) {
        return store.tasks(ids);
    }

    @Override
    public List<TaskRecord> tasksByStatus(TaskStatus status, long afterSeq, int max) {
        return store.tasksByStatus(status, afterSeq, max);
    }

    @Override
    public List<TaskRecord> tasksOnNode(String nodeId) {
        return store.tasksOnNode(nodeId);
    }

    @Override
    public List<TaskRecord> recentTasks(int max) {
        return store.recentTasks(max);
    }

    @Override
    public Map<TaskStatus, Long> countByStatus() {
        return store.countByStatus();
    }

    @Override
    public void putNode(NodeRecord node) {
        store.putNode(node);
    }

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        return store.node(nodeId);
    }

    @Override
    public List<NodeRecord> nodes() {
        return store.nodes();
    }

    @Override
    public boolean acquireLease(String name, String owner, Duration ttl) {
        return store.acquireLease(name, owner, ttl);
    }

    @Override
    public void releaseLease(String name, String owner) {
        store.releaseLease(name, owner);
    }

    @Override
    public boolean addWebhook(String taskId, Instant dueAt) {
        return store.addWebhook(taskId, dueAt);
    }

    @Override
    public List<String> dueWebhooks(int max) {
        return store.dueWebhooks(max);
    }

    @Override
    public Optional<WebhookDelivery> claimWebhook(String taskId, String owner, Duration lease) {
        return store.claimWebhook(taskId, owner, lease);
    }

    @Override
    public boolean retryWebhook(WebhookDelivery claimed, Instant dueAt) {
        return store.retryWebhook(claimed, dueAt);
    }

    @Override
    public boolean finishWebhook(WebhookDelivery claimed) {
        return store.finishWebhook(claimed);
    }

    @Override
    public Optional<WebhookState> webhook(String taskId) {
        return store.webhook(taskId);
    }

    @Override
    public Optional<Felt> keepEvidence(Felt reasonHash, String json, ContractAddress provider,
            Optional<String> disputedTask) {
        synchronized (slashLock) {
            Optional<Felt> before = disputedTask.flatMap(store::disputeOf);
            if (before.isPresent()) {
                return before;
            }
            appendSlash("keep", provider, reasonHash, disputedTask.map(JournaledStore::base64).orElse(""), base64(json));
            return store.keepEvidence(reasonHash, json, provider, disputedTask);
        }
    }

    @Override
    public Optional<String> evidence(Felt reasonHash) {
        return store.evidence(reasonHash);
    }

    @Override
    public Optional<Felt> disputeOf(String taskId) {
        return store.disputeOf(taskId);
    }

    @Override
    public Map<ContractAddress, Felt> slashesToInitiate() {
        return store.slashesToInitiate();
    }

    @Override
    public Map<ContractAddress, Felt> slashesWatched() {
        return store.slashesWatched();
    }

    @Override
    public void slashInitiated(ContractAddress provider, Felt reasonHash) {
        synchronized (slashLock) {
            appendSlash("initiated", provider, reasonHash);
            store.slashInitiated(provider, reasonHash);
        }
    }

    @Override
    public void watchSlash(ContractAddress provider, Felt reasonHash) {
        synchronized (slashLock) {
            appendSlash("watch", provider, reasonHash);
            store.watchSlash(provider, reasonHash);
        }
    }

    @Override
    public void dropInitiation(ContractAddress provider, Felt reasonHash) {
        synchronized (slashLock) {
            appendSlash("dropped", provider, reasonHash);
            store.dropInitiation(provider, reasonHash);
        }
    }

    @Override
    public void slashEnded(ContractAddress provider, Felt reasonHash) {
        synchronized (slashLock) {
            appendSlash("ended", provider, reasonHash);
            store.slashEnded(provider, reasonHash);
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<Signal> listener) {
        return store.subscribe(listener);
    }

    /** Forces the file to the disk and closes it. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            syncer.shutdownNow();
            try {
                if (out != null) {
                    out.force(false);
                    out.close();
                }
                if (slashOut != null) {
                    slashOut.close();
                }
            } catch (IOException e) {
                LOG.warn("store.journal {}: closing it failed: {}", file.toAbsolutePath(), e.toString());
            }
        }
        store.close();
    }
}
