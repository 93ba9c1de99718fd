package io.smainer.relayer.store;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import java.util.Arrays;
import java.util.Optional;

/**
 * A task as the relayer stores it: what was asked (fixed at intake) and where it is (changed only by
 * {@link RelayerStore#replace compare-and-set} on {@link #version()}). Immutable; the {@code with...}
 * methods return the next version and check that the status transition is allowed.
 *
 * <p>Allowed transitions: PENDING to ASSIGNED, COMPLETED (a late result from the last node) or FAILED; ASSIGNED to RUNNING, COMPLETED, PENDING (reassigned)
 * or FAILED; RUNNING to COMPLETED, PENDING or FAILED; COMPLETED to SETTLED or FAILED (the escrow was
 * cancelled or the settlement cannot succeed). SETTLED and FAILED are final.
 *
 * @param id the relayer's task id
 * @param seq creation order, assigned by the store
 * @param escrowId the on-chain escrow that pays
 * @param demander the escrow's creator, who signed the request
 * @param job the work
 * @param settlement flat or effort
 * @param escrowAmount what the escrow holds (the tier-adjusted amount)
 * @param baseReward the escrow's base amount (effort pricing starts from it)
 * @param tierMultiplier the escrow's multiplier
 * @param tier the escrow's required tier
 * @param webhookUrl where to POST the result once settled
 * @param clientId the API client that submitted it (its webhook secret signs the webhook), if any
 * @param status where it is
 * @param nodeId the node running it, or the last node that was tried
 * @param attempts how many assignments were made
 * @param deadlineMillis for ASSIGNED and RUNNING, when the current attempt times out; else 0
 * @param completion the checked result and receipt, from COMPLETED on
 * @param settling true once a settlement carrying it was sent (a restart checks the chain before resending)
 * @param settlementTx the settlement transaction, once SETTLED
 * @param error why it failed, or why the last attempt failed
 * @param createdAtMillis epoch millis
 * @param updatedAtMillis epoch millis
 * @param version bumped by one on every change
 */
public record TaskRecord(String id, long seq, U256 escrowId, ContractAddress demander, JobSpec job,
        SettlementMode settlement, TokenAmount escrowAmount, TokenAmount baseReward, BasisPoints tierMultiplier, Tier tier,
        Optional<String> webhookUrl, Optional<String> clientId, TaskStatus status, Optional<String> nodeId, int attempts,
        long deadlineMillis, Optional<Completion> completion, boolean settling, Optional<Felt> settlementTx,
        Optional<String> error, long createdAtMillis, long updatedAtMillis, long version) {

    /** Validates every field. */
    public TaskRecord {
        Require.text("task_id", id, 64);
        Require.range("seq", seq, 0, Long.MAX_VALUE);
        Require.present("escrow_id", escrowId);
        Require.present("demander", demander);
        Require.present("job", job);
        Require.present("settlement", settlement);
        Require.present("escrow_amount", escrowAmount);
        Require.present("base_reward", baseReward);
        Require.present("tier_multiplier", tierMultiplier);
        Require.present("tier", tier);
        webhookUrl = Require.optional("webhook_url", webhookUrl);
        clientId = Require.optional("client_id", clientId);
        Require.present("status", status);
        nodeId = Require.optional("node_id", nodeId);
        Require.range("attempts", attempts, 0, 1_000);
        Require.range("deadline_millis", deadlineMillis, 0, Long.MAX_VALUE);
        completion = Require.optional("completion", completion);
        settlementTx = Require.optional("settlement_tx", settlementTx);
        error = Require.optional("error", error);
        Require.range("version", version, 0, Long.MAX_VALUE);
        if ((status == TaskStatus.COMPLETED || status == TaskStatus.SETTLED) && completion.isEmpty()) {
            throw new InvalidFieldException("completion", "present once " + status, "nothing");
        }
    }

    /**
     * A new PENDING task, version 0, seq 0 (the store assigns the sequence).
     *
     * @param id the relayer's task id
     * @param escrowId the escrow
     * @param demander its creator
     * @param job the work
     * @param settlement flat or effort
     * @param escrowAmount the escrowed amount
     * @param baseReward the base amount
     * @param tierMultiplier the multiplier
     * @param tier the tier
     * @param webhookUrl the webhook, if any
     * @param clientId the API client, if any
     * @param nowMillis epoch millis
     * @return the record
     */
    public static TaskRecord pending(String id, U256 escrowId, ContractAddress demander, JobSpec job,
            SettlementMode settlement, TokenAmount escrowAmount, TokenAmount baseReward, BasisPoints tierMultiplier,
            Tier tier, Optional<String> webhookUrl, Optional<String> clientId, long nowMillis) {
        return new TaskRecord(id, 0, escrowId, demander, job, settlement, escrowAmount, baseReward, tierMultiplier, tier,
                webhookUrl, clientId, TaskStatus.PENDING, Optional.empty(), 0, 0, Optional.empty(), false,
                Optional.empty(), Optional.empty(), nowMillis, nowMillis, 0);
    }

    /**
     * The bytes the store holds for this task beyond its fixed size, which the byte budgets count: the job's
     * payload, plus the result once completed ({@code limits.max_queued_bytes} while the task is not finished,
     * {@code store.max_finished_bytes} once it is).
     *
     * @return payload length plus result length
     */
    public long heldBytes() {
        return (long) job.payload().length + completion.map(c -> (long) c.result().length).orElse(0L);
    }

    /**
     * @param seq the sequence the store assigns
     * @return this record with it
     */
    public TaskRecord withSeq(long seq) {
        return new TaskRecord(id, seq, escrowId, demander, job, settlement, escrowAmount, baseReward, tierMultiplier, tier,
                webhookUrl, clientId, status, nodeId, attempts, deadlineMillis, completion, settling, settlementTx, error,
                createdAtMillis, updatedAtMillis, version);
    }

    /**
     * PENDING to ASSIGNED on a node, counting an attempt.
     *
     * @param node the node
     * @param deadline epoch millis by which the result must arrive
     * @param now epoch millis
     * @return the next version
     */
    public TaskRecord assigned(String node, long deadline, long now) {
        requireStatus(TaskStatus.PENDING);
        return next(TaskStatus.ASSIGNED, Optional.of(node), attempts + 1, deadline, completion, settling, settlementTx,
                error, now);
    }

    /**
     * ASSIGNED to RUNNING: the node accepted it.
     *
     * @param now epoch millis
     * @return the next version
     */
    public TaskRecord running(long now) {
        requireStatus(TaskStatus.ASSIGNED);
        return next(TaskStatus.RUNNING, nodeId, attempts, deadlineMillis, completion, settling, settlementTx, error, now);
    }

    /**
     * ASSIGNED or RUNNING back to PENDING: the attempt failed and another node may try. The node id stays
     * as the last node tried (a late completion from it is still accepted while the task waits).
     *
     * @param why what went wrong with the attempt
     * @param now epoch millis
     * @return the next version
     */
    public TaskRecord requeued(String why, long now) {
        requireStatus(TaskStatus.ASSIGNED, TaskStatus.RUNNING);
        return next(TaskStatus.PENDING, nodeId, attempts, 0, completion, settling, settlementTx, Optional.of(why), now);
    }

    /**
     * ASSIGNED or RUNNING (or PENDING, for a late result from the last node) to COMPLETED with a checked
     * result.
     *
     * @param done the completion
     * @param now epoch millis
     * @return the next version
     */
    public TaskRecord completed(Completion done, long now) {
        requireStatus(TaskStatus.ASSIGNED, TaskStatus.RUNNING, TaskStatus.PENDING);
        return next(TaskStatus.COMPLETED, nodeId, attempts, 0, Optional.of(done), false, settlementTx, Optional.empty(),
                now);
    }

    /**
     * Marks a COMPLETED task as carried by a settlement that was sent.
     *
     * @param now epoch millis
     * @return the next version
     */
    public TaskRecord settlingSent(long now) {
        requireStatus(TaskStatus.COMPLETED);
        return next(TaskStatus.COMPLETED, nodeId, attempts, 0, completion, true, settlementTx, error, now);
    }

    /**
     * COMPLETED to SETTLED once the settlement is confirmed.
     *
     * @param tx the settlement transaction, when known
     * @param now epoch millis
     * @return the next version
     */
    public TaskRecord settled(Optional<Felt> tx, long now) {
        requireStatus(TaskStatus.COMPLETED);
        return next(TaskStatus.SETTLED, nodeId, attempts, 0, completion, settling, tx, Optional.empty(), now);
    }

    /**
     * To FAILED, from any status but SETTLED and FAILED.
     *
     * @param why what the demander reads
     * @param now epoch millis
     * @return the next version
     */
    public TaskRecord failed(String why, long now) {
        if (status.isTerminal()) {
            throw new IllegalStateException("task " + id + " is already " + status);
        }
        return next(TaskStatus.FAILED, nodeId, attempts, 0, completion, settling, settlementTx, Optional.of(why), now);
    }

    private TaskRecord next(TaskStatus s, Optional<String> node, int att, long deadline, Optional<Completion> done,
            boolean sent, Optional<Felt> tx, Optional<String> err, long now) {
        return new TaskRecord(id, seq, escrowId, demander, job, settlement, escrowAmount, baseReward, tierMultiplier, tier,
                webhookUrl, clientId, s, node, att, deadline, done, sent, tx, err, createdAtMillis,
                Math.max(now, updatedAtMillis), version + 1);
    }

    private void requireStatus(TaskStatus... allowed) {
        for (TaskStatus s : allowed) {
            if (status == s) {
                return;
            }
        }
        throw new IllegalStateException("task " + id + " is " + status + ", expected " + Arrays.toString(allowed));
    }
}
