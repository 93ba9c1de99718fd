package io.smainer.relayer.settlement;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.fee.EffortPricing;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.scheduling.Scheduler;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.TaskEvents;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.store.TaskStore;
import io.smainer.relayer.store.TaskUpdates;
import io.smainer.seal.SealedJobs;
import java.time.Clock;
import java.util.Optional;

/**
 * Records a provider's {@code task_completed}: the result hash is recomputed, the kind's result checker
 * runs, an effort cost must be what the relayer's pricing gives for the reported metrics, and the
 * receipt (h1, or h2 over the cost) must verify against the key the provider registered on-chain. Then
 * the task is stored COMPLETED (compare-and-set: a replay records nothing twice), the node's slot is
 * freed and a COMPLETED signal hands the task to the settler. A sealed task's result is sealed to its demander, so
 * only its hash and receipt are checked here: no result checker and no audit runs on it (its demander's client checks
 * it once opened). Thread-safe.
 */
public final class CompletionHandler {
    /** What {@link #complete} did. */
    public enum Outcome {
        /** Checked and stored COMPLETED now. */
        RECORDED,
        /** Already recorded with this result: a replay, acknowledged again, nothing paid twice. */
        DUPLICATE
    }

    private final TaskStore store;
    private final StarkCrypto crypto;
    private final Escrow escrow;
    private final ResultCheckers checkers;
    private final TokenAmount effortBase;
    private final Scheduler scheduler;
    private final Clock clock;
    private final ResultAudit audit;
    private final TaskEvents events;

    /**
     * @param store the store
     * @param crypto signature checks
     * @param escrow to re-read a provider's on-chain key when a receipt does not verify with the cached one
     * @param checkers result checkers by kind
     * @param effortBase the base price of effort pricing
     * @param scheduler told when a node's slot frees or its result fails
     * @param clock time
     */
    public CompletionHandler(TaskStore store, StarkCrypto crypto, Escrow escrow, ResultCheckers checkers,
            TokenAmount effortBase, Scheduler scheduler, Clock clock) {
        this(store, crypto, escrow, checkers, effortBase, scheduler, clock, ResultAudit.NONE, TaskEvents.NONE);
    }

    /**
     * @param store the store
     * @param crypto signature checks
     * @param escrow to re-read a provider's on-chain key when a receipt does not verify with the cached one
     * @param checkers result checkers by kind
     * @param effortBase the base price of effort pricing
     * @param scheduler told when a node's slot frees or its result fails
     * @param clock time
     * @param audit told of signed results: wrong ones, and the ones that passed (it may re-check them)
     * @param events told of each completion recorded
     */
    public CompletionHandler(TaskStore store, StarkCrypto crypto, Escrow escrow, ResultCheckers checkers,
            TokenAmount effortBase, Scheduler scheduler, Clock clock, ResultAudit audit, TaskEvents events) {
        this.audit = Require.present("audit", audit);
        this.events = Require.present("events", events);
        this.store = Require.present("store", store);
        this.crypto = Require.present("crypto", crypto);
        this.escrow = Require.present("escrow", escrow);
        this.checkers = Require.present("checkers", checkers);
        this.effortBase = Require.present("effort_base", effortBase);
        this.scheduler = Require.present("scheduler", scheduler);
        this.clock = Require.present("clock", clock);
    }

    /**
     * @param nodeId the node that sent it
     * @param provider the node's account (logged in, checked on-chain)
     * @param providerKey the key registered on-chain for it, read at login
     * @param msg the completion
     * @return what happened
     * @throws ReceiptRejectedException when it does not check out (the attempt counts as failed)
     * @throws TaskNotAssignedException when the task is not this node's to complete
     */
    public Outcome complete(String nodeId, ContractAddress provider, Felt providerKey, Messages.TaskCompleted msg) {
        TaskRecord[] from = new TaskRecord[1];
        Optional<TaskRecord> written = TaskUpdates.retry(store, read(msg.taskId()), t -> {
            if (duplicate(t, provider, msg)) {
                return Optional.empty();
            }
            boolean mine = t.nodeId().equals(Optional.of(nodeId)) && (t.status() == TaskStatus.ASSIGNED
                    || t.status() == TaskStatus.RUNNING || t.status() == TaskStatus.PENDING);
            if (!mine) {
                throw new TaskNotAssignedException(t.id(), "task_id: expected a task assigned to node " + nodeId + ", got "
                        + t.id() + " (" + t.status() + ")");
            }
            Completion done;
            try {
                done = verify(t, provider, providerKey, msg);
            } catch (ReceiptRejectedException e) {
                if (t.status() != TaskStatus.PENDING) {
                    scheduler.failed(nodeId, t.id(), "its result was refused: " + e.getMessage(), true);
                }
                throw e;
            }
            from[0] = t;
            return Optional.of(t.completed(done, clock.millis()));
        });
        if (written.isEmpty()) {
            if (!duplicate(read(msg.taskId()), provider, msg)) {
                throw new IllegalStateException("task " + msg.taskId() + " changed while its completion was recorded");
            }
            return Outcome.DUPLICATE;
        }
        if (from[0].status() != TaskStatus.PENDING) {
            scheduler.released(nodeId, from[0].id());
        }
        events.completed(written.get()); // the store signalled COMPLETED: the settling relayer queues it
        return Outcome.RECORDED;
    }

    private TaskRecord read(String taskId) {
        return store.task(taskId).orElseThrow(() -> new TaskNotAssignedException(taskId,
                "task_id: expected a task of this relayer, got " + taskId));
    }

    /** True for a task this provider already completed with this result; throws if another node did. */
    private static boolean duplicate(TaskRecord t, ContractAddress provider, Messages.TaskCompleted msg) {
        if (t.status() != TaskStatus.COMPLETED && t.status() != TaskStatus.SETTLED) {
            return false;
        }
        Completion c = t.completion().orElseThrow();
        if (c.provider().equals(provider) && c.resultHash().equals(msg.resultHash())) {
            return true;
        }
        throw new TaskNotAssignedException(t.id(), "task_id: " + t.id() + " was completed by another node");
    }

    /**
     * Checks a completion against a task without storing anything.
     *
     * @param t the task
     * @param provider the provider
     * @param providerKey its on-chain key
     * @param msg the completion
     * @return the completion to store
     * @throws ReceiptRejectedException when it does not check out
     */
    public Completion verify(TaskRecord t, ContractAddress provider, Felt providerKey, Messages.TaskCompleted msg) {
        Felt computed = Receipts.resultHash(msg.result());
        if (!computed.equals(msg.resultHash())) {
            throw new ReceiptRejectedException("result_hash", "result_hash: expected " + computed.hex()
                    + " (SHA-256 of the result mod P), got " + msg.resultHash().hex());
        }
        boolean sealed = SealedJobs.isSealed(t.job()); // the result is ciphertext: only its demander can check it
        try {
            if (!sealed) {
                checkers.forKind(t.job().kind()).ifPresent(c -> c.check(t.job(), msg.result()));
            }
        } catch (ReceiptRejectedException wrong) {
            signedReceipt(t, provider, providerKey, msg).ifPresent(h -> audit.signedWrongResult(t, provider, msg, h,
                    wrong.getMessage()));
            throw wrong;
        }
        Optional<TokenAmount> cost = Optional.empty();
        Optional<Integer> score = Optional.empty();
        if (t.settlement() == SettlementMode.FLAT) {
            if (msg.actualCost().isPresent()) {
                throw new ReceiptRejectedException("actual_cost", "actual_cost: expected none for flat settlement, got "
                        + msg.actualCost().get());
            }
        } else {
            EffortMetrics metrics = msg.effort().orElseThrow(() -> new ReceiptRejectedException("effort",
                    "effort: expected the run's metrics for effort settlement, got nothing"));
            int s;
            TokenAmount expected;
            try {
                s = metrics.effortScore();
                expected = EffortPricing.actualCost(effortBase, t.tierMultiplier(), s, t.escrowAmount());
            } catch (InvalidFieldException e) {
                throw new ReceiptRejectedException(e.field(), e.getMessage());
            }
            TokenAmount sent = msg.actualCost().orElseThrow(() -> new ReceiptRejectedException("actual_cost",
                    "actual_cost: expected " + expected + " for effort settlement, got nothing"));
            if (!sent.equals(expected)) {
                throw new ReceiptRejectedException("actual_cost", "actual_cost: expected " + expected
                        + " (effort score " + s + " at base " + effortBase + "), got " + sent);
            }
            cost = Optional.of(sent);
            score = Optional.of(s);
        }
        Felt hash = Receipts.receiptHash(crypto, t.escrowId(), provider, msg.resultHash(), cost);
        if (!signedBy(provider, providerKey, hash, msg)) {
            throw new ReceiptRejectedException("signature", "signature: expected a receipt signed with the key registered"
                    + " on-chain for " + provider.hex() + ", got one that does not verify");
        }
        if (!sealed) {
            audit.passed(t, provider, msg, hash);
        }
        return new Completion(provider, msg.result(), msg.resultHash(), msg.signature(), cost, score, clock.millis());
    }

    /** Whether the receipt verifies with the login key, or with the key registered on chain now. */
    private boolean signedBy(ContractAddress provider, Felt providerKey, Felt hash, Messages.TaskCompleted msg) {
        if (crypto.verify(providerKey, hash, msg.signature())) {
            return true;
        }
        Optional<Felt> current = escrow.providerPublicKey(provider);
        return current.isPresent() && !current.get().equals(providerKey)
                && crypto.verify(current.get(), hash, msg.signature());
    }

    /** The receipt hash of a completion whose result was refused, when its signature verifies. */
    private Optional<Felt> signedReceipt(TaskRecord t, ContractAddress provider, Felt providerKey,
            Messages.TaskCompleted msg) {
        if (!Receipts.resultHash(msg.result()).equals(msg.resultHash())) {
            return Optional.empty();
        }
        if (t.settlement() != SettlementMode.FLAT && msg.actualCost().isEmpty()) {
            return Optional.empty();
        }
        Optional<TokenAmount> cost = t.settlement() == SettlementMode.FLAT ? Optional.empty() : msg.actualCost();
        Felt hash = Receipts.receiptHash(crypto, t.escrowId(), provider, msg.resultHash(), cost);
        return signedBy(provider, providerKey, hash, msg) ? Optional.of(hash) : Optional.empty();
    }
}
