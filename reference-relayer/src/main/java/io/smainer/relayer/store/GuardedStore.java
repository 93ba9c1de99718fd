package io.smainer.relayer.store;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RelayerStore} that turns the store's outages into {@link StoreUnavailableException} and says so once
 * per outage: one WARN when the first call fails (what is down, since when, what is refused) and one INFO when a
 * call succeeds again (how long it lasted, how many calls were refused), not a stack trace per request.
 *
 * <p>An outage is a failure of the store itself: Lettuce's {@code RedisException} (connection refused or lost,
 * a command timed out, the server refused a write: out of disk or memory) or an {@link UncheckedIOException}
 * (the journal's disk). Other exceptions (a bad argument) pass through untouched.
 *
 * <p>While the store is down only one call at a time goes through to it (a probe); the others are refused at
 * once instead of each waiting out the store's command timeout (5 s for a paused Redis). The first probe that
 * succeeds ends the outage. An outage that began with a refused write (out of disk: Redis's {@code MISCONF}, the
 * journal's {@code No space left on device}; Redis out of memory; a read-only replica) refuses writes only: reads go
 * on (what the relayer has stays readable), and it ends when a write of a kind that failed succeeds (a nonce
 * the journal does not hold proves nothing of its disk). The refusal names why (for
 * example {@code its disk is full}) without the store's address. The relayer wraps whatever store it runs on in one
 * of these.
 */
public final class GuardedStore implements RelayerStore {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedStore.class);
    private static final String REDIS_EXCEPTION = "io.lettuce.core.RedisException";

    private final RelayerStore store;
    private final String name;
    private final Clock clock;
    /** When the outage began (epoch millis), 0 while the store answers. */
    private volatile long downSince;
    private volatile String lastError = "";
    /** Why, in words a client may read. */
    private volatile String reason = "";
    /** True while the outage is one of refused writes only: reads go on. */
    private volatile boolean writesOnly;
    /** The calls that failed in this outage: in one of refused writes only, a success of one of them ends it. */
    private final Set<String> failedOps = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();

    private GuardedStore(RelayerStore store, String name, Clock clock) {
        this.store = Require.present("store", store);
        this.name = Require.text("name", name, 200);
        this.clock = Require.present("clock", clock);
    }

    /**
     * @param store the store to guard; closed with this one
     * @param name what it is, for the log (e.g. {@code redis redis://host:6379})
     * @param clock the time outages are stamped with
     * @return the guarded store ({@code store} itself when it is already guarded)
     */
    public static GuardedStore of(RelayerStore store, String name, Clock clock) {
        return store instanceof GuardedStore g ? g : new GuardedStore(store, name, clock);
    }

    /** @return the store guarded */
    public RelayerStore inner() {
        return store;
    }

    /** @return true while an outage is under way (the last call to reach the store failed) */
    public boolean isDown() {
        return downSince != 0;
    }

    /** @return when the current outage began, empty while the store answers */
    public Optional<Instant> downSince() {
        long since = downSince;
        return since == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(since));
    }

    /** @return how many outages began since this store was opened */
    public long outages() {
        return outages.get();
    }

    /**
     * @param e a failure
     * @return true when it is the store's outage (not a bad argument)
     */
    public static boolean isOutage(Throwable e) {
        return e instanceof StoreUnavailableException || e instanceof UncheckedIOException || isRedisFailure(e);
    }

    /** Lettuce's {@code RedisException} or a subclass, by name: Lettuce is optional (only a relayer on Redis has it). */
    private static boolean isRedisFailure(Throwable e) {
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(REDIS_EXCEPTION)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param e a failure
     * @return why the store failed, in words a client may read (no host, path or key)
     */
    static String reasonOf(Throwable e) {
        String text = messages(e);
        if (text.contains("No space left on device") || text.contains("MISCONF")) {
            return "its disk is full (No space left on device)";
        }
        if (text.contains("OOM command not allowed")) {
            return "it is out of memory";
        }
        if (text.contains("READONLY")) {
            return "it is a read-only replica";
        }
        if (text.contains("timed out")) {
            return "it does not answer";
        }
        if (text.contains("not connected") || text.contains("Connection refused") || text.contains("Connection reset")) {
            return "it cannot be reached";
        }
        return "";
    }

    /** True for a failure of a write the store refused while it still answers (out of disk or memory, read-only). */
    private static boolean isWriteRefusal(Throwable e) {
        String text = messages(e);
        return text.contains("No space left on device") || text.contains("MISCONF") || text.contains("OOM command not allowed")
                || text.contains("READONLY");
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 4096; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString();
    }

    /** A read: during an outage of refused writes it goes on, and its success does not end the outage. */
    private <T> T read(String op, Supplier<T> action) {
        return call(op, false, action);
    }

    /** A write (or a call that may write). */
    private <T> T write(String op, Supplier<T> action) {
        return call(op, true, action);
    }

    private <T> T call(String op, boolean write, Supplier<T> action) {
        boolean probe = false;
        boolean guarded = downSince != 0 && (write || !writesOnly);
        if (guarded) {
            if (!probing.compareAndSet(false, true)) {
                refused.incrementAndGet();
                throw new StoreUnavailableException("the store (" + name + ") is unavailable since "
                        + Instant.ofEpochMilli(downSince) + ": " + lastError, reason, null);
            }
            probe = true;
        }
        try {
            T out = action.get();
            if (downSince != 0 && (!writesOnly || failedOps.contains(op))) {
                recovered(); // a write the journal does not hold (a nonce) succeeding proves nothing of its disk
            }
            return out;
        } catch (RuntimeException e) {
            if (!isOutage(e)) {
                throw e;
            }
            wentDown(op, e);
            throw e instanceof StoreUnavailableException s ? s : new StoreUnavailableException("the store (" + name
                    + ") is unavailable since " + Instant.ofEpochMilli(downSince) + ": " + e.getMessage(), reasonOf(e), e);
        } finally {
            if (probe) {
                probing.set(false);
            }
        }
    }

    private void run(String op, Runnable action) {
        write(op, () -> {
            action.run();
            return null;
        });
    }

    private synchronized void wentDown(String op, RuntimeException e) {
        lastError = String.valueOf(e.getMessage());
        boolean refusal = isWriteRefusal(e);
        if (downSince == 0) {
            failedOps.clear();
        }
        failedOps.add(op);
        if (downSince != 0 && writesOnly && !refusal) {
            writesOnly = false; // it stopped answering reads too: every call waits for a probe now
            reason = reasonOf(e);
        }
        if (downSince == 0) {
            writesOnly = refusal;
            reason = reasonOf(e);
            downSince = clock.millis();
            refused.set(0);
            outages.incrementAndGet();
            LOG.warn("store unavailable since {} ({}: {} failed: {}); {} are refused with 503"
                    + " store_unavailable (Retry-After {} s), deadlines and settlement wait and retry until it answers",
                    Instant.ofEpochMilli(downSince), name, op, lastError,
                    writesOnly ? "it refuses writes: requests that write (reads go on)" : "requests that need it",
                    StoreUnavailableException.RETRY_AFTER.toSeconds());
        }
    }

    private synchronized void recovered() {
        long since = downSince;
        if (since != 0) {
            downSince = 0;
            LOG.info("store available again ({}): the outage since {} lasted {} ms; {} calls were refused meanwhile", name,
                    Instant.ofEpochMilli(since), Math.max(0, clock.millis() - since), refused.get());
        }
    }

    @Override
    public CreateResult create(TaskRecord task, Room room, Optional<NonceUse> nonce) {
        return write("create", () -> store.create(task, room, nonce));
    }

    @Override
    public Admission admission(U256 escrowId) {
        return read("admission", () -> store.admission(escrowId));
    }

    @Override
    public void replaceUnawaited(TaskRecord current, TaskRecord next) {
        store.replaceUnawaited(current, next); // logs its own failure, as putNode does
    }

    @Override
    public long queuedBytes() {
        return read("queuedBytes", store::queuedBytes);
    }

    @Override
    public long finishedBytes() {
        return read("finishedBytes", store::finishedBytes);
    }

    @Override
    public void pruneFinished() {
        run("pruneFinished", store::pruneFinished);
    }

    @Override
    public Optional<TaskRecord> task(String id) {
        return read("task", () -> store.task(id));
    }

    @Override
    public Optional<TaskRecord> taskByEscrow(U256 escrowId) {
        return read("taskByEscrow", () -> store.taskByEscrow(escrowId));
    }

    @Override
    public boolean replace(TaskRecord current, TaskRecord next) {
        return write("replace", () -> store.replace(current, next));
    }

    @Override
    public List<Optional<TaskRecord>> tasks(List<String> ids) {
        return read("tasks", () -> store.tasks(ids));
    }

    @Override
    public List<Boolean> replaceEach(List<TaskRecord> current, List<TaskRecord> next) {
        return write("replaceEach", () -> store.replaceEach(current, next));
    }

    @Override
    public List<TaskRecord> tasksByStatus(TaskStatus status, long afterSeq, int max) {
        return read("tasksByStatus", () -> store.tasksByStatus(status, afterSeq, max));
    }

    @Override
    public List<TaskRecord> tasksOnNode(String nodeId) {
        return read("tasksOnNode", () -> store.tasksOnNode(nodeId));
    }

    @Override
    public List<TaskRecord> recentTasks(int max) {
        return read("recentTasks", () -> store.recentTasks(max));
    }

    @Override
    public Map<TaskStatus, Long> countByStatus() {
        return read("countByStatus", store::countByStatus);
    }

    @Override
    public void putNode(NodeRecord node) {
        store.putNode(node); // logs its own failure; the next save repeats it
    }

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        return read("node", () -> store.node(nodeId));
    }

    @Override
    public List<NodeRecord> nodes() {
        return read("nodes", store::nodes);
    }

    @Override
    public boolean acquireLease(String name, String owner, Duration ttl) {
        return write("acquireLease", () -> store.acquireLease(name, owner, ttl));
    }

    @Override
    public void releaseLease(String name, String owner) {
        run("releaseLease", () -> store.releaseLease(name, owner));
    }

    @Override
    public boolean addWebhook(String taskId, Instant dueAt) {
        return write("addWebhook", () -> store.addWebhook(taskId, dueAt));
    }

    @Override
    public List<String> dueWebhooks(int max) {
        return read("dueWebhooks", () -> store.dueWebhooks(max));
    }

    @Override
    public Optional<WebhookDelivery> claimWebhook(String taskId, String owner, Duration lease) {
        return write("claimWebhook", () -> store.claimWebhook(taskId, owner, lease));
    }

    @Override
    public boolean retryWebhook(WebhookDelivery claimed, Instant dueAt) {
        return write("retryWebhook", () -> store.retryWebhook(claimed, dueAt));
    }

    @Override
    public boolean finishWebhook(WebhookDelivery claimed) {
        return write("finishWebhook", () -> store.finishWebhook(claimed));
    }

    @Override
    public Optional<WebhookState> webhook(String taskId) {
        return read("webhook", () -> store.webhook(taskId));
    }

    @Override
    public Optional<Felt> keepEvidence(Felt reasonHash, String json, ContractAddress provider,
            Optional<String> disputedTask) {
        return write("keepEvidence", () -> store.keepEvidence(reasonHash, json, provider, disputedTask));
    }

    @Override
    public Optional<String> evidence(Felt reasonHash) {
        return read("evidence", () -> store.evidence(reasonHash));
    }

    @Override
    public Optional<Felt> disputeOf(String taskId) {
        return read("disputeOf", () -> store.disputeOf(taskId));
    }

    @Override
    public Map<ContractAddress, Felt> slashesToInitiate() {
        return read("slashesToInitiate", store::slashesToInitiate);
    }

    @Override
    public Map<ContractAddress, Felt> slashesWatched() {
        return read("slashesWatched", store::slashesWatched);
    }

    @Override
    public void slashInitiated(ContractAddress provider, Felt reasonHash) {
        run("slashInitiated", () -> store.slashInitiated(provider, reasonHash));
    }

    @Override
    public void watchSlash(ContractAddress provider, Felt reasonHash) {
        run("watchSlash", () -> store.watchSlash(provider, reasonHash));
    }

    @Override
    public void dropInitiation(ContractAddress provider, Felt reasonHash) {
        run("dropInitiation", () -> store.dropInitiation(provider, reasonHash));
    }

    @Override
    public void slashEnded(ContractAddress provider, Felt reasonHash) {
        run("slashEnded", () -> store.slashEnded(provider, reasonHash));
    }

    @Override
    public AutoCloseable subscribe(Consumer<Signal> listener) {
        return store.subscribe(listener);
    }

    @Override
    public void close() {
        store.close();
    }
}
