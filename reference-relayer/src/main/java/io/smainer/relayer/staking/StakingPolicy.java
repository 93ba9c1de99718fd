package io.smainer.relayer.staking;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.Receipts;
import io.smainer.escrow.ActiveSlash;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.Staking;
import io.smainer.escrow.StakingReverts;
import io.smainer.job.CheckResult;
import io.smainer.protocol.Messages;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.relayer.settlement.ReceiptRejectedException;
import io.smainer.relayer.settlement.ResultAudit;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.SlashRecords;
import io.smainer.relayer.store.TaskRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relayer's staking policy at work (see the package): the stake gate, the active-task counts, the
 * spot-check verifier with its evidence, and the slashes it drives. The relayer's account must be the staking
 * contract's authorized relayer and verifier (as on mainnet, where they are one account).
 *
 * <p>Slashes are initiated and executed on one thread of its own, so a provider's completion never waits for a
 * transaction: the evidence is kept first, then {@code initiate_slash} is sent (again at each check while the
 * contract refuses it for an active slash or the cooldown); each {@link StakingSettings#slashCheck()} the policy
 * reads every slash initiated and executes those whose appeal window has passed with no appeal pending, then
 * disconnects a provider left below {@code staking.min_stake}. Time comes from the clock (tests move it).
 *
 * <p>What it found and the slashes it drives are in the relayer's store ({@link SlashRecords}), not in this object: a
 * relayer restarted, or another relayer on the same Redis, serves the evidence, refuses a second dispute of a task and
 * initiates and executes the slashes left (its first check runs at start). Relayers sharing a store may both send the
 * same {@code initiate_slash} or {@code execute_slash}; the contract takes one ({@code Slash already active} with the
 * same reason, {@code No active slash} answer the other), and the other is logged at INFO and not counted.
 */
public final class StakingPolicy implements ResultAudit, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StakingPolicy.class);

    private final StakingSettings settings;
    private final Staking staking;
    private final Clock clock;
    private final Consumer<ContractAddress> disconnect;
    private final ProtocolCodec codec = ProtocolCodec.create();
    private final StakeGate gate;
    private final ActiveTaskCounts counts;
    private final SpotCheck spot;
    /** The evidence, the slashes to initiate and to watch, the disputed tasks: in the relayer's store. */
    private final SlashRecords records;
    private final ScheduledExecutorService thread;
    private final AtomicLong initiated = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();
    private final AtomicLong kept = new AtomicLong();
    private final AtomicLong spotChecks = new AtomicLong();
    private final AtomicLong countOnlyTransactions = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private CountingEscrow settlementEscrow;

    /**
     * Starts the policy's thread.
     *
     * @param settings the {@code staking.*} settings (enabled)
     * @param staking a staking client acting as the relayer's account
     * @param records where the evidence and the slashes are kept (the relayer's store)
     * @param clock time
     * @param disconnect closes a provider's connections (after a slash left it below the minimum)
     */
    public StakingPolicy(StakingSettings settings, Staking staking, SlashRecords records, Clock clock,
            Consumer<ContractAddress> disconnect) {
        this.settings = Require.present("staking", settings);
        this.records = Require.present("records", records);
        this.staking = Require.present("staking_client", staking);
        this.clock = Require.present("clock", clock);
        this.disconnect = Require.present("disconnect", disconnect);
        this.gate = StakeGate.of(staking, settings.minStake());
        this.counts = new ActiveTaskCounts(staking.contract());
        this.spot = new SpotCheck(settings.spotCheckBasisPoints());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relayer-staking");
            t.setDaemon(true);
            return t;
        });
        long every = settings.slashCheck().toMillis();
        thread.scheduleWithFixedDelay(this::tickQuietly, 0, every, TimeUnit.MILLISECONDS); // at once: what is left
    }

    /** @return the login check */
    public StakeGate gate() {
        return gate;
    }

    /**
     * @param escrow the relayer's escrow client
     * @return it for the settler: its settlement batches carry the active-task counts
     */
    public synchronized Escrow settlementEscrow(Escrow escrow) {
        settlementEscrow = new CountingEscrow(escrow, counts, clock);
        return settlementEscrow;
    }

    // ---- task life (from the scheduler's notices and the settler)

    /** @param t a task just assigned to a node */
    public void assigned(TaskRecord t) {
        t.nodeId().ifPresent(node -> counts.assigned(t.id(), ContractAddress.parse(node), clock.millis()));
    }

    /** @param t a task its node lost (requeued, or failed for good) */
    public void lost(TaskRecord t) {
        counts.lost(t.id(), clock.millis());
    }

    /** @param t a task settled, or given up at settlement (the provider did its part either way) */
    public void settled(TaskRecord t) {
        counts.settled(t.id(), clock.millis());
    }

    // ---- results

    @Override
    public void signedWrongResult(TaskRecord task, ContractAddress provider, Messages.TaskCompleted msg, Felt receiptHash,
            String why) {
        keep(task, provider, msg, receiptHash, "checker", why);
    }

    @Override
    public void passed(TaskRecord task, ContractAddress provider, Messages.TaskCompleted msg, Felt receiptHash) {
        if (!spot.chosen(task.id(), task.job())) {
            return;
        }
        spotChecks.incrementAndGet();
        Optional<CheckResult> wrong = spot.wrong(task.id(), task.job(), msg.result());
        if (wrong.isPresent()) {
            Felt hash = keep(task, provider, msg, receiptHash, "recompute", wrong.get().detail());
            throw new ReceiptRejectedException("result", "result: the relayer's spot check recomputed " + task.job().kind()
                    + " and got another result (" + wrong.get().detail() + "); evidence " + hash.hex());
        }
    }

    private Felt keep(TaskRecord task, ContractAddress provider, Messages.TaskCompleted msg, Felt receiptHash, String check,
            String verdict) {
        Felt hash = keep(new Evidence(Evidence.FORMAT, task.id(), task.escrowId(), provider, task.job(), msg.result(),
                msg.resultHash(), task.settlement(), msg.actualCost(), receiptHash, msg.signature(), check, verdict,
                clock.instant().getEpochSecond(), Optional.empty()));
        LOG.warn("provider {} signed a wrong result for task {} ({} check: {}); evidence {}", provider.hex(), task.id(),
                check, verdict, hash.hex());
        return hash;
    }

    /** Keeps the evidence and queues the slash it proves; returns its hash, the slash's reason. */
    private Felt keep(Evidence e) {
        Dispute d = keep(e, Optional.empty());
        return d.reasonHash();
    }

    /** Keeps the evidence and queues its slash, unless {@code disputedTask} was disputed before (then its hash). */
    private Dispute keep(Evidence e, Optional<String> disputedTask) {
        String json = codec.toJson(e);
        Felt hash = Receipts.resultHash(json.getBytes(StandardCharsets.UTF_8));
        Optional<Felt> before = records.keepEvidence(hash, json, e.provider(), disputedTask);
        if (before.isPresent()) {
            return new Dispute(before.get(), false);
        }
        kept.incrementAndGet();
        thread.execute(this::tickQuietly);
        return new Dispute(hash, true);
    }

    /**
     * What {@link #disputed} did.
     *
     * @param reasonHash the hash of the evidence: the slash's reason
     * @param first true when this dispute kept it; false when the task was disputed before (nothing new is kept)
     */
    public record Dispute(Felt reasonHash, boolean first) {
    }

    /**
     * A sealed task's demander showed that the result its provider signed is wrong: the revealed keys open the stored
     * sealed job and result, the kind's check refused the opened result, and the receipt over the sealed bytes verifies
     * (the caller checked all three). The evidence, keys included, is kept and the slash queued exactly as for a spot
     * check's failure. A task is disputed once, on every relayer sharing the store: a later dispute of it gets the first
     * one's hash and changes nothing.
     *
     * @param task the settled task
     * @param c its completion (the sealed result, its hash, the provider's signature, the cost)
     * @param receiptHash the hash the signature covers
     * @param revealed the content keys
     * @param check the check that refused the opened result
     * @param verdict what it found (kept in the evidence, never logged: it may quote the plaintext)
     * @return the reason hash, and whether this dispute kept it
     */
    public Dispute disputed(TaskRecord task, Completion c, Felt receiptHash, Evidence.Revealed revealed, String check,
            String verdict) {
        Dispute d = keep(new Evidence(Evidence.SEALED_FORMAT, task.id(), task.escrowId(), c.provider(), task.job(),
                c.result(), c.resultHash(), task.settlement(), c.actualCost(), receiptHash, c.signature(), check,
                verdict, clock.instant().getEpochSecond(), Optional.of(revealed)), Optional.of(task.id()));
        if (d.first()) {
            LOG.warn("provider {} signed a wrong sealed result for task {} (disputed by its demander, {} check); evidence"
                    + " {}", c.provider().hex(), task.id(), check, d.reasonHash().hex());
        }
        return d;
    }

    /**
     * @param taskId a task
     * @return the reason hash of the dispute that task already had, if any
     */
    public Optional<Felt> disputeOf(String taskId) {
        return records.disputeOf(taskId);
    }

    /**
     * @param reasonHash a slash's reason hash
     * @return the evidence JSON behind it, when this relayer (or one sharing its store) kept it
     */
    public Optional<byte[]> evidence(Felt reasonHash) {
        return records.evidence(reasonHash).map(json -> json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- the chain work, on the policy's thread

    private void tickQuietly() {
        try {
            tick(false);
        } catch (RuntimeException e) {
            LOG.warn("staking check failed; trying again in {} s", settings.slashCheck().toSeconds(), e);
        }
    }

    /** One round: pending initiations, due executions, overdue (or, forced, all) active-task counts. */
    synchronized void tick(boolean flushCounts) {
        if (closed.get()) {
            return;
        }
        for (Map.Entry<ContractAddress, Felt> e : records.slashesToInitiate().entrySet()) {
            initiate(e.getKey(), e.getValue());
        }
        for (Map.Entry<ContractAddress, Felt> e : records.slashesWatched().entrySet()) {
            watch(e.getKey(), e.getValue());
        }
        long oldest = counts.oldestMillis();
        if (oldest >= 0 && (flushCounts || clock.millis() - oldest >= settings.countFlush().toMillis())) {
            ActiveTaskCounts.Drained d = counts.drain();
            if (!d.calls().isEmpty()) {
                try {
                    staking.invoke(d.calls());
                    countOnlyTransactions.incrementAndGet();
                } catch (RuntimeException e) {
                    counts.restore(d, clock.millis());
                    throw e;
                }
            }
        }
    }

    private void initiate(ContractAddress p, Felt reason) {
        try {
            staking.initiateSlash(p, reason);
            records.slashInitiated(p, reason);
            initiated.incrementAndGet();
            LOG.warn("initiated a slash of {} with reason {}", p.hex(), reason.hex());
        } catch (EscrowRevertedException x) {
            if (x.reason().equals(StakingReverts.SLASH_ALREADY_ACTIVE)) {
                Optional<ActiveSlash> active = staking.activeSlash(p);
                if (active.isPresent() && active.get().reasonHash().equals(reason)) {
                    records.slashInitiated(p, reason); // initiated before: by a relayer sharing the store, or before a restart
                    LOG.info("the slash of {} with reason {} was initiated already; watching it", p.hex(), reason.hex());
                } else {
                    records.watchSlash(p, active.map(ActiveSlash::reasonHash).orElse(reason)); // ours waits for it to end
                }
            } else if (!x.reason().equals(StakingReverts.SLASH_COOLDOWN_ACTIVE)) {
                LOG.warn("cannot slash {}: {}; the evidence {} is kept", p.hex(), x.reason(), reason.hex());
                records.dropInitiation(p, reason);
            }
        }
    }

    private void watch(ContractAddress p, Felt reason) {
        Optional<ActiveSlash> s = staking.activeSlash(p);
        if (s.isEmpty()) {
            records.slashEnded(p, reason);
            return;
        }
        if (!s.get().executableAt(clock.instant())) {
            return;
        }
        try {
            staking.executeSlash(p);
            executed.incrementAndGet();
            LOG.warn("executed the slash of {} ({}%)", p.hex(), s.get().percent());
        } catch (EscrowRevertedException x) {
            if (!x.reason().equals(StakingReverts.NO_ACTIVE_SLASH)) {
                throw x;
            }
            LOG.info("the slash of {} was executed already (by a relayer sharing the store)", p.hex());
        }
        records.slashEnded(p, reason);
        if (gate.refusal(p).isPresent()) {
            disconnect.accept(p);
        }
    }

    /** Runs a round now, sending every active-task count owed, and waits for it (for tests and operators' tools). */
    public void checkNow() {
        try {
            thread.submit(() -> tick(true)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("staking check failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** @return slashes initiated */
    public long slashesInitiated() {
        return initiated.get();
    }

    /** @return slashes executed */
    public long slashesExecuted() {
        return executed.get();
    }

    /** @return results recomputed by the spot check */
    public long spotChecks() {
        return spotChecks.get();
    }

    /** @return pieces of evidence this policy kept since it started */
    public long evidenceKept() {
        return kept.get();
    }

    /** @return transactions sent for active-task counts alone (no settlement was due) */
    public long countOnlyTransactions() {
        return countOnlyTransactions.get();
    }

    /** @return active-task count calls sent inside settlement transactions */
    public synchronized long countCallsInSettlements() {
        return settlementEscrow == null ? 0 : settlementEscrow.countCalls();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            thread.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "StakingPolicy[" + settings + ", contract=" + staking.contract().hex() + "]";
    }
}
