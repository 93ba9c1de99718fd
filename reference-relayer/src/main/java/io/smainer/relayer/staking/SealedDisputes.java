package io.smainer.relayer.staking;

import io.smainer.Require;
import io.smainer.chain.Felt;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.job.CheckResult;
import io.smainer.job.Jobs;
import io.smainer.job.ResultCheck;
import io.smainer.job.ResultChecks;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.store.Completion;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealException;
import io.smainer.seal.SealedJobs;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Judges a demander's dispute of its sealed task's result ({@code POST /tasks/{id}/dispute}, authenticated by the API
 * before it gets here): the revealed content keys must open the sealed job and the sealed result this relayer stored,
 * the opened result must fail the kind's check ({@link ResultChecks}: Freivalds for {@code matmul-f32}, recomputation
 * for the other portable kinds, as for unsealed results), and the provider's receipt over the sealed bytes must verify
 * against its key on chain. Then the evidence, keys included, goes to the {@link StakingPolicy} as a spot check's
 * failure does. The keys are never logged and never stored but in that evidence. A task whose result was found right
 * is answered so again without opening or checking anything (a key that opens an envelope is the only one that does,
 * so a later dispute would find the same), up to {@value #REMEMBERED} tasks. Thread-safe.
 */
public final class SealedDisputes {
    /** Tasks whose result checked out that are remembered at most (then forgotten all at once). */
    static final int REMEMBERED = 10_000;

    private final Set<String> checkedOut = ConcurrentHashMap.newKeySet();
    private final Optional<StakingPolicy> policy;
    private final StarkCrypto crypto;
    private final Escrow escrow;

    /**
     * @param policy the staking policy, when {@code staking.enabled=true} (else every dispute is refused so)
     * @param crypto signature checks
     * @param escrow to read the provider's key on chain
     */
    public SealedDisputes(Optional<StakingPolicy> policy, StarkCrypto crypto, Escrow escrow) {
        this.policy = Require.present("policy", policy);
        this.crypto = Require.present("crypto", crypto);
        this.escrow = Require.present("escrow", escrow);
    }

    /**
     * @param t the disputed task
     * @param d the dispute, whose signature and demander the caller checked
     * @return the evidence's hash, the slash's reason
     * @throws DisputeRefusedException when it slashes nothing, with why
     */
    public Felt dispute(TaskRecord t, Api.DisputeSealedResult d) {
        StakingPolicy staking = policy.orElseThrow(() -> new DisputeRefusedException(
                DisputeRefusedException.Reason.STAKING_DISABLED, null, "this relayer has no staking policy"
                        + " (staking.enabled=false): a dispute cannot slash; nothing was checked or kept"));
        if (!SealedJobs.isSealed(t.job())) {
            throw new DisputeRefusedException(DisputeRefusedException.Reason.NOT_SEALED, "task_id", "task_id: expected a"
                    + " sealed task, got " + t.id() + ", whose result this relayer checks itself");
        }
        Completion c = t.completion().filter(x -> t.status() == TaskStatus.SETTLED).orElseThrow(() ->
                new DisputeRefusedException(DisputeRefusedException.Reason.NOT_SETTLED, "task_id", "task_id: expected a"
                        + " settled task (its result is released once settled), got " + t.id() + " ("
                        + t.status().name().toLowerCase(Locale.ROOT) + ")"));
        Optional<Felt> before = staking.disputeOf(t.id());
        if (before.isPresent()) {
            throw alreadyDisputed(t, before.get());
        }
        if (checkedOut.contains(t.id())) {
            throw checksOut(t, "was found right before:");
        }
        JobSpec plain;
        try {
            plain = SealedJobs.openWithFileKey(t.job(), d.jobKey()).plain();
        } catch (SealException e) {
            throw doesNotOpen("job_file_key", "the sealed job of task " + t.id(), e);
        }
        byte[] result;
        try {
            result = Envelope.openWithFileKey(c.result(), d.resultKey()).plaintext();
        } catch (SealException e) {
            throw doesNotOpen("result_file_key", "the sealed result of task " + t.id(), e);
        }
        ResultCheck check = ResultChecks.forKind(plain.kind()).orElseThrow(() -> new DisputeRefusedException(
                DisputeRefusedException.Reason.NO_CHECK, "job.kind", "job.kind: expected a kind this relayer can check"
                        + " (" + String.join(", ", Jobs.PORTABLE_KINDS) + "), got " + plain.kind()));
        String checkName = Jobs.MATMUL_F32.equals(plain.kind()) ? "freivalds" : "recompute";
        CheckResult verdict = check.check(plain, result);
        if (verdict.passed()) {
            if (checkedOut.size() >= REMEMBERED) {
                checkedOut.clear();
            }
            checkedOut.add(t.id());
            throw checksOut(t, "passes the " + checkName + " check:");
        }
        Felt receipt = Receipts.receiptHash(crypto, t.escrowId(), c.provider(), Receipts.resultHash(c.result()),
                c.actualCost());
        Optional<Felt> key = escrow.providerPublicKey(c.provider());
        if (!Receipts.resultHash(c.result()).equals(c.resultHash()) || key.isEmpty()
                || !crypto.verify(key.get(), receipt, c.signature())) {
            throw new DisputeRefusedException(DisputeRefusedException.Reason.RECEIPT_UNVERIFIED, null, "the receipt of"
                    + " task " + t.id() + " does not verify against the key provider " + c.provider().hex()
                    + " has on chain now: the evidence would not convince anyone; nothing was kept");
        }
        StakingPolicy.Dispute kept = staking.disputed(t, c, receipt, new Evidence.Revealed(d.jobFileKey(),
                d.resultFileKey()), checkName, verdict.detail());
        if (!kept.first()) {
            throw alreadyDisputed(t, kept.reasonHash());
        }
        return kept.reasonHash();
    }

    private static DisputeRefusedException checksOut(TaskRecord t, String how) {
        return new DisputeRefusedException(DisputeRefusedException.Reason.RESULT_CHECKS_OUT, null, "the opened result of"
                + " task " + t.id() + " " + how + " there is nothing to slash");
    }

    private static DisputeRefusedException alreadyDisputed(TaskRecord t, Felt reasonHash) {
        return new DisputeRefusedException(DisputeRefusedException.Reason.ALREADY_DISPUTED, "task_id", "task_id: task "
                + t.id() + " was disputed before; its evidence is " + reasonHash.hex() + " (GET /api/v1/evidence/"
                + reasonHash.hex() + ") and its slash was initiated once; nothing was kept again");
    }

    /** The seal's words say what failed (a MAC, the clear part); they never quote the key. */
    private static DisputeRefusedException doesNotOpen(String field, String what, SealException e) {
        return new DisputeRefusedException(DisputeRefusedException.Reason.KEY_DOES_NOT_OPEN, field, field
                + ": expected the content key of " + what + ", got one that does not open it (" + e.getMessage() + ")");
    }
}
