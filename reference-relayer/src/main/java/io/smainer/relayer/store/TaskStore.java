package io.smainer.relayer.store;

import io.smainer.Require;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tasks role of the {@link RelayerStore}: tasks with compare-and-set status transitions, the escrow
 * idempotency key, the byte budgets, retention and each task's webhook (which holds its finished task). Every
 * write is one atomic step, which a Redis implementation makes atomic with one Lua script:
 *
 * <ul>
 *   <li>{@link #create}: inserts a task and claims its escrow id in one step (the escrow's idempotency
 *       key: an escrow backs at most one task, ever).</li>
 *   <li>{@link #replace}: compare-and-set on {@link TaskRecord#version()}; the status indexes
 *       ({@link #tasksByStatus}, {@link #tasksOnNode}) change in the same step.</li>
 *   <li>{@link #addWebhook} / {@link #claimWebhook} / {@link #retryWebhook} / {@link #finishWebhook}: a
 *       task's pending webhook (attempt number, next attempt time), claimed per attempt with a lease, so a
 *       restarted relayer resumes the retries and two relayers never deliver the same attempt.</li>
 * </ul>
 *
 * <p>Signals: every write that stores a task in a new status ({@link #create}, and {@link #replace} or
 * {@link #replaceEach} when the status changes) tells the {@link SignalBus} of the same store, in the same
 * atomic step on Redis; callers never publish.
 *
 * <p>Retention ({@link Retention}): tasks that are not finished are kept whatever their age. A finished task
 * (SETTLED or FAILED) stays readable ({@link #task}, {@link #taskByEscrow}, {@link #tasksByStatus},
 * {@link #recentTasks}) at least {@link Retention#finishedFor()} after it finished, unless more than
 * {@link Retention#maxFinished()} finished tasks are held, when the oldest-finished are dropped first; a task
 * whose webhook is still pending is held until the webhook is delivered or given up. Afterwards the task is
 * gone from every index: {@link #task} answers empty. Dropping happens in the write path, at a cost of
 * O(log n) per task, and in {@link #pruneFinished()}, which the relayer calls on a timer so that an idle
 * relayer lets go of old tasks too. The escrow guard outlives the task: an escrow whose FAILED task was dropped
 * still refuses a new task ({@link Retired}) for the next {@link Retention#maxFinished()} dropped FAILED tasks;
 * a SETTLED task's escrow is no longer CREATED on chain, which the intake refuses anyway.
 *
 * <p>Byte budgets: the store counts {@link TaskRecord#heldBytes()} (payload, plus the result once completed) of
 * the tasks it holds, in two sums kept in the same atomic step as every write, so they never drift:
 * {@link #queuedBytes()} for the tasks not finished, which {@link #create(TaskRecord, long)} refuses to take past
 * a limit ({@link Busy}), and {@link #finishedBytes()} for the finished ones held, which
 * {@link Retention#maxFinishedBytes()} bounds by dropping the oldest-finished (as the count cap does). Finishing
 * moves a task's bytes from the first sum to the second; dropping it subtracts exactly what was added.
 */
public interface TaskStore {
    /**
     * What {@link #create} did: {@link Created}, or nothing stored: {@link Duplicate}, {@link Retired}, {@link Replayed},
     * {@link Busy} or {@link Full}.
     */
    sealed interface CreateResult {
    }

    /**
     * The task was stored.
     *
     * @param task the stored record, with its sequence number
     */
    record Created(TaskRecord task) implements CreateResult {
    }

    /**
     * The escrow already backs a task; nothing was stored.
     *
     * @param task the task the escrow backs
     */
    record Duplicate(TaskRecord task) implements CreateResult {
    }

    /**
     * The escrow backed a task that finished and is no longer kept ({@link Retention}); nothing was stored.
     *
     * @param taskId the task the escrow backed
     */
    record Retired(String taskId) implements CreateResult {
    }

    /**
     * The payload and result bytes of the tasks not finished would go over the limit with this task; nothing
     * was stored.
     *
     * @param queuedBytes {@link #queuedBytes()} when it was refused
     * @param taskBytes the task's {@link TaskRecord#heldBytes()}
     * @param limit the limit it was refused against
     */
    record Busy(long queuedBytes, long taskBytes, long limit) implements CreateResult {
    }

    /**
     * The tasks not finished are as many as the pending bound allows: PENDING tasks number {@code limit} or more;
     * nothing was stored.
     *
     * @param pending the PENDING tasks when it was refused
     * @param limit the bound it was refused against
     */
    record Full(long pending, long limit) implements CreateResult {
    }

    /**
     * The request's nonce was used before (and the escrow backs no task): nothing was stored.
     *
     * @param nonce the nonce
     */
    record Replayed(Felt nonce) implements CreateResult {
    }

    /**
     * What {@link #create(TaskRecord, Room, Optional)} checks a new task against, in the same atomic step as it
     * stores it.
     *
     * @param maxQueuedBytes the most payload and result bytes the tasks not finished may hold with this one
     * @param maxPending the most PENDING tasks: a task is refused ({@link Full}) while this many wait
     */
    record Room(long maxQueuedBytes, long maxPending) {
        /** No bound. */
        public static final Room UNBOUNDED = new Room(Long.MAX_VALUE, Long.MAX_VALUE);

        /** Validates every field. */
        public Room {
            Require.range("max_queued_bytes", maxQueuedBytes, 0, Long.MAX_VALUE);
            Require.range("max_pending", maxPending, 0, Long.MAX_VALUE);
        }
    }

    /**
     * A signed request's nonce, recorded by {@link #create(TaskRecord, Room, Optional)} in the step that stores the
     * task, and only then: a request refused for room or a duplicate leaves it unused.
     *
     * @param scope whose nonce (e.g. {@code request:0xabc...})
     * @param nonce the nonce
     * @param expiresAt after this the signed message is void anyway, and the nonce may be forgotten
     */
    record NonceUse(String scope, Felt nonce, Instant expiresAt) {
        /** Validates every field. */
        public NonceUse {
            Require.text("scope", scope, 256);
            Require.present("nonce", nonce);
            Require.present("expires_at", expiresAt);
        }
    }

    /**
     * Stores a new PENDING task with no bound: {@link #create(TaskRecord, Room, Optional)} with {@link Room#UNBOUNDED}
     * and no nonce.
     *
     * @param task a record at version 0
     * @return what happened ({@link Created}, {@link Duplicate} or {@link Retired})
     */
    default CreateResult create(TaskRecord task) {
        return create(task, Room.UNBOUNDED, Optional.empty());
    }

    /**
     * {@link #create(TaskRecord, Room, Optional)} with a byte bound only and no nonce.
     *
     * @param task a record at version 0
     * @param maxQueuedBytes the most payload and result bytes the tasks not finished may hold with this one
     * @return what happened
     */
    default CreateResult create(TaskRecord task, long maxQueuedBytes) {
        return create(task, new Room(maxQueuedBytes, Long.MAX_VALUE), Optional.empty());
    }

    /**
     * Stores a new PENDING task unless, checked in this order: its escrow already backs a task ({@link Duplicate}) or
     * backed one that is no longer kept ({@link Retired}); the nonce was used before ({@link Replayed});
     * {@link #queuedBytes()} plus the task's {@link TaskRecord#heldBytes()} would exceed {@code room}'s bytes
     * ({@link Busy}); {@code room.maxPending()} tasks or more are PENDING ({@link Full}). Then records the nonce,
     * assigns the sequence number that orders {@link #tasksByStatus}, stores the task and signals PENDING. The checks
     * and the writes are one atomic step (one script on Redis: one round trip), also across relayers sharing a store.
     *
     * @param task a record at version 0
     * @param room the bounds
     * @param nonce the signed request's nonce to record with the task, if any
     * @return what happened
     */
    CreateResult create(TaskRecord task, Room room, Optional<NonceUse> nonce);

    /**
     * What the intake reads about a request before it checks its signature, in one step (one round trip on Redis):
     * enough to refuse a request for room before spending CPU on it.
     *
     * @param queuedBytes {@link #queuedBytes()}
     * @param pending the PENDING tasks
     * @param existing the task the escrow backs, if any
     */
    record Admission(long queuedBytes, long pending, Optional<TaskRecord> existing) {
    }

    /**
     * @param escrowId the request's escrow
     * @return the store's room and the escrow's task, read together
     */
    Admission admission(U256 escrowId);

    /**
     * @return the {@link TaskRecord#heldBytes()} summed over the tasks not finished (PENDING, ASSIGNED, RUNNING,
     *     COMPLETED): their payloads, and the results of the COMPLETED ones
     */
    long queuedBytes();

    /**
     * @return the {@link TaskRecord#heldBytes()} summed over the finished tasks held (those a pending webhook
     *     holds included); with Redis, tasks whose key expired count until the next finishing write drops them
     */
    long finishedBytes();

    /**
     * Drops now what the writes would drop: finished tasks past {@link Retention#finishedFor()}, beyond
     * {@link Retention#maxFinished()} or beyond {@link Retention#maxFinishedBytes()}, oldest-finished first, under
     * the same rules (a task whose webhook is pending is held). Every finishing write does this for a bounded batch;
     * this call drains everything that is due, in bounded batches, so a relayer that stops taking tasks still lets
     * go of old payloads and results within one period of its timer.
     */
    void pruneFinished();

    /**
     * @param id a task id
     * @return the task; empty when unknown or no longer kept ({@link Retention})
     */
    Optional<TaskRecord> task(String id);

    /**
     * @param escrowId an escrow id
     * @return the task it backs; empty also when that task is no longer kept ({@link #create} still refuses
     *     the escrow then, with {@link Retired})
     */
    Optional<TaskRecord> taskByEscrow(U256 escrowId);

    /**
     * Compare-and-set: stores {@code next} only if the stored version of the task is still
     * {@code current.version()}. {@code next.version()} must be {@code current.version() + 1}.
     *
     * @param current the version read
     * @param next the version to write
     * @return true when written; false when the task changed meanwhile (re-read and decide again)
     * @throws IllegalArgumentException when {@code next} is not {@code current}'s next version
     */
    boolean replace(TaskRecord current, TaskRecord next);

    /**
     * {@link #replace} without waiting for the outcome, for a write whose loss changes nothing its caller would do
     * (the scheduler's ASSIGNED to RUNNING: a task that moved on meanwhile stays as it is). The Redis store sends it
     * and returns; its later commands on the same connection see it. A failure is logged, not thrown.
     *
     * @param current the version read
     * @param next the version to write
     */
    default void replaceUnawaited(TaskRecord current, TaskRecord next) {
        replace(current, next);
    }

    /**
     * {@link #task} for several ids; the Redis store sends the reads together and waits once.
     *
     * @param ids task ids
     * @return for each id, in order, its task or empty
     */
    default List<Optional<TaskRecord>> tasks(List<String> ids) {
        List<Optional<TaskRecord>> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            out.add(task(id));
        }
        return out;
    }

    /**
     * {@link #replace} for several tasks, each on its own: some may succeed and others not, exactly as the same
     * calls one after another would; the Redis store sends them together and waits once.
     *
     * @param current each task as read
     * @param next each one's next version, in the same order
     * @return for each pair, in order, true when it was replaced
     */
    default List<Boolean> replaceEach(List<TaskRecord> current, List<TaskRecord> next) {
        StoreChecks.pairs(current, next);
        List<Boolean> out = new ArrayList<>(current.size());
        for (int i = 0; i < current.size(); i++) {
            out.add(replace(current.get(i), next.get(i)));
        }
        return out;
    }

    /**
     * @param status a status
     * @param afterSeq only tasks with a larger sequence number (0 for all): pages through a long queue
     * @param max the most to return
     * @return tasks in that status, oldest first (by sequence)
     */
    List<TaskRecord> tasksByStatus(TaskStatus status, long afterSeq, int max);

    /**
     * @param nodeId a node
     * @return its ASSIGNED and RUNNING tasks
     */
    List<TaskRecord> tasksOnNode(String nodeId);

    /**
     * @param max the most to return
     * @return the newest tasks, newest first
     */
    List<TaskRecord> recentTasks(int max);

    /**
     * How many tasks are in each status. For the statuses a task can still leave (PENDING to COMPLETED) these are
     * the tasks held now; for the final ones (SETTLED, FAILED) every task that ever reached it, including those
     * no longer kept ({@link Retention}), so the counts add up to every task ever created and a client waiting
     * for N settlements sees them all.
     *
     * @return the counts, every status present, zero included
     */
    Map<TaskStatus, Long> countByStatus();

    /**
     * Schedules the first attempt at a task's webhook, once: a task that already has one (pending,
     * delivered or given up) gets no second.
     *
     * @param taskId the task
     * @param dueAt when the first attempt may start
     * @return true when scheduled now, false when the task already had a webhook
     */
    boolean addWebhook(String taskId, Instant dueAt);

    /**
     * @param max the most to return
     * @return tasks whose webhook is due by the store's clock (scheduled and due, or claimed by a relayer
     *     whose lease ran out), soonest first; {@link #claimWebhook} decides who takes each
     */
    List<String> dueWebhooks(int max);

    /**
     * Claims the due attempt at a task's webhook for {@code owner}, atomically: nobody else holds it, and
     * it is due. A claim whose holder's lease ran out (it died mid-delivery) counts as a failed attempt: the
     * next claim gets the next attempt number, so no attempt number is ever delivered twice.
     *
     * @param taskId the task
     * @param owner who claims (a relayer's name)
     * @param lease how long the claim holds: longer than one delivery may take
     * @return the claimed attempt; empty when it is not due, held by another, finished or unknown
     */
    Optional<WebhookDelivery> claimWebhook(String taskId, String owner, Duration lease);

    /**
     * The claimed attempt failed: the next one is due at {@code dueAt} and free for anyone to claim.
     *
     * @param claimed what {@link #claimWebhook} returned
     * @param dueAt when the next attempt may start
     * @return false when the claim was no longer held (its lease ran out and another relayer took it)
     */
    boolean retryWebhook(WebhookDelivery claimed, Instant dueAt);

    /**
     * The claimed attempt was delivered, or was the last: the webhook is done and never delivered again.
     *
     * @param claimed what {@link #claimWebhook} returned
     * @return false when the claim was no longer held
     */
    boolean finishWebhook(WebhookDelivery claimed);

    /**
     * @param taskId a task
     * @return its webhook's state, for operators and tests
     */
    Optional<WebhookState> webhook(String taskId);

    /**
     * A task's webhook as stored.
     *
     * @param attempt the attempt due next, or being delivered, or the last one made once finished
     * @param dueAtMillis when the next attempt may start (epoch millis), or when a claim's lease ends
     * @param owner the relayer holding a claim; empty when none does
     * @param finished true once delivered or given up
     */
    record WebhookState(int attempt, long dueAtMillis, Optional<String> owner, boolean finished) {
    }
}
