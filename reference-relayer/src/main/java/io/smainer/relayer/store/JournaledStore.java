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
 * <p>Nonces, leases, nodes, signals, webhook schedules and the {@link SlashRecords} are not journaled: a restarted
 * relayer starts them afresh (a replayed submission is still refused by its escrow, which the journal keeps; a slash
 * the staking policy had not executed is lost, which is why a staking relayer runs on Redis).
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
    private long lines;
    private boolean dirty;
    private boolean broken;
    private volatile boolean closed;

    private JournaledStore(MemoryStore store, Path file) {
        this.store = store;
        this.file = file;
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
        return store.keepEvidence(reasonHash, json, provider, disputedTask);
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
        store.slashInitiated(provider, reasonHash);
    }

    @Override
    public void watchSlash(ContractAddress provider, Felt reasonHash) {
        store.watchSlash(provider, reasonHash);
    }

    @Override
    public void dropInitiation(ContractAddress provider, Felt reasonHash) {
        store.dropInitiation(provider, reasonHash);
    }

    @Override
    public void slashEnded(ContractAddress provider, Felt reasonHash) {
        store.slashEnded(provider, reasonHash);
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
            } catch (IOException e) {
                LOG.warn("store.journal {}: closing it failed: {}", file.toAbsolutePath(), e.toString());
            }
        }
        store.close();
    }
}
