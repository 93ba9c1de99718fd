package io.smainer.relayer.scheduling;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.concurrent.Loop;
import io.smainer.fee.EffortPricing;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.store.NodeDirectory;
import io.smainer.relayer.store.NodeRecord;
import io.smainer.relayer.store.SignalBus;
import io.smainer.relayer.store.StoreUnavailableException;
import io.smainer.relayer.store.TaskEvents;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.store.TaskStore;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealException;
import io.smainer.seal.SealedJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches PENDING tasks to logged-in nodes, driven by events only: a new task, a node login, a node
 * freed by a completion or failure, a deadline. Each assignment arms one deadline for its task, each node
 * one liveness deadline.
 *
 * <p>Outages: a deadline, liveness check or login whose store step fails (the store unreachable) is tried again
 * with a backoff ({@link #retryDelay}: 1 s doubling to 30 s) until it succeeds, so no task is stranded in
 * ASSIGNED or RUNNING by an outage longer than its timeout. {@link #reconcile()}, which the relayer runs
 * periodically, is the backstop: it reads a bounded page of the in-flight tasks and arms a deadline for any
 * that has none here, puts each connected node's slot count back in step with the store, and matches what is
 * PENDING.
 *
 * <p>A node fits a task when it runs the job's kind, serves the task's tier or a higher one, and (when
 * the job names a memory need) has a GPU with that much memory. Among fitting nodes with a free slot,
 * the least loaded wins, then the fastest (moving average of its completion times). A retried task never goes
 * back to the node that just failed it (lost it, timed out, or sent a result that did not check out); it
 * waits for another node. A task whose node
 * is lost, fails or times out goes back to the queue, at most {@code maxAttempts} assignments in all;
 * after the last it is FAILED with a message telling the demander to cancel the escrow for a refund.
 *
 * <p>All state changes run on one serial executor, so matching needs no locks; the store's
 * compare-and-set makes every claim safe against other relayers sharing the store.
 */
public final class Scheduler implements AutoCloseable {
    /** Assignments a task gets before it fails. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** A node not heard from for this long is offline. */
    public static final Duration DEFAULT_OFFLINE_AFTER = Duration.ofSeconds(90);
    /** Added to a job's own timeout for the result to travel back. */
    public static final Duration DEFAULT_DEADLINE_GRACE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    private static final int PAGE = 64;
    /** The most in-flight tasks of each status one {@link #reconcile()} reads. */
    static final int RECONCILE_PAGE = 256;
    /**
     * How long a task counted on a node may be missing from the store's in-flight tasks before {@link #reconcile()}
     * gives its slot back: its completion is stored before its release reaches this loop, so under load a
     * reconciliation sees many such tasks whose releases are only queued behind it.
     */
    static final Duration RELEASE_GRACE = Duration.ofSeconds(10);
    /** The longest wait before a failed deadline, liveness or login step is tried again. */
    static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

    private final TaskStore store;
    private final NodeDirectory directory;
    private final Deadlines deadlines;
    private final Clock clock;
    private final Executor serial;
    private final Loop ownedLoop;
    private final int maxAttempts;
    /**
     * A timer this late means this relayer did not run when it fell due (SIGSTOP, swap, a long pause): its nodes had no
     * chance to be heard, so what the timer would take back gets one more {@code offline_after} first.
     */
    static final long STALL_MILLIS = 2_000;

    private final Duration offlineAfter;
    private final Duration grace;
    private final TaskEvents events;
    private final String relayerName;
    private final TokenAmount effortBase;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    /**
     * The connected nodes with a free slot, least loaded first, then fastest: the first that fits a task
     * is the one to give it to. Serial executor only; a node leaves it before its load or speed changes.
     */
    private final TreeSet<Node> withRoom = new TreeSet<>(Scheduler::byPreference);
    private final Map<String, Deadlines.Handle> taskDeadlines = new HashMap<>();
    /**
     * Tasks assigned here and not yet accepted, as written by the assignment: {@link #accepted} moves one to
     * RUNNING by compare-and-set on this record instead of reading it back. Serial executor only; an entry
     * leaves when the task is accepted, released, failed, timed out or its node is lost.
     */
    private final Map<String, TaskRecord> assignedAs = new HashMap<>();
    /** Logins whose store step failed and waits for a retry; serial executor only. */
    private final Map<NodeChannel, Integer> pendingLogins = new HashMap<>();
    /** Where {@link #reconcile()} resumes reading the in-flight tasks, by status; serial executor only. */
    private final Map<TaskStatus, Long> reconcileAfter = new EnumMap<>(TaskStatus.class);
    private final AtomicBoolean dispatchQueued = new AtomicBoolean();
    private final AutoCloseable subscription;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Tasks whose deadline came late after a stall and were given more time (serial executor only). */
    private final Set<String> stallGraced = new HashSet<>();
    private long lastStallLogMillis;

    /** A connected node; mutable fields are touched on the serial executor only, but lastSeen. */
    private static final class Node {
        final NodeChannel channel;
        volatile long lastSeenMillis;
        int running;
        long completed;
        double ewmaMillis = -1;
        /** Tasks it refused as late, by its clock, since its last completion, that were not late by this relayer's. */
        int lateRefusals;
        /** True once its liveness check came late (this relayer stalled) and gave it more time; reset by a message. */
        volatile boolean stallGraced;
        final Map<String, Long> startedAt;
        Deadlines.Handle liveness;

        Node(NodeChannel channel, long now, Map<String, Long> startedAt) {
            this.channel = channel;
            this.lastSeenMillis = now;
            this.startedAt = startedAt;
        }

        String id() {
            return channel.nodeId();
        }

        NodeCapabilities caps() {
            return channel.capabilities();
        }
    }

    private Scheduler(Builder b) {
        this.store = Require.present("store", b.store);
        this.directory = b.directory;
        this.deadlines = Require.present("deadlines", b.deadlines);
        this.clock = deadlines.clock();
        if (b.executor == null) {
            this.ownedLoop = Loop.named("scheduler");
            this.serial = ownedLoop;
        } else {
            this.ownedLoop = null;
            this.serial = b.executor;
        }
        this.maxAttempts = (int) Require.range("max_attempts", b.maxAttempts, 1, 100);
        this.offlineAfter = Require.present("offline_after", b.offlineAfter);
        this.grace = Require.present("deadline_grace", b.grace);
        this.events = Require.present("events", b.events);
        this.relayerName = Require.text("relayer", b.relayerName, 64);
        this.effortBase = Require.present("effort_base", b.effortBase);
        if (effortBase.isZero()) {
            throw new InvalidFieldException("effort_base", "a positive price", effortBase);
        }
        this.subscription = b.signals.subscribe(s -> {
            if (s.status() == TaskStatus.PENDING) {
                requestDispatch();
            }
        });
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Takes over tasks the store says are in flight (after a restart): each gets a deadline at the
     * sooner of its own and the offline window, and goes back to the queue then unless its node logged
     * in here meanwhile. Then matches what is PENDING.
     */
    public void recover() {
        run(() -> {
            long now = clock.millis();
            for (TaskStatus s : List.of(TaskStatus.ASSIGNED, TaskStatus.RUNNING)) {
                long after = 0;
                List<TaskRecord> page;
                do {
                    page = store.tasksByStatus(s, after, 256);
                    for (TaskRecord t : page) {
                        after = t.seq();
                        if (!taskDeadlines.containsKey(t.id())) {
                            long at = Math.min(t.deadlineMillis(), now + offlineAfter.toMillis());
                            armDeadline(t.id(), t.attempts(), at);
                        }
                    }
                } while (page.size() == 256);
            }
            dispatch();
        });
    }

    // ---- events ----

    /**
     * A node logged in. A second login of the same node replaces the first connection and keeps its
     * tasks.
     *
     * @param channel the connection
     */
    public void nodeOnline(NodeChannel channel) {
        run(() -> login(channel, 0));
    }

    /** {@link #nodeOnline}; when its store step fails it is tried again after a backoff, unless the node left. */
    private void login(NodeChannel channel, int retry) {
        if (retry > 0 && pendingLogins.remove(channel) == null) {
            return; // the connection closed while the login waited
        }
        try {
            online(channel);
        } catch (RuntimeException e) {
            pendingLogins.put(channel, retry + 1);
            long delay = retryDelay(retry);
            deadlines.at(Instant.ofEpochMilli(clock.millis() + delay), () -> run(() -> login(channel, retry + 1)));
            throw new StepFailedException("node " + channel.nodeId() + "'s login (retried in " + delay + " ms)", e);
        }
    }

    private void online(NodeChannel channel) {
        {
            long now = clock.millis();
            Node old = nodes.get(channel.nodeId());
            Node n;
            if (old != null && old.channel != channel) {
                cancel(old.liveness);
                withRoom.remove(old);
                n = new Node(channel, now, old.startedAt);
                n.running = old.running;
                n.completed = old.completed;
                n.ewmaMillis = old.ewmaMillis;
                n.lateRefusals = old.lateRefusals;
                old.channel.close("replaced by a new login");
            } else {
                n = new Node(channel, now, new HashMap<>());
                n.completed = directory.node(channel.nodeId()).map(NodeRecord::completed).orElse(0L);
                for (TaskRecord t : store.tasksOnNode(channel.nodeId())) {
                    n.running++;
                    n.startedAt.put(t.id(), now);
                    if (!taskDeadlines.containsKey(t.id())) {
                        armDeadline(t.id(), t.attempts(), t.deadlineMillis());
                    }
                }
            }
            nodes.put(n.id(), n);
            index(n);
            armLiveness(n);
            saveNode(n, true);
            LOG.info("node {} online ({} running, capacity {})", n.id(), n.running, n.caps().maxConcurrent());
            dispatch();
        }
    }

    /**
     * A node sent something: it is alive. Cheap; any thread.
     *
     * @param nodeId the node
     */
    public void nodeSeen(String nodeId) {
        Node n = nodes.get(nodeId);
        if (n != null) {
            n.lastSeenMillis = clock.millis();
            n.stallGraced = false;
        }
    }

    /**
     * A node's connection closed, or it went silent. Its tasks go back to the queue. Ignored when the
     * channel was already replaced by a newer login.
     *
     * @param channel the connection that closed
     * @param reason why
     */
    public void nodeClosed(NodeChannel channel, String reason) {
        run(() -> {
            pendingLogins.remove(channel);
            Node n = nodes.get(channel.nodeId());
            if (n == null || n.channel != channel) {
                return;
            }
            withRoom.remove(n);
            nodes.remove(n.id());
            cancel(n.liveness);
            for (TaskRecord t : store.tasksOnNode(n.id())) {
                cancel(taskDeadlines.remove(t.id()));
                assignedAs.remove(t.id());
                retryOrFail(t, "node " + n.id() + " lost: " + reason);
            }
            saveNode(n, false);
            LOG.info("node {} offline: {}", n.id(), reason);
            dispatch();
        });
    }

    /**
     * Runs a state change on the serial executor: skipped once closed (the store may be closed by then), and a
     * failure (the store unreachable, say) is logged rather than lost with the executor's thread.
     */
    private void run(Runnable change) {
        if (closed.get()) {
            return;
        }
        try {
            serial.execute(() -> {
                if (closed.get()) {
                    return;
                }
                try {
                    change.run();
                } catch (RuntimeException e) {
                    logFailure(e);
                }
            });
        } catch (RejectedExecutionException e) {
            if (!closed.get()) {
                throw e;
            }
        }
    }

    /**
     * A failed step: with the store unreachable the store logs the outage once, so each step says so at DEBUG
     * only; anything else is a WARN.
     */
    private static void logFailure(RuntimeException e) {
        Throwable cause = e instanceof StepFailedException ? e.getCause() : e;
        String what = e instanceof StepFailedException ? e.getMessage() : "a scheduler step";
        if (cause instanceof StoreUnavailableException) {
            LOG.debug("{} failed: {}", what, cause.getMessage());
        } else {
            LOG.warn("{} failed (the task's deadline, the reconciliation pass or the next event retries it): {}", what,
                    cause.toString());
            LOG.debug("scheduler step failed", cause);
        }
    }

    /** A step that failed and was re-armed: says which, around the store's failure. */
    private static final class StepFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailedException(String what, RuntimeException cause) {
            super(what, cause, false, false);
        }
    }

    /**
     * @param retry how many times the step already failed (0 for the first failure)
     * @return how long to wait before trying it again: 1 s, doubling, at most {@link #MAX_RETRY_DELAY}
     */
    static long retryDelay(int retry) {
        return Math.min(MAX_RETRY_DELAY.toMillis(), 1000L << Math.min(retry, 5));
    }

    /** Asks for matching; coalesces while one is queued. */
    public void requestDispatch() {
        if (!closed.get() && dispatchQueued.compareAndSet(false, true)) {
            run(() -> {
                dispatchQueued.set(false);
                dispatch();
            });
        }
    }

    /**
     * The node accepted a task: ASSIGNED to RUNNING.
     *
     * @param nodeId the node
     * @param taskId the task
     */
    public void accepted(String nodeId, String taskId) {
        run(() -> {
            TaskRecord asAssigned = assignedAs.remove(taskId);
            if (asAssigned != null) {
                // compare-and-set on the record as assigned here: when it fails the task has moved on (completed,
                // failed, sent back), since only this relayer assigns to its nodes; either way no read is needed
                if (asAssigned.nodeId().equals(Optional.of(nodeId))) {
                    toRunning(asAssigned);
                }
                return;
            }
            Node n = nodes.get(nodeId);
            if (n == null || !n.startedAt.containsKey(taskId)) {
                return; // completed, failed or revoked before this step ran: nothing to move
            }
            store.task(taskId).ifPresent(t -> { // a task recovered after a restart: read what it is now
                if (t.status() == TaskStatus.ASSIGNED && t.nodeId().equals(Optional.of(nodeId))) {
                    toRunning(t);
                }
            });
        });
    }

    private void toRunning(TaskRecord t) {
        // not awaited: when it loses a race the task moved on (completed, failed, sent back) and stays as it is
        store.replaceUnawaited(t, t.running(clock.millis()));
    }

    /**
     * The task's completion was recorded (COMPLETED): the node has a free slot again.
     *
     * @param nodeId the node
     * @param taskId the task
     */
    public void released(String nodeId, String taskId) {
        run(() -> {
            cancel(taskDeadlines.remove(taskId));
            assignedAs.remove(taskId);
            Node n = nodes.get(nodeId);
            if (n != null) {
                Long started = n.startedAt.remove(taskId);
                if (started != null) {
                    withRoom.remove(n);
                    n.running = Math.max(0, n.running - 1);
                    long ran = Math.max(0, clock.millis() - started);
                    n.ewmaMillis = n.ewmaMillis < 0 ? ran : 0.8 * n.ewmaMillis + 0.2 * ran;
                    index(n);
                }
                n.completed++;
                if (n.lateRefusals > 0) {
                    withRoom.remove(n);
                    n.lateRefusals = 0; // it completed one in time: preferred as before
                    index(n);
                }
                saveNode(n, true);
            }
            requestDispatch(); // coalesced: one page for the slots the queued steps free
        });
    }

    /**
     * The node could not run the task (or sent a result that did not check out). A retryable failure
     * sends it to another node while attempts remain; a non-retryable one fails it at once.
     *
     * @param nodeId the node
     * @param taskId the task
     * @param reason what went wrong
     * @param retryable true when another node might succeed
     */
    public void failed(String nodeId, String taskId, String reason, boolean retryable) {
        run(() -> {
            Optional<TaskRecord> found = store.task(taskId);
            if (found.isEmpty()) {
                return;
            }
            TaskRecord t = found.get();
            boolean inFlight = t.status() == TaskStatus.ASSIGNED || t.status() == TaskStatus.RUNNING;
            if (!inFlight || !t.nodeId().equals(Optional.of(nodeId))) {
                return;
            }
            cancel(taskDeadlines.remove(taskId));
            assignedAs.remove(taskId);
            Node n = nodes.get(nodeId);
            if (n != null) {
                lateByItsClock(n, t, reason);
                free(n, taskId);
            }
            if (retryable) {
                retryOrFail(t, "node " + nodeId + " failed: " + reason);
            } else {
                fail(t, "the job failed and cannot succeed elsewhere: " + reason);
            }
            requestDispatch(); // coalesced: one page for the slots the queued steps free
        });
    }

    // ---- views ----

    /**
     * @param nodeId a node
     * @return its last-seen time, when it is connected here
     */
    public Optional<Long> lastSeen(String nodeId) {
        Node n = nodes.get(nodeId);
        return n == null ? Optional.empty() : Optional.of(n.lastSeenMillis);
    }

    /** @return how many nodes are connected here */
    public int onlineCount() {
        return nodes.size();
    }

    /**
     * @param nodeId a node
     * @return true when it is connected here
     */
    public boolean isOnline(String nodeId) {
        return nodes.containsKey(nodeId);
    }

    // ---- matching ----

    private void dispatch() {
        if (closed.get() || !anyFree()) {
            return;
        }
        long after = 0;
        int size = Math.min(PAGE, freeSlots()); // most tasks fit the first node with room: read no more than can go
        while (true) {
            List<TaskRecord> page = store.tasksByStatus(TaskStatus.PENDING, after, size);
            List<TaskRecord> from = new ArrayList<>();
            List<TaskRecord> to = new ArrayList<>();
            List<Node> on = new ArrayList<>();
            long now = clock.millis();
            for (TaskRecord t : page) {
                after = t.seq();
                Node n = pick(t);
                if (n != null) { // the slot is held while the page's assignments are written
                    reserve(n, 1);
                    from.add(t);
                    to.add(t.assigned(n.id(), now + t.job().timeoutMillis() + grace.toMillis(), now));
                    on.add(n);
                    if (!anyFree()) {
                        break;
                    }
                }
            }
            assign(from, to, on);
            if (!anyFree() || page.size() < size) {
                return;
            }
            size = PAGE; // what was read did not fit the free nodes: look further
        }
    }

    /** Takes ({@code delta} 1) or gives back (-1) a slot of a node, keeping {@link #withRoom} in order. */
    private void reserve(Node n, int delta) {
        withRoom.remove(n);
        n.running += delta;
        index(n);
    }

    private int freeSlots() {
        int free = 0;
        for (Node n : withRoom) {
            free += n.caps().maxConcurrent() - n.running;
        }
        return free;
    }

    private boolean anyFree() {
        return !withRoom.isEmpty();
    }

    /** Puts a connected node with a free slot in {@link #withRoom}; call after changing its load or speed. */
    private void index(Node n) {
        if (n.running < n.caps().maxConcurrent() && nodes.get(n.id()) == n) {
            withRoom.add(n);
        }
    }

    /**
     * A node that refuses tasks as late (its clock runs ahead) last; then less loaded first (running / capacity), then
     * faster (a node with no history counts as fastest), then by id.
     */
    private static int byPreference(Node a, Node b) {
        int late = Boolean.compare(a.lateRefusals > 0, b.lateRefusals > 0);
        if (late != 0) {
            return late;
        }
        int load = Long.compare((long) a.running * b.caps().maxConcurrent(), (long) b.running * a.caps().maxConcurrent());
        if (load != 0) {
            return load;
        }
        int speed = Double.compare(Math.max(0, a.ewmaMillis), Math.max(0, b.ewmaMillis));
        return speed != 0 ? speed : a.id().compareTo(b.id());
    }

    /**
     * @param address a node's account
     * @param caps a node's capabilities
     * @param task a task
     * @return true when the node can run the task: for a sealed one, only when it is one of its recipients
     */
    public static boolean fits(ContractAddress address, NodeCapabilities caps, TaskRecord task) {
        JobSpec job = task.job();
        return caps.jobKinds().contains(job.kind()) && caps.tier().code() >= task.tier().code()
                && (job.maxMemoryBytes() == 0 || caps.largestGpuMemoryBytes() >= job.maxMemoryBytes())
                && sealedFor(address, caps, job);
    }

    /**
     * @param address a node's account
     * @param caps its capabilities
     * @param job a job
     * @return true for a job that is not sealed, or one sealed to this account and the sealing key it published (a
     *     sealed job goes to its recipients only: no other node could open it)
     */
    static boolean sealedFor(ContractAddress address, NodeCapabilities caps, JobSpec job) {
        if (!SealedJobs.isSealed(job)) {
            return true;
        }
        if (caps.seal().isEmpty()) {
            return false;
        }
        try {
            return Envelope.header(job.payload()).isFor(address, caps.seal().get().key());
        } catch (SealException e) {
            return false; // checked at intake; a stored task that does not parse goes to no one
        }
    }

    /** The most preferred node with room that fits the task and did not just fail it, or null. */
    private Node pick(TaskRecord t) {
        String lastTried = t.attempts() > 0 ? t.nodeId().orElse("") : "";
        for (Node n : withRoom) {
            if (fits(n.channel.address(), n.caps(), t) && !n.id().equals(lastTried)) {
                return n;
            }
        }
        return null;
    }

    /**
     * Writes a page's assignments in one step ({@link TaskStore#replaceEach}: one round trip on Redis), then tells
     * each node its tasks. A task another relayer took meanwhile gives its slot back.
     */
    private void assign(List<TaskRecord> from, List<TaskRecord> to, List<Node> on) {
        if (from.isEmpty()) {
            return;
        }
        List<Boolean> written;
        try {
            written = store.replaceEach(from, to);
        } catch (RuntimeException e) {
            for (Node n : on) {
                reserve(n, -1);
            }
            throw e;
        }
        long now = clock.millis();
        Set<Node> changed = new LinkedHashSet<>();
        for (int i = 0; i < from.size(); i++) {
            Node n = on.get(i);
            if (!written.get(i)) {
                reserve(n, -1);
                continue;
            }
            TaskRecord next = to.get(i);
            n.startedAt.put(next.id(), now);
            assignedAs.put(next.id(), next);
            armDeadline(next.id(), next.attempts(), next.deadlineMillis());
            changed.add(n);
            events.assigned(next);
            n.channel.send(assignment(from.get(i), next.deadlineMillis()));
        }
        for (Node n : changed) {
            saveNode(n, true);
        }
    }

    /**
     * The {@code task_assigned} message; for effort settlement it carries the pricing the completion will be
     * checked with: this relayer's base price and the escrow's on-chain multiplier (read at intake).
     */
    private Messages.TaskAssigned assignment(TaskRecord t, long deadline) {
        boolean effort = t.settlement() == SettlementMode.EFFORT;
        return new Messages.TaskAssigned(Messages.newId(), t.id(), t.escrowId(), t.job(), t.settlement(), t.escrowAmount(),
                deadline, effort ? Optional.of(effortBase) : Optional.empty(),
                effort ? Optional.of(t.tierMultiplier()) : Optional.empty());
    }

    private void armDeadline(String taskId, int attempt, long atMillis) {
        armDeadline(taskId, attempt, atMillis, 0);
    }

    private void armDeadline(String taskId, int attempt, long atMillis, int retry) {
        cancel(taskDeadlines.put(taskId, deadlines.at(Instant.ofEpochMilli(atMillis),
                () -> run(() -> onDeadline(taskId, attempt, retry)))));
    }

    /** A task's deadline; when a store step fails it is re-armed after a backoff, so the task is never stranded. */
    private void onDeadline(String taskId, int attempt, int retry) {
        taskDeadlines.remove(taskId);
        assignedAs.remove(taskId);
        if (closed.get()) {
            return;
        }
        try {
            deadlinePassed(taskId, attempt, retry);
        } catch (RuntimeException e) {
            long delay = retryDelay(retry);
            if (!taskDeadlines.containsKey(taskId)) {
                armDeadline(taskId, attempt, clock.millis() + delay, retry + 1);
            }
            throw new StepFailedException("task " + taskId + "'s deadline (retried in " + delay + " ms)", e);
        }
    }

    /** @param retry 0 for the deadline's own timer; more when a failed store step retried it (late by design) */
    private void deadlinePassed(String taskId, int attempt, int retry) {
        Optional<TaskRecord> found = store.task(taskId);
        if (found.isEmpty()) {
            return;
        }
        TaskRecord t = found.get();
        if ((t.status() != TaskStatus.ASSIGNED && t.status() != TaskStatus.RUNNING) || t.attempts() != attempt) {
            return;
        }
        String nodeId = t.nodeId().orElse("?");
        Node n = nodes.get(nodeId);
        long late = clock.millis() - t.deadlineMillis();
        if (retry == 0 && n != null && late > STALL_MILLIS && stallGraced.add(taskId)) {
            // the deadline came late because this relayer did not run: the node may have finished and be waiting to
            // report (it resends after reconnecting); it gets offline_after from now, once, before the task goes back
            stalled(late);
            armDeadline(taskId, attempt, clock.millis() + offlineAfter.toMillis());
            return;
        }
        stallGraced.remove(taskId);
        String why;
        if (n != null && clock.millis() >= t.deadlineMillis()) {
            free(n, taskId);
            n.channel.send(new Messages.TaskRevoked(Messages.newId(), taskId, "timed out"));
            why = "timed out on node " + nodeId;
        } else if (n == null) {
            why = "node " + nodeId + " is not connected";
        } else {
            // recovered task whose node came back: wait for its own deadline
            armDeadline(taskId, attempt, t.deadlineMillis());
            return;
        }
        retryOrFail(t, why);
        requestDispatch(); // coalesced: one page for the slots the queued steps free
    }

    /**
     * A node that reports a deadline passed while this relayer's clock gives the task more than a second: its clock runs
     * ahead. It is offered tasks last until it completes one, and the first such refusal is logged.
     */
    private void lateByItsClock(Node n, TaskRecord t, String reason) {
        long left = t.deadlineMillis() - clock.millis();
        if (!reason.contains("deadline") || left <= 1000) {
            return;
        }
        withRoom.remove(n);
        n.lateRefusals++;
        index(n);
        if (n.lateRefusals == 1) {
            LOG.warn("node {} refused task {} as late with {} ms left by this relayer's clock: its clock runs ahead"
                    + " (at login it was {} ms off); it is offered tasks last until it completes one", n.id(), t.id(), left,
                    n.channel.clockSkewMillis());
        }
    }

    private void free(Node n, String taskId) {
        if (n.startedAt.remove(taskId) != null) {
            withRoom.remove(n);
            n.running = Math.max(0, n.running - 1);
            index(n);
            saveNode(n, true);
        }
    }

    private void retryOrFail(TaskRecord t, String reason) {
        if (t.attempts() >= maxAttempts) {
            fail(t, "all " + t.attempts() + " attempts failed (last: " + reason + ")");
            return;
        }
        TaskRecord next = t.requeued(reason, clock.millis());
        if (store.replace(t, next)) {
            LOG.debug("task {} back in the queue: {}", t.id(), reason);
            events.requeued(next);
        }
    }

    private void fail(TaskRecord t, String reason) {
        TaskRecord next = t.failed(reason + "; cancel escrow " + t.escrowId() + " (cancel_task) for a full refund",
                clock.millis());
        if (store.replace(t, next)) {
            LOG.info("task {} failed: {}", t.id(), reason);
            events.failed(next);
        }
    }

    /** One line per stall (at most one each 10 s), not one per task. */
    private void stalled(long lateMillis) {
        long now = clock.millis();
        if (now - lastStallLogMillis >= 10_000) {
            lastStallLogMillis = now;
            LOG.warn("this relayer's timers ran {} ms late (the process was paused, swapped out or starved of CPU): nodes"
                    + " and their in-flight tasks get offline_after ({} s) from now to be heard before anything is taken"
                    + " back", lateMillis, offlineAfter.toSeconds());
        }
        if (stallGraced.size() > 100_000) {
            stallGraced.clear(); // bounded: a task left in it only skips its one extra wait
        }
    }

    private void armLiveness(Node n) {
        n.liveness = deadlines.at(Instant.ofEpochMilli(n.lastSeenMillis + offlineAfter.toMillis()),
                () -> run(() -> checkLiveness(n)));
    }

    private void checkLiveness(Node n) {
        if (closed.get() || nodes.get(n.id()) != n) {
            return;
        }
        long now = clock.millis();
        long late = now - (n.lastSeenMillis + offlineAfter.toMillis());
        if (late > STALL_MILLIS && !n.stallGraced) {
            // this relayer did not run when the check fell due (paused, swapped out, starved): the node's silence
            // may be its own; it gets offline_after from now, once, to be heard
            n.stallGraced = true;
            n.lastSeenMillis = now;
            stalled(late);
            armLiveness(n);
            return;
        }
        if (now - n.lastSeenMillis >= offlineAfter.toMillis()) {
            n.channel.close("no message for " + offlineAfter.toSeconds() + " s");
            nodeClosed(n.channel, "no message for " + offlineAfter.toSeconds() + " s");
        } else {
            armLiveness(n);
        }
    }

    // ---- reconciliation ----

    /**
     * The periodic backstop against anything an outage or a lost event left behind, on the serial executor:
     * reads at most {@value #RECONCILE_PAGE} ASSIGNED and as many RUNNING tasks (resuming where the last pass
     * stopped, so successive passes cover a long list) and arms a deadline, at the task's own, for each one
     * that has none here and whose node is connected here or is not online at another relayer; puts each
     * connected node's count of running tasks back in step with the tasks the store has on it; then matches
     * what is PENDING. A pass whose store reads fail does nothing; the next one tries again.
     */
    public void reconcile() {
        run(this::reconcileNow);
    }

    private void reconcileNow() {
        int armed = 0;
        for (TaskStatus s : List.of(TaskStatus.ASSIGNED, TaskStatus.RUNNING)) {
            long after = reconcileAfter.getOrDefault(s, 0L);
            List<TaskRecord> page = store.tasksByStatus(s, after, RECONCILE_PAGE);
            for (TaskRecord t : page) {
                after = t.seq();
                if (!taskDeadlines.containsKey(t.id()) && handledHere(t)) {
                    armDeadline(t.id(), t.attempts(), t.deadlineMillis());
                    armed++;
                }
            }
            reconcileAfter.put(s, page.size() < RECONCILE_PAGE ? 0L : after);
        }
        int fixed = 0;
        for (Node n : List.copyOf(nodes.values())) {
            fixed += restoreSlots(n);
        }
        if (armed > 0 || fixed > 0) {
            LOG.info("reconciliation: armed the deadlines of {} in-flight tasks that had none, corrected the slot count"
                    + " of {} nodes", armed, fixed);
        }
        dispatch();
    }

    /** A task this relayer should time out: its node is connected here, or is online at no other relayer. */
    private boolean handledHere(TaskRecord t) {
        String nodeId = t.nodeId().orElse("");
        if (nodes.containsKey(nodeId)) {
            return true;
        }
        Optional<NodeRecord> r = directory.node(nodeId);
        return r.isEmpty() || !r.get().online() || r.get().relayer().equals(relayerName);
    }

    /**
     * Puts a connected node's running count in step with the tasks the store has on it: counts those it has and
     * this loop does not, and gives back the slots of counted tasks it no longer has once they are older than
     * {@link #RELEASE_GRACE} (a release lost, not just queued). @return 1 when it changed.
     */
    private int restoreSlots(Node n) {
        Map<String, Long> onNode = new HashMap<>();
        long now = clock.millis();
        for (TaskRecord t : store.tasksOnNode(n.id())) {
            onNode.put(t.id(), n.startedAt.getOrDefault(t.id(), now));
            if (!taskDeadlines.containsKey(t.id())) {
                armDeadline(t.id(), t.attempts(), t.deadlineMillis());
            }
        }
        if (nodes.get(n.id()) != n) {
            return 0;
        }
        Map<String, Long> counted = new HashMap<>(onNode);
        n.startedAt.forEach((id, started) -> {
            if (!onNode.containsKey(id) && now - started < RELEASE_GRACE.toMillis()) {
                counted.put(id, started); // completed in the store, its release still on its way here
            }
        });
        if (counted.keySet().equals(n.startedAt.keySet()) && n.running == counted.size()) {
            return 0;
        }
        LOG.info("node {}: {} tasks counted as running, the store has {} on it; corrected", n.id(), n.running,
                onNode.size());
        withRoom.remove(n);
        n.startedAt.clear();
        n.startedAt.putAll(counted);
        n.running = counted.size();
        index(n);
        saveNode(n, true);
        return 1;
    }

    private void saveNode(Node n, boolean online) {
        directory.putNode(new NodeRecord(n.id(), n.channel.address(), n.caps(), relayerName, online, online ? n.running : 0,
                n.completed, n.lastSeenMillis, n.channel.clockSkewMillis(), n.lateRefusals));
    }

    private static void cancel(Deadlines.Handle h) {
        if (h != null) {
            h.cancel();
        }
    }

    /** @return the node ids connected here */
    public List<String> onlineNodeIds() {
        return new ArrayList<>(nodes.keySet());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("unsubscribe failed", e);
        }
        serial.execute(() -> {
            taskDeadlines.values().forEach(Scheduler::cancel);
            taskDeadlines.clear();
            assignedAs.clear();
            pendingLogins.clear();
            nodes.values().forEach(n -> cancel(n.liveness));
        });
        if (ownedLoop != null) {
            ownedLoop.close(); // the step in progress finishes before the caller closes the store under it
        }
    }

    /** Builds a {@link Scheduler}. */
    public static final class Builder {
        private TaskStore store;
        private NodeDirectory directory;
        private SignalBus signals;
        private Deadlines deadlines;
        private Executor executor;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration offlineAfter = DEFAULT_OFFLINE_AFTER;
        private Duration grace = DEFAULT_DEADLINE_GRACE;
        private TaskEvents events = TaskEvents.NONE;
        private String relayerName = "relayer";
        private TokenAmount effortBase = EffortPricing.BASE_PRICE;

        private Builder() {
        }

        /**
         * @param v the store: its tasks, the node directory, and the signals that say a task is PENDING
         * @param <S> a store with those roles (a {@code RelayerStore} has them all)
         * @return this
         */
        public <S extends TaskStore & NodeDirectory & SignalBus> Builder store(S v) {
            this.store = v;
            this.directory = v;
            this.signals = v;
            return this;
        }

        /** @param v deadlines and their clock @return this */
        public Builder deadlines(Deadlines v) {
            this.deadlines = v;
            return this;
        }

        /** @param v a serial executor to run on (default: a thread of its own) @return this */
        public Builder executor(Executor v) {
            this.executor = v;
            return this;
        }

        /** @param v assignments per task @return this */
        public Builder maxAttempts(int v) {
            this.maxAttempts = v;
            return this;
        }

        /** @param v silence after which a node is offline @return this */
        public Builder offlineAfter(Duration v) {
            this.offlineAfter = v;
            return this;
        }

        /** @param v added to a job's timeout @return this */
        public Builder deadlineGrace(Duration v) {
            this.grace = v;
            return this;
        }

        /** @param v told of each assignment, requeue and failure ({@link TaskEvents#NONE} unless set) @return this */
        public Builder events(TaskEvents v) {
            this.events = v;
            return this;
        }

        /**
         * @param v the effort base price ({@code price.effort_base}) that assignments of effort tasks carry,
         *     and completions are checked with; default {@link EffortPricing#BASE_PRICE}
         * @return this
         */
        public Builder effortBase(TokenAmount v) {
            this.effortBase = v;
            return this;
        }

        /** @param v this relayer's name @return this */
        public Builder relayerName(String v) {
            this.relayerName = v;
            return this;
        }

        /** @return the scheduler */
        public Scheduler build() {
            return new Scheduler(this);
        }
    }
}
