package io.smainer.relayer.store;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory {@link RelayerStore}: one process, nothing survives a restart. Writes take one lock
 * (each is a few map operations); reads of a single task take none.
 *
 * <p>Retention ({@link Retention}): when a task becomes SETTLED or FAILED it enters {@code finished}, a tree
 * by (the store clock's time of finishing, sequence). That write, and every create, then drops from the old end
 * of the tree what is older than {@link Retention#finishedFor()} or beyond {@link Retention#maxFinished()}:
 * or whose payload and result bytes add up to more than {@link Retention#maxFinishedBytes()} (never the last one
 * left in the tree, so the task that just finished can be read, however large):
 * O(log n) a task, at most {@value #EVICT_BATCH} a write (each finish adds one, so a backlog drains), no
 * scan; {@link #pruneFinished()} drains the same way for an idle relayer. A dropped task leaves every index: the task map, its status index, the sequence index, its
 * webhook record; the node index holds only ASSIGNED and RUNNING tasks, so a finished task is in none. The
 * counts of SETTLED and FAILED are cumulative (not decremented on dropping, see
 * {@link RelayerStore#countByStatus()}), so {@code /stats}, {@code smainer_tasks} and the load benchmark keep
 * counting settlements. A task whose webhook is pending when its turn comes is parked in its webhook record
 * instead and goes back in the tree, with its original finishing time, once the webhook is delivered or
 * given up.
 *
 * <p>Bytes: {@link #queuedBytes()} and {@link #finishedBytes()} are plain sums updated under the lock by every
 * write that creates, moves, finishes or drops a task, by that record's {@link TaskRecord#heldBytes()} (records
 * are immutable, so what is subtracted is what was added); {@link #create(TaskRecord, long)} checks the first
 * under the same lock.
 *
 * <p>The escrow guard, "an escrow never backs a second task": while a task is held its escrow maps to it.
 * When a SETTLED task is dropped the escrow's entry goes too: its settlement was confirmed, so the escrow is
 * SETTLED on chain, and the intake refuses an escrow that is not CREATED before it reaches {@link #create}.
 * A FAILED task's escrow may still be CREATED (the demander was told to cancel it; until then it is funded),
 * so the chain would not refuse it: its entry stays (escrow to task id, no task) and {@link #create} answers
 * {@link Retired}. Those entries are bounded too: a queue keeps the last {@link Retention#maxFinished()} of
 * them, about 200 bytes each. An escrow whose FAILED task was dropped more than that many FAILED tasks ago
 * could back a new task; it would be the only live task on that escrow, and it is paid at most once (the
 * contract settles a CREATED escrow once), so that escape costs the demander nothing it did not sign for.
 */
public final class MemoryStore implements RelayerStore {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStore.class);
    /** The most finished tasks dropped by one write. */
    static final int EVICT_BATCH = 256;

    private final Clock clock;
    private final long retentionMillis;
    private final int maxFinished;
    private final long maxFinishedBytes;
    private final Object lock = new Object();
    private final Map<String, TaskRecord> tasks = new ConcurrentHashMap<>();
    private final Map<U256, String> byEscrow = new ConcurrentHashMap<>();
    private final Map<TaskStatus, ConcurrentSkipListMap<Long, String>> byStatus = new EnumMap<>(TaskStatus.class);
    /** Tasks per status, kept beside {@link #byStatus} (whose size() walks every entry). */
    private final Map<TaskStatus, LongAdder> counts = new EnumMap<>(TaskStatus.class);
    private final Map<String, Map<String, Boolean>> byNode = new HashMap<>();
    private final TreeMap<Long, String> bySeq = new TreeMap<>();
    private final Map<String, Instant> nonces = new HashMap<>();
    private final PriorityQueue<Map.Entry<String, Instant>> nonceExpiry =
            new PriorityQueue<>(Comparator.comparing(Map.Entry::getValue));
    private final Map<String, NodeRecord> nodes = new ConcurrentSkipListMap<>();
    private final Map<String, Map.Entry<String, Instant>> leases = new HashMap<>();
    private final List<Consumer<Signal>> listeners = new CopyOnWriteArrayList<>();
    /** The {@link SlashRecords}: evidence by reason hash, initiations, watched slashes, disputes; under {@link #slashLock}. */
    private final Map<Felt, String> evidence = new HashMap<>();
    private final Map<ContractAddress, Felt> toInitiate = new LinkedHashMap<>();
    private final Map<ContractAddress, Felt> watched = new LinkedHashMap<>();
    private final Map<String, Felt> disputes = new HashMap<>();
    private final Object slashLock = new Object();
    /** Webhooks by task, touched under {@link #lock}; finished ones stay (a task gets one webhook, ever). */
    private final Map<String, Hook> webhooks = new HashMap<>();
    /** Unfinished webhooks by due time, so {@link #dueWebhooks} reads only what is due. */
    private final TreeSet<Due> dueHooks = new TreeSet<>();
    /** Finished tasks held, oldest-finished first; under {@link #lock}. */
    private final TreeMap<Fin, String> finished = new TreeMap<>();
    /** Escrows of dropped FAILED tasks still guarded in {@link #byEscrow}, oldest first; under {@link #lock}. */
    private final ArrayDeque<U256> retiredEscrows = new ArrayDeque<>();
    private long seq;
    /** {@link TaskRecord#heldBytes()} of the tasks not finished; written under {@link #lock}. */
    private volatile long queuedBytes;
    /** {@link TaskRecord#heldBytes()} of the finished tasks held (parked ones too); written under {@link #lock}. */
    private volatile long finishedBytes;

    /** A task's webhook. */
    private static final class Hook {
        int attempt = 1;
        long due;
        String owner = "";
        boolean finished;
        /** Where its finished task stood in {@link #finished} when the webhook held it back; else null. */
        Fin parked;
    }

    /** A finished task's place: when it finished by the store's clock, then its sequence. */
    private record Fin(long at, long seq) implements Comparable<Fin> {
        @Override
        public int compareTo(Fin o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** An unfinished webhook's place in {@link #dueHooks}. */
    private record Due(long due, String taskId) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : taskId.compareTo(o.taskId);
        }
    }
    private volatile boolean closed;

    private MemoryStore(Clock clock, Retention retention) {
        this.clock = Require.present("clock", clock);
        Require.present("retention", retention);
        this.retentionMillis = retention.finishedForMillis();
        this.maxFinished = retention.maxFinished();
        this.maxFinishedBytes = retention.maxFinishedBytes();
        for (TaskStatus s : TaskStatus.values()) {
            byStatus.put(s, new ConcurrentSkipListMap<>());
            counts.put(s, new LongAdder());
        }
    }

    /**
     * A store with the default {@link Retention#DEFAULT retention}.
     *
     * @param clock the time nonces, leases and finished tasks expire by
     * @return an empty store
     */
    public static MemoryStore create(Clock clock) {
        return new MemoryStore(clock, Retention.DEFAULT);
    }

    /**
     * @param clock the time nonces, leases and finished tasks expire by
     * @param retention how long and how many finished tasks are kept
     * @return an empty store
     */
    public static MemoryStore create(Clock clock, Retention retention) {
        return new MemoryStore(clock, retention);
    }

    @Override
    public CreateResult create(TaskRecord task, Room room, Optional<NonceUse> nonce) {
        StoreChecks.creatable(task);
        CreateResult r = createLocked(task, room, nonce);
        if (r instanceof Created c) {
            signal(new Signal(c.task().id(), TaskStatus.PENDING));
        }
        return r;
    }

    private CreateResult createLocked(TaskRecord task, Room room, Optional<NonceUse> nonce) {
        synchronized (lock) {
            dropFinished(clock.millis());
            String existing = byEscrow.get(task.escrowId());
            if (existing != null) {
                TaskRecord backed = tasks.get(existing);
                return backed != null ? new Duplicate(backed) : new Retired(existing);
            }
            if (tasks.containsKey(task.id())) {
                throw new IllegalArgumentException("task id already used: " + task.id());
            }
            if (nonce.isPresent() && !nonceFree(nonce.get().scope(), nonce.get().nonce(), clock.instant())) {
                return new Replayed(nonce.get().nonce());
            }
            long bytes = task.heldBytes();
            if (bytes > room.maxQueuedBytes() - queuedBytes) {
                return new Busy(queuedBytes, bytes, room.maxQueuedBytes());
            }
            long pending = counts.get(TaskStatus.PENDING).sum();
            if (pending >= room.maxPending()) {
                return new Full(pending, room.maxPending());
            }
            nonce.ifPresent(n -> takeNonce(n.scope(), n.nonce(), n.expiresAt()));
            queuedBytes += bytes;
            TaskRecord stored = task.withSeq(++seq);
            byEscrow.put(task.escrowId(), task.id());
            tasks.put(task.id(), stored);
            bySeq.put(stored.seq(), stored.id());
            index(null, stored);
            return new Created(stored);
        }
    }

    @Override
    public Admission admission(U256 escrowId) {
        return new Admission(queuedBytes, counts.get(TaskStatus.PENDING).sum(), taskByEscrow(escrowId));
    }

    /**
     * Puts back a task as a journal recorded it ({@link JournaledStore}), in whatever status, with its own sequence
     * number and version; a finished one counts as finished at its last update. Retention applies at the next write
     * or {@link #pruneFinished()}. For a store being filled before use; a second record of the same task replaces
     * the first.
     *
     * @param task the task as last written
     */
    void restore(TaskRecord task) {
        synchronized (lock) {
            TaskRecord before = tasks.get(task.id());
            if (before != null) {
                index(before, task);
                countBytes(before, -1);
                if (before.status().isTerminal()) {
                    finished.remove(new Fin(before.updatedAtMillis(), before.seq()));
                }
                bySeq.remove(before.seq());
            } else {
                index(null, task);
            }
            countBytes(task, 1);
            tasks.put(task.id(), task);
            byEscrow.put(task.escrowId(), task.id());
            bySeq.put(task.seq(), task.id());
            seq = Math.max(seq, task.seq());
            if (task.status().isTerminal()) {
                finished.put(new Fin(task.updatedAtMillis(), task.seq()), task.id());
            }
        }
    }

    /** @return how many tasks are held */
    int snapshotSize() {
        return tasks.size();
    }

    /** @return every task held, in sequence order: what a journal's compaction writes */
    List<TaskRecord> snapshot() {
        synchronized (lock) {
            List<TaskRecord> out = new ArrayList<>(bySeq.size());
            for (String id : bySeq.values()) {
                TaskRecord t = tasks.get(id);
                if (t != null) {
                    out.add(t);
                }
            }
            return out;
        }
    }

    @Override
    public long queuedBytes() {
        return queuedBytes;
    }

    @Override
    public long finishedBytes() {
        return finishedBytes;
    }

    @Override
    public Optional<TaskRecord> task(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    @Override
    public Optional<TaskRecord> taskByEscrow(U256 escrowId) {
        String id = byEscrow.get(escrowId);
        return id == null ? Optional.empty() : task(id);
    }

    @Override
    public boolean replace(TaskRecord current, TaskRecord next) {
        StoreChecks.nextVersion(current, next);
        if (!replaceLocked(current, next)) {
            return false;
        }
        if (StoreChecks.changesStatus(current, next)) {
            signal(new Signal(next.id(), next.status())); // after the lock: listeners run on this thread
        }
        return true;
    }

    private boolean replaceLocked(TaskRecord current, TaskRecord next) {
        synchronized (lock) {
            TaskRecord stored = tasks.get(current.id());
            if (stored == null || stored.version() != current.version()) {
                return false;
            }
            tasks.put(next.id(), next);
            index(stored, next);
            countBytes(stored, -1);
            countBytes(next, 1);
            if (next.status().isTerminal()) {
                long now = clock.millis();
                Fin at = new Fin(now, next.seq());
                Hook h = webhooks.get(next.id());
                if (h != null && !h.finished) {
                    h.parked = at;
                } else {
                    finished.put(at, next.id());
                }
                dropFinished(now);
            }
            return true;
        }
    }

    /** Adds ({@code sign} 1) or takes away (-1) a record's bytes from the sum its status belongs to; under the lock. */
    private void countBytes(TaskRecord t, int sign) {
        long b = sign * t.heldBytes();
        if (t.status().isTerminal()) {
            finishedBytes += b;
        } else {
            queuedBytes += b;
        }
    }

    @Override
    public void pruneFinished() {
        int left;
        int before;
        do { // a batch at a time, so writers wait at most one batch for the lock
            synchronized (lock) {
                before = finished.size();
                dropFinished(clock.millis());
                left = finished.size();
            }
        } while (left < before);
    }

    /**
     * Drops finished tasks past their retention or beyond the caps (count, bytes), oldest-finished first; the last
     * one in the tree is never dropped for bytes. Under the lock.
     */
    private void dropFinished(long now) {
        for (int i = 0; i < EVICT_BATCH && !finished.isEmpty(); i++) {
            Fin oldest = finished.firstKey();
            boolean overBytes = finishedBytes > maxFinishedBytes && finished.size() > 1;
            if (finished.size() <= maxFinished && now - oldest.at() < retentionMillis && !overBytes) {
                return;
            }
            drop(oldest, finished.pollFirstEntry().getValue());
        }
    }

    private void drop(Fin at, String id) {
        TaskRecord t = tasks.get(id);
        if (t == null) {
            return;
        }
        Hook h = webhooks.get(id);
        if (h != null && !h.finished) {
            h.parked = at; // the webhook still needs the task; finishWebhook puts it back
            return;
        }
        tasks.remove(id);
        countBytes(t, -1);
        webhooks.remove(id);
        byStatus.get(t.status()).remove(t.seq()); // counts of final statuses stay: they are cumulative
        bySeq.remove(t.seq());
        t.nodeId().ifPresent(n -> {
            Map<String, Boolean> on = byNode.get(n);
            if (on != null && on.remove(id) != null && on.isEmpty()) {
                byNode.remove(n);
            }
        });
        if (t.status() == TaskStatus.FAILED) {
            retiredEscrows.addLast(t.escrowId());
            while (retiredEscrows.size() > maxFinished) {
                U256 old = retiredEscrows.pollFirst();
                String was = byEscrow.get(old);
                if (was != null && !tasks.containsKey(was)) {
                    byEscrow.remove(old);
                }
            }
        } else {
            byEscrow.remove(t.escrowId(), id);
        }
    }

    private void index(TaskRecord before, TaskRecord after) {
        if (before != null) {
            if (byStatus.get(before.status()).remove(before.seq()) != null) {
                counts.get(before.status()).decrement();
            }
            before.nodeId().ifPresent(n -> {
                Map<String, Boolean> on = byNode.get(n);
                if (on != null) {
                    on.remove(before.id());
                    if (on.isEmpty()) {
                        byNode.remove(n);
                    }
                }
            });
        }
        if (byStatus.get(after.status()).put(after.seq(), after.id()) == null) {
            counts.get(after.status()).increment();
        }
        if (after.status().isInFlight()) {
            after.nodeId().ifPresent(n -> byNode.computeIfAbsent(n, k -> new LinkedHashMap<>()).put(after.id(), true));
        }
    }

    @Override
    public List<TaskRecord> tasksByStatus(TaskStatus status, long afterSeq, int max) {
        List<TaskRecord> out = new ArrayList<>();
        for (String id : byStatus.get(status).tailMap(afterSeq, false).values()) {
            if (out.size() >= max) {
                break;
            }
            TaskRecord t = tasks.get(id);
            if (t != null && t.status() == status) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public List<TaskRecord> tasksOnNode(String nodeId) {
        List<String> ids;
        synchronized (lock) {
            Map<String, Boolean> on = byNode.get(nodeId);
            ids = on == null ? List.of() : new ArrayList<>(on.keySet());
        }
        List<TaskRecord> out = new ArrayList<>();
        for (String id : ids) {
            TaskRecord t = tasks.get(id);
            if (t != null && t.status().isInFlight()
                    && t.nodeId().equals(Optional.of(nodeId))) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public List<TaskRecord> recentTasks(int max) {
        List<String> ids = new ArrayList<>();
        synchronized (lock) {
            for (String id : bySeq.descendingMap().values()) {
                if (ids.size() >= max) {
                    break;
                }
                ids.add(id);
            }
        }
        List<TaskRecord> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            TaskRecord t = tasks.get(id);
            if (t != null) { // dropped meanwhile
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public Map<TaskStatus, Long> countByStatus() {
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        for (TaskStatus s : TaskStatus.values()) {
            out.put(s, counts.get(s).sum());
        }
        return out;
    }

    /** True when the nonce is unused or its record expired; forgets the expired ones first. Under the lock. */
    private boolean nonceFree(String scope, Felt nonce, Instant now) {
        while (!nonceExpiry.isEmpty() && nonceExpiry.peek().getValue().isBefore(now)) {
            Map.Entry<String, Instant> gone = nonceExpiry.poll();
            if (gone.getValue().equals(nonces.get(gone.getKey()))) {
                nonces.remove(gone.getKey());
            }
        }
        Instant seen = nonces.get(scope + "|" + nonce.hex());
        return seen == null || seen.isBefore(now);
    }

    /** Records a nonce until it expires. Under the lock. */
    private void takeNonce(String scope, Felt nonce, Instant expiresAt) {
        String key = scope + "|" + nonce.hex();
        nonces.put(key, expiresAt);
        nonceExpiry.add(Map.entry(key, expiresAt));
    }

    @Override
    public void putNode(NodeRecord node) {
        nodes.put(node.nodeId(), node);
    }

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        return Optional.ofNullable(nodes.get(nodeId));
    }

    @Override
    public List<NodeRecord> nodes() {
        return List.copyOf(nodes.values());
    }

    @Override
    public boolean acquireLease(String name, String owner, Duration ttl) {
        Instant now = clock.instant();
        synchronized (lock) {
            Map.Entry<String, Instant> held = leases.get(name);
            if (held == null || held.getKey().equals(owner) || held.getValue().isBefore(now)) {
                leases.put(name, Map.entry(owner, now.plus(ttl)));
                return true;
            }
            return false;
        }
    }

    @Override
    public void releaseLease(String name, String owner) {
        synchronized (lock) {
            Map.Entry<String, Instant> held = leases.get(name);
            if (held != null && held.getKey().equals(owner)) {
                leases.remove(name);
            }
        }
    }

    @Override
    public boolean addWebhook(String taskId, Instant dueAt) {
        synchronized (lock) {
            if (webhooks.containsKey(taskId)) {
                return false;
            }
            Hook h = new Hook();
            h.due = dueAt.toEpochMilli();
            webhooks.put(taskId, h);
            dueHooks.add(new Due(h.due, taskId));
            return true;
        }
    }

    @Override
    public List<String> dueWebhooks(int max) {
        long now = clock.millis();
        synchronized (lock) {
            List<String> out = new ArrayList<>();
            for (Due d : dueHooks) {
                if (out.size() >= max || d.due() > now) {
                    break;
                }
                out.add(d.taskId());
            }
            return out;
        }
    }

    @Override
    public Optional<WebhookDelivery> claimWebhook(String taskId, String owner, Duration lease) {
        long now = clock.millis();
        synchronized (lock) {
            Hook h = webhooks.get(taskId);
            if (h == null || h.finished || h.due > now) {
                return Optional.empty();
            }
            if (!h.owner.isEmpty()) {
                h.attempt++; // the previous holder's lease ran out: its attempt counts as made
            }
            h.owner = owner;
            due(taskId, h, now + Math.max(1, lease.toMillis()));
            return Optional.of(new WebhookDelivery(taskId, h.attempt, owner));
        }
    }

    @Override
    public boolean retryWebhook(WebhookDelivery claimed, Instant dueAt) {
        synchronized (lock) {
            Hook h = held(claimed);
            if (h == null) {
                return false;
            }
            h.attempt++;
            h.owner = "";
            due(claimed.taskId(), h, dueAt.toEpochMilli());
            return true;
        }
    }

    @Override
    public boolean finishWebhook(WebhookDelivery claimed) {
        synchronized (lock) {
            Hook h = held(claimed);
            if (h == null) {
                return false;
            }
            h.owner = "";
            h.finished = true;
            dueHooks.remove(new Due(h.due, claimed.taskId()));
            if (h.parked != null) {
                finished.put(h.parked, claimed.taskId());
                h.parked = null;
                dropFinished(clock.millis());
            }
            return true;
        }
    }

    private void due(String taskId, Hook h, long at) {
        dueHooks.remove(new Due(h.due, taskId));
        h.due = at;
        dueHooks.add(new Due(at, taskId));
    }

    /**
     * The sizes of the indexes, for tests that check memory stays bounded.
     *
     * @return index name to entries held
     */
    Map<String, Integer> sizes() {
        synchronized (lock) {
            Map<String, Integer> out = new LinkedHashMap<>();
            out.put("tasks", tasks.size());
            out.put("byEscrow", byEscrow.size());
            int statuses = 0;
            for (ConcurrentSkipListMap<Long, String> m : byStatus.values()) {
                statuses += m.size();
            }
            out.put("byStatus", statuses);
            out.put("bySeq", bySeq.size());
            int onNodes = 0;
            for (Map<String, Boolean> m : byNode.values()) {
                onNodes += m.size();
            }
            out.put("byNode", onNodes);
            out.put("nodesWithTasks", byNode.size());
            out.put("webhooks", webhooks.size());
            out.put("dueWebhooks", dueHooks.size());
            out.put("finished", finished.size());
            out.put("retiredEscrows", retiredEscrows.size());
            return out;
        }
    }

    private Hook held(WebhookDelivery claimed) {
        Hook h = webhooks.get(claimed.taskId());
        return h != null && !h.finished && h.attempt == claimed.attempt() && h.owner.equals(claimed.owner()) ? h : null;
    }

    @Override
    public Optional<WebhookState> webhook(String taskId) {
        synchronized (lock) {
            Hook h = webhooks.get(taskId);
            return h == null ? Optional.empty()
                    : Optional.of(new WebhookState(h.attempt, h.due, h.owner.isEmpty() ? Optional.empty() : Optional.of(h.owner),
                            h.finished));
        }
    }

    /** Tells the listeners, on the writing thread, outside the lock. */
    private void signal(Signal signal) {
        if (closed) {
            return;
        }
        for (Consumer<Signal> l : listeners) {
            try {
                l.accept(signal);
            } catch (RuntimeException e) { // a listener's failure is its own: the write is done
                LOG.warn("a signal listener failed on {}", signal, e);
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<Signal> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ---- slash records

    @Override
    public Optional<Felt> keepEvidence(Felt reasonHash, String json, ContractAddress provider,
            Optional<String> disputedTask) {
        synchronized (slashLock) {
            if (disputedTask.isPresent()) {
                Felt before = disputes.putIfAbsent(disputedTask.get(), reasonHash);
                if (before != null) {
                    return Optional.of(before);
                }
            }
            evidence.putIfAbsent(reasonHash, json);
            toInitiate.putIfAbsent(provider, reasonHash);
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> evidence(Felt reasonHash) {
        synchronized (slashLock) {
            return Optional.ofNullable(evidence.get(reasonHash));
        }
    }

    /** @return the pieces of evidence held */
    int evidenceCount() {
        synchronized (slashLock) {
            return evidence.size();
        }
    }

    @Override
    public Optional<Felt> disputeOf(String taskId) {
        synchronized (slashLock) {
            return Optional.ofNullable(disputes.get(taskId));
        }
    }

    @Override
    public Map<ContractAddress, Felt> slashesToInitiate() {
        synchronized (slashLock) {
            return new LinkedHashMap<>(toInitiate);
        }
    }

    @Override
    public Map<ContractAddress, Felt> slashesWatched() {
        synchronized (slashLock) {
            return new LinkedHashMap<>(watched);
        }
    }

    @Override
    public void slashInitiated(ContractAddress provider, Felt reasonHash) {
        synchronized (slashLock) {
            toInitiate.remove(provider, reasonHash);
            watched.put(provider, reasonHash);
        }
    }

    @Override
    public void watchSlash(ContractAddress provider, Felt reasonHash) {
        synchronized (slashLock) {
            watched.put(provider, reasonHash);
        }
    }

    @Override
    public void dropInitiation(ContractAddress provider, Felt reasonHash) {
        synchronized (slashLock) {
            toInitiate.remove(provider, reasonHash);
        }
    }

    @Override
    public void slashEnded(ContractAddress provider, Felt reasonHash) {
        synchronized (slashLock) {
            watched.remove(provider, reasonHash);
        }
    }

    @Override
    public void close() {
        closed = true;
        listeners.clear();
    }
}
