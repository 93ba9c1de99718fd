package io.smainer.relayer.store;

import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The in-memory {@link RelayerStore}: one process, nothing survives a restart. Writes take one lock
 * (each is a few map operations); reads of a single task take none.
 */
public final class MemoryStore implements RelayerStore {
    private final Clock clock;
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
    /** Webhooks by task, touched under {@link #lock}; finished ones stay (a task gets one webhook, ever). */
    private final Map<String, Hook> webhooks = new HashMap<>();
    private long seq;

    /** A task's webhook. */
    private static final class Hook {
        int attempt = 1;
        long due;
        String owner = "";
        boolean finished;
    }
    private volatile boolean closed;

    private MemoryStore(Clock clock) {
        this.clock = clock;
        for (TaskStatus s : TaskStatus.values()) {
            byStatus.put(s, new ConcurrentSkipListMap<>());
            counts.put(s, new LongAdder());
        }
    }

    /**
     * @param clock the time nonces and leases expire by
     * @return an empty store
     */
    public static MemoryStore create(Clock clock) {
        return new MemoryStore(clock);
    }

    @Override
    public CreateResult create(TaskRecord task) {
        if (task.version() != 0 || task.status() != TaskStatus.PENDING) {
            throw new IllegalArgumentException("a new task is PENDING at version 0: " + task.id());
        }
        synchronized (lock) {
            String existing = byEscrow.get(task.escrowId());
            if (existing != null) {
                return new Duplicate(tasks.get(existing));
            }
            if (tasks.containsKey(task.id())) {
                throw new IllegalArgumentException("task id already used: " + task.id());
            }
            TaskRecord stored = task.withSeq(++seq);
            byEscrow.put(task.escrowId(), task.id());
            tasks.put(task.id(), stored);
            bySeq.put(stored.seq(), stored.id());
            index(null, stored);
            return new Created(stored);
        }
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
        if (!current.id().equals(next.id()) || next.version() != current.version() + 1 || next.seq() != current.seq()) {
            throw new IllegalArgumentException("replace needs the same task at the next version: " + current.id() + " v"
                    + current.version() + " -> " + next.id() + " v" + next.version());
        }
        synchronized (lock) {
            TaskRecord stored = tasks.get(current.id());
            if (stored == null || stored.version() != current.version()) {
                return false;
            }
            tasks.put(next.id(), next);
            index(stored, next);
            return true;
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
        if (after.status() == TaskStatus.ASSIGNED || after.status() == TaskStatus.RUNNING) {
            after.nodeId().ifPresent(n -> byNode.computeIfAbsent(n, k -> new java.util.LinkedHashMap<>()).put(after.id(), true));
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
            if (t != null && (t.status() == TaskStatus.ASSIGNED || t.status() == TaskStatus.RUNNING)
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
            out.add(tasks.get(id));
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

    @Override
    public boolean useNonce(String scope, Felt nonce, Instant expiresAt) {
        Instant now = clock.instant();
        String key = scope + "|" + nonce.hex();
        synchronized (lock) {
            while (!nonceExpiry.isEmpty() && nonceExpiry.peek().getValue().isBefore(now)) {
                Map.Entry<String, Instant> gone = nonceExpiry.poll();
                if (gone.getValue().equals(nonces.get(gone.getKey()))) {
                    nonces.remove(gone.getKey());
                }
            }
            Instant seen = nonces.get(key);
            if (seen != null && !seen.isBefore(now)) {
                return false;
            }
            nonces.put(key, expiresAt);
            nonceExpiry.add(Map.entry(key, expiresAt));
            return true;
        }
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
            return true;
        }
    }

    @Override
    public List<String> dueWebhooks(int max) {
        long now = clock.millis();
        synchronized (lock) {
            return webhooks.entrySet().stream().filter(e -> !e.getValue().finished && e.getValue().due <= now)
                    .sorted(Comparator.comparingLong((Map.Entry<String, Hook> e) -> e.getValue().due)
                            .thenComparing(Map.Entry::getKey))
                    .limit(Math.max(0, max)).map(Map.Entry::getKey).toList();
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
            h.due = now + Math.max(1, lease.toMillis());
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
            h.due = dueAt.toEpochMilli();
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
            return true;
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

    @Override
    public void publish(Signal signal) {
        if (closed) {
            return;
        }
        for (Consumer<Signal> l : listeners) {
            l.accept(signal);
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<Signal> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        closed = true;
        listeners.clear();
    }
}
