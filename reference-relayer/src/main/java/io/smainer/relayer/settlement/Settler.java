package io.smainer.relayer.settlement;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.Felt;
import io.smainer.concurrent.Loop;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.escrow.Settlement;
import io.smainer.escrow.TxResult;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.scheduling.Deadlines;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.GuardedStore;
import io.smainer.relayer.store.Leases;
import io.smainer.relayer.store.SignalBus;
import io.smainer.relayer.store.TaskEvents;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.store.TaskStore;
import io.smainer.relayer.store.TaskUpdates;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles COMPLETED tasks in batches, one {@link Escrow#settleBatch} (one multicall) per batch; a batch
 * closes when it holds {@code batchSize} tasks or its oldest task waited {@code maxDelay}. A task is
 * SETTLED only once the transaction is accepted; only then is its result released.
 *
 * <p>Never pays twice: each task is marked {@code settling} before its batch is sent, and a task so
 * marked (after a restart or a chain error whose outcome is unknown) is looked up on chain before it
 * is sent again. A batch that reverts is split: tasks the chain shows paid ({@link EscrowStatus#paid}:
 * COMPLETED after a flat settlement, SETTLED after an effort one) are marked SETTLED, CANCELLED ones fail, and the rest are retried in halves until the bad settlement is alone; it fails with the
 * contract's reason, and the demander is told to cancel for a refund.
 *
 * <p>Runs on one thread of its own. Among relayers sharing a store, only the holder of the
 * {@value #LEASE} lease settles. Every settler tries to take or renew the lease every third of its time
 * to live; the one that becomes leader queues every COMPLETED task in the store, so when a leader dies
 * the next one settles what it left within about one time to live.
 */
public final class Settler implements AutoCloseable {
    /** The most settlements in one transaction. */
    public static final int DEFAULT_BATCH_SIZE = 50;
    /** The longest a completed task waits for its batch. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(2);
    /** The store lease that elects the settling relayer. */
    public static final String LEASE = "settlement-leader";
    /** How long the leader's lease holds without renewal, unless set. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Settler.class);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);

    private final Escrow escrow;
    private final TaskStore store;
    private final Leases leases;
    private final Clock clock;
    private final int batchSize;
    private final Duration maxDelay;
    private final String owner;
    private final TaskEvents events;
    private final Executor serial;
    private final Loop ownedLoop;
    private final Deadlines deadlines;
    private Deadlines.Handle leaseTimer;
    private final Object lock = new Object();
    private final Set<String> queue = new LinkedHashSet<>();
    private final AutoCloseable subscription;
    private Deadlines.Handle timer;
    private boolean flushQueued;
    private Duration retryDelay = Duration.ofMillis(250);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Duration leaseTtl;
    /** True when leadership was lost because the store could not be reached (not to another relayer). */
    private volatile boolean pausedByOutage;
    private volatile boolean leader;
    private final LongAdder batches = new LongAdder();
    private final LongAdder reverts = new LongAdder();
    private final LongAdder settled = new LongAdder();

    private Settler(Builder b) {
        this.escrow = Require.present("escrow", b.escrow);
        this.store = Require.present("store", b.store);
        this.clock = Require.present("clock", b.clock);
        this.batchSize = (int) Require.range("batch_size", b.batchSize, 1, 10_000);
        this.maxDelay = Require.present("max_delay", b.maxDelay);
        this.owner = Require.text("owner", b.owner, 64);
        this.leases = b.leases;
        this.events = Require.present("events", b.events);
        this.leaseTtl = Require.present("lease_ttl", b.leaseTtl);
        if (leaseTtl.toMillis() < 3) {
            throw new InvalidFieldException("lease_ttl", "at least 3 ms", leaseTtl.toMillis() + " ms");
        }
        // everything checked: only now start a thread and take signals (a refused setting leaves nothing live)
        if (b.executor == null) {
            this.ownedLoop = Loop.named("settler");
            this.serial = ownedLoop;
            this.deadlines = b.deadlines != null ? b.deadlines : Deadlines.on(ownedLoop, clock);
        } else {
            this.ownedLoop = null;
            this.serial = b.executor;
            this.deadlines = Require.present("deadlines", b.deadlines);
        }
        this.subscription = b.signals.subscribe(s -> {
            if (s.status() == TaskStatus.COMPLETED) {
                enqueue(s.taskId());
            }
        });
        renewLeaseLater();
    }

    private void renewLeaseLater() {
        Duration period = leaseTtl.dividedBy(3);
        leaseTimer = deadlines.at(deadlines.clock().instant().plus(period), () -> run(() -> {
            if (lead() == Lead.KEPT) { // a new leader has just looked
                try {
                    recover(); // a COMPLETED signal lost (the store's pub/sub down across a restart) waits one period
                } catch (RuntimeException e) { // the next period tries again; the lease is renewed whatever happens
                    LOG.debug("could not look for COMPLETED tasks: {}", e.toString());
                }
            }
            if (!closed.get()) {
                renewLeaseLater();
            }
        }));
    }

    private void run(Runnable step) {
        if (closed.get()) {
            return;
        }
        try {
            serial.execute(step);
        } catch (RejectedExecutionException e) {
            LOG.debug("settler closed; step dropped");
        }
    }

    /** What {@link #lead()} found. */
    private enum Lead {
        /** Another relayer holds the lease, or the store cannot be reached, or the settler is closed. */
        NONE,
        /** This settler has just become leader and queued every COMPLETED task. */
        NEW,
        /** This settler was leader and still is. */
        KEPT
    }

    /**
     * Takes or renews the settlement lease. On becoming leader, queues every COMPLETED task (what a dead
     * leader left); the renewal timer does so again each period while it stays leader. Runs on the settler's thread.
     *
     * @return whether this settler leads now, and since when
     */
    private Lead lead() {
        if (closed.get()) {
            return Lead.NONE;
        }
        boolean now;
        boolean unreachable = false;
        try {
            now = leases.acquireLease(LEASE, owner, leaseTtl);
        } catch (RuntimeException e) {
            unreachable = GuardedStore.isOutage(e);
            if (unreachable) { // the outage itself is logged once, by GuardedStore
                LOG.debug("cannot reach the store to renew the settlement lease: {}", e.toString());
            } else {
                LOG.warn("cannot renew the settlement lease: {}", e.toString());
            }
            now = false;
        }
        boolean was = leader;
        leader = now;
        if (now && !was) {
            if (pausedByOutage) {
                LOG.info("{} is the settlement leader again: the store answers, settling resumes", owner);
            } else {
                LOG.info("{} is the settlement leader", owner);
            }
            pausedByOutage = false;
            recover();
            return Lead.NEW;
        } else if (!now && was) {
            pausedByOutage = unreachable;
            if (unreachable) { // not another relayer taking over: no one can settle until the store answers
                LOG.info("{} pauses settling: its lease cannot be renewed while the store is unavailable", owner);
            } else {
                LOG.info("{} is no longer the settlement leader (another relayer holds the lease)", owner);
            }
        }
        return now ? Lead.KEPT : Lead.NONE;
    }

    /** @return true when this settler held the settlement lease at its last try */
    public boolean isLeader() {
        return leader;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Queues a COMPLETED task for the next batch. Idempotent.
     *
     * @param taskId the task
     */
    public void enqueue(String taskId) {
        if (closed.get()) {
            return;
        }
        synchronized (lock) {
            if (!queue.add(taskId)) {
                return;
            }
            if (queue.size() >= batchSize) {
                flushSoon();
            } else if (timer == null && !flushQueued) {
                timer = deadlines.at(deadlines.clock().instant().plus(maxDelay), () -> run(this::flush));
            }
        }
    }

    private void flushSoon() {
        if (!flushQueued) {
            flushQueued = true;
            run(this::flush);
        }
    }

    /** Queues every COMPLETED task in the store (after a restart, or on becoming the leader). */
    public void recover() {
        long after = 0;
        List<TaskRecord> page;
        do {
            page = store.tasksByStatus(TaskStatus.COMPLETED, after, 500);
            for (TaskRecord t : page) {
                after = t.seq();
                enqueue(t.id());
            }
        } while (page.size() == 500);
    }

    /** @return batches sent */
    public long batchesSent() {
        return batches.sum();
    }

    /** @return batches the contract reverted */
    public long batchesReverted() {
        return reverts.sum();
    }

    /** @return tasks settled */
    public long tasksSettled() {
        return settled.sum();
    }

    private void flush() {
        List<String> ids;
        synchronized (lock) {
            flushQueued = false;
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
            ids = new ArrayList<>(queue);
            queue.clear();
        }
        if (closed.get() || ids.isEmpty()) {
            return;
        }
        if (lead() == Lead.NONE) {
            LOG.debug("not the settlement leader; {} tasks left to the leader", ids.size());
            return;
        }
        for (int i = 0; i < ids.size(); i += batchSize) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + batchSize));
            try {
                settleIds(chunk);
            } catch (RuntimeException e) {
                LOG.warn("settlement of {} tasks failed, retrying in {} ms: {}", chunk.size(), retryDelay.toMillis(),
                        e.toString());
                retryLater(chunk);
            }
        }
    }

    private void retryLater(List<String> ids) {
        List<String> copy = List.copyOf(ids);
        Duration delay = retryDelay;
        retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : retryDelay.multipliedBy(2);
        deadlines.at(deadlines.clock().instant().plus(delay), () -> copy.forEach(this::enqueue));
    }

    private void settleIds(List<String> ids) {
        List<TaskRecord> toSend = new ArrayList<>();
        List<TaskRecord> unmarked = new ArrayList<>();
        List<TaskRecord> marked = new ArrayList<>();
        for (Optional<TaskRecord> found : store.tasks(ids)) { // one round trip on Redis
            if (found.isEmpty() || found.get().status() != TaskStatus.COMPLETED) {
                continue;
            }
            TaskRecord t = found.get();
            if (t.settling()) {
                // it was sent before and the outcome is unknown: the chain decides
                EscrowStatus onChain = chainStatus(t);
                if (onChain.paid()) {
                    markSettled(t, Optional.empty());
                    continue;
                }
                if (onChain != EscrowStatus.CREATED) {
                    markFailed(t, "the escrow is " + onChain + " on chain and can no longer be settled");
                    continue;
                }
                toSend.add(t);
            } else {
                unmarked.add(t);
                marked.add(t.settlingSent(clock.millis()));
            }
        }
        // the marks are written before the transaction is sent, so a restart knows to ask the chain first
        List<Boolean> done = store.replaceEach(unmarked, marked); // one round trip on Redis
        for (int i = 0; i < done.size(); i++) {
            if (done.get(i)) {
                toSend.add(marked.get(i));
            }
        }
        if (!toSend.isEmpty()) {
            send(toSend);
        }
    }

    private void send(List<TaskRecord> batch) {
        List<Settlement> calls = new ArrayList<>(batch.size());
        for (TaskRecord t : batch) {
            calls.add(settlementOf(t));
        }
        TxResult tx;
        try {
            tx = escrow.settleBatch(calls);
        } catch (EscrowRevertedException e) {
            reverts.increment();
            LOG.warn("settlement batch of {} reverted: {}", batch.size(), e.reason());
            isolate(batch, e.reason());
            return;
        }
        batches.increment();
        retryDelay = Duration.ofMillis(250);
        Optional<Felt> hash = Optional.of(tx.hash());
        List<TaskRecord> next = new ArrayList<>(batch.size());
        for (TaskRecord t : batch) {
            next.add(t.settled(hash, clock.millis()));
        }
        List<Boolean> done = store.replaceEach(batch, next); // one round trip on Redis
        for (int i = 0; i < batch.size(); i++) {
            if (done.get(i)) {
                settledNow(next.get(i));
            } else {
                markSettled(batch.get(i), hash); // changed meanwhile: read it again
            }
        }
        LOG.debug("settled {} tasks in {}", batch.size(), tx.hash());
    }

    /** Finds the settlement(s) that made a batch revert; settles the rest. */
    private void isolate(List<TaskRecord> batch, String reason) {
        List<TaskRecord> still = new ArrayList<>();
        for (TaskRecord t : batch) {
            EscrowStatus onChain = chainStatus(t);
            if (onChain.paid()) {
                markSettled(t, Optional.empty());
            } else if (onChain != EscrowStatus.CREATED) {
                markFailed(t, "the escrow is " + onChain + " on chain and can no longer be settled");
            } else {
                still.add(t);
            }
        }
        if (still.isEmpty()) {
            return;
        }
        if (still.size() < batch.size()) {
            send(still);
        } else if (still.size() == 1) {
            markFailed(still.get(0), "settlement reverted: " + reason);
        } else {
            int half = still.size() / 2;
            send(new ArrayList<>(still.subList(0, half)));
            send(new ArrayList<>(still.subList(half, still.size())));
        }
    }

    private EscrowStatus chainStatus(TaskRecord t) {
        return escrow.getTask(t.escrowId()).map(EscrowTask::status).orElse(EscrowStatus.CANCELLED);
    }

    /**
     * @param t a COMPLETED task
     * @return the settlement call for it
     */
    public static Settlement settlementOf(TaskRecord t) {
        Completion c = t.completion().orElseThrow();
        if (t.settlement() == SettlementMode.FLAT) {
            return new Settlement.Flat(t.escrowId(), c.provider(), c.resultHash(), c.signature());
        }
        return new Settlement.Effort(t.escrowId(), c.provider(), c.resultHash(), c.actualCost().orElseThrow(),
                c.effortScore().orElseThrow(), c.signature());
    }

    private void settledNow(TaskRecord t) {
        settled.increment();
        events.settled(t);
    }

    private void markSettled(TaskRecord read, Optional<Felt> tx) {
        TaskUpdates.retry(store, read, t -> t.status() != TaskStatus.COMPLETED ? Optional.empty()
                : Optional.of(t.settled(tx, clock.millis()))).ifPresent(this::settledNow);
    }

    private void markFailed(TaskRecord read, String why) {
        TaskUpdates.retry(store, read, t -> t.status() != TaskStatus.COMPLETED ? Optional.empty()
                : Optional.of(t.failed(why + "; cancel escrow " + t.escrowId() + " (cancel_task) for a full refund",
                        clock.millis()))).ifPresent(next -> {
                            LOG.warn("task {} could not be settled: {}", next.id(), why);
                            events.failed(next);
                        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (leaseTimer != null) {
            leaseTimer.cancel();
        }
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("unsubscribe failed", e);
        }
        if (ownedLoop != null) {
            ownedLoop.close(Duration.ofSeconds(10)); // the batch in progress finishes before the store closes
        }
        leases.releaseLease(LEASE, owner);
    }

    /** Builds a {@link Settler}. */
    public static final class Builder {
        private Escrow escrow;
        private TaskStore store;
        private Leases leases;
        private SignalBus signals;
        private Clock clock = Clock.systemUTC();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private String owner = "relayer";
        private TaskEvents events = TaskEvents.NONE;
        private Duration leaseTtl = DEFAULT_LEASE_TTL;
        private Deadlines deadlines;
        private Executor executor;

        private Builder() {
        }

        /**
         * @param v the deadlines the batch delay, the lease renewal and retries wait on (default: on the
         *     settler's own thread, by {@link #clock(Clock)}); required with {@link #executor(Executor)}
         * @return this
         */
        public Builder deadlines(Deadlines v) {
            this.deadlines = v;
            return this;
        }

        /** @param v a serial executor to settle on (default: a thread of its own) @return this */
        public Builder executor(Executor v) {
            this.executor = v;
            return this;
        }

        /**
         * @param v how long the settlement lease holds without renewal: longer than the slowest settlement
         *     transaction, short enough that a dead leader is replaced soon
         * @return this
         */
        public Builder leaseTtl(Duration v) {
            this.leaseTtl = v;
            return this;
        }

        /** @param v the escrow, as the relayer account @return this */
        public Builder escrow(Escrow v) {
            this.escrow = v;
            return this;
        }

        /**
         * @param v the store: its tasks, the settlement leader's lease, and the signals that say a task is COMPLETED
         * @param <S> a store with those roles (a {@code RelayerStore} has them all)
         * @return this
         */
        public <S extends TaskStore & Leases & SignalBus> Builder store(S v) {
            this.store = v;
            this.leases = v;
            this.signals = v;
            return this;
        }

        /** @param v time @return this */
        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        /** @param v settlements per transaction @return this */
        public Builder batchSize(int v) {
            this.batchSize = v;
            return this;
        }

        /** @param v the longest wait for a batch @return this */
        public Builder maxDelay(Duration v) {
            this.maxDelay = v;
            return this;
        }

        /** @param v this relayer's name, the lease owner @return this */
        public Builder owner(String v) {
            this.owner = v;
            return this;
        }

        /**
         * @param v told when a task is SETTLED and when a completed task cannot be settled (FAILED);
         *     {@link TaskEvents#NONE} unless set
         * @return this
         */
        public Builder events(TaskEvents v) {
            this.events = v;
            return this;
        }

        /** @return the settler */
        public Settler build() {
            return new Settler(this);
        }
    }
}
