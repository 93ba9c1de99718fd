package io.smainer.relayer.store;

import io.smainer.Require;
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
 * succeeds ends the outage. The relayer wraps whatever store it runs on in one of these.
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

    private <T> T call(String op, Supplier<T> action) {
        boolean probe = false;
        if (downSince != 0) {
            if (!probing.compareAndSet(false, true)) {
                refused.incrementAndGet();
                throw new StoreUnavailableException("the store (" + name + ") is unavailable since "
                        + Instant.ofEpochMilli(downSince) + ": " + lastError, null);
            }
            probe = true;
        }
        try {
            T out = action.get();
            if (downSince != 0) {
                recovered();
            }
            return out;
        } catch (RuntimeException e) {
            if (!isOutage(e)) {
                throw e;
            }
            wentDown(op, e);
            throw e instanceof StoreUnavailableException s ? s : new StoreUnavailableException("the store (" + name
                    + ") is unavailable since " + Instant.ofEpochMilli(downSince) + ": " + e.getMessage(), e);
        } finally {
            if (probe) {
                probing.set(false);
            }
        }
    }

    private void run(String op, Runnable action) {
        call(op, () -> {
            action.run();
            return null;
        });
    }

    private synchronized void wentDown(String op, RuntimeException e) {
        lastError = String.valueOf(e.getMessage());
        if (downSince == 0) {
            downSince = clock.millis();
            refused.set(0);
            outages.incrementAndGet();
            LOG.warn("store unavailable since {} ({}: {} failed: {}); requests that need it are refused with 503"
                    + " store_unavailable (Retry-After {} s), deadlines and settlement wait and retry until it answers",
                    Instant.ofEpochMilli(downSince), name, op, lastError, StoreUnavailableException.RETRY_AFTER.toSeconds());
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
    public CreateResult create(TaskRecord task, long maxQueuedBytes) {
        return call("create", () -> store.create(task, maxQueuedBytes));
    }

    @Override
    public long queuedBytes() {
        return call("queuedBytes", store::queuedBytes);
    }

    @Override
    public long finishedBytes() {
        return call("finishedBytes", store::finishedBytes);
    }

    @Override
    public void pruneFinished() {
        run("pruneFinished", store::pruneFinished);
    }

    @Override
    public Optional<TaskRecord> task(String id) {
        return call("task", () -> store.task(id));
    }

    @Override
    public Optional<TaskRecord> taskByEscrow(U256 escrowId) {
        return call("taskByEscrow", () -> store.taskByEscrow(escrowId));
    }

    @Override
    public boolean replace(TaskRecord current, TaskRecord next) {
        return call("replace", () -> store.replace(current, next));
    }

    @Override
    public List<Optional<TaskRecord>> tasks(List<String> ids) {
        return call("tasks", () -> store.tasks(ids));
    }

    @Override
    public List<Boolean> replaceEach(List<TaskRecord> current, List<TaskRecord> next) {
        return call("replaceEach", () -> store.replaceEach(current, next));
    }

    @Override
    public List<TaskRecord> tasksByStatus(TaskStatus status, long afterSeq, int max) {
        return call("tasksByStatus", () -> store.tasksByStatus(status, afterSeq, max));
    }

    @Override
    public List<TaskRecord> tasksOnNode(String nodeId) {
        return call("tasksOnNode", () -> store.tasksOnNode(nodeId));
    }

    @Override
    public List<TaskRecord> recentTasks(int max) {
        return call("recentTasks", () -> store.recentTasks(max));
    }

    @Override
    public Map<TaskStatus, Long> countByStatus() {
        return call("countByStatus", store::countByStatus);
    }

    @Override
    public boolean useNonce(String scope, Felt nonce, Instant expiresAt) {
        return call("useNonce", () -> store.useNonce(scope, nonce, expiresAt));
    }

    @Override
    public void putNode(NodeRecord node) {
        store.putNode(node); // logs its own failure; the next save repeats it
    }

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        return call("node", () -> store.node(nodeId));
    }

    @Override
    public List<NodeRecord> nodes() {
        return call("nodes", store::nodes);
    }

    @Override
    public boolean acquireLease(String name, String owner, Duration ttl) {
        return call("acquireLease", () -> store.acquireLease(name, owner, ttl));
    }

    @Override
    public void releaseLease(String name, String owner) {
        run("releaseLease", () -> store.releaseLease(name, owner));
    }

    @Override
    public boolean addWebhook(String taskId, Instant dueAt) {
        return call("addWebhook", () -> store.addWebhook(taskId, dueAt));
    }

    @Override
    public List<String> dueWebhooks(int max) {
        return call("dueWebhooks", () -> store.dueWebhooks(max));
    }

    @Override
    public Optional<WebhookDelivery> claimWebhook(String taskId, String owner, Duration lease) {
        return call("claimWebhook", () -> store.claimWebhook(taskId, owner, lease));
    }

    @Override
    public boolean retryWebhook(WebhookDelivery claimed, Instant dueAt) {
        return call("retryWebhook", () -> store.retryWebhook(claimed, dueAt));
    }

    @Override
    public boolean finishWebhook(WebhookDelivery claimed) {
        return call("finishWebhook", () -> store.finishWebhook(claimed));
    }

    @Override
    public Optional<WebhookState> webhook(String taskId) {
        return call("webhook", () -> store.webhook(taskId));
    }

    @Override
    public void publish(Signal signal) {
        store.publish(signal); // fire and forget: signals only prompt a look at the store
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
