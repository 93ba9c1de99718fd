package io.smainer.protocol;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.crypto.Signature;
import java.util.List;
import java.util.Optional;

/**
 * Request and response bodies of the relayer's REST API under {@code /api/v1}. Amounts are decimal
 * strings of base units; felts and addresses are {@code 0x} hex.
 */
public final class Api {
    private Api() {
    }

    /**
     * {@code POST /tasks}: run a job against an on-chain escrow. Signed by the escrow's creator over the
     * SNIP-12 request message for {@code (escrowId, jobHash, nonce, expiresAt)}.
     *
     * @param escrowId the on-chain task id of the escrow that pays
     * @param job the work
     * @param settlement flat or effort
     * @param demander the escrow's creator, who signs
     * @param nonce a fresh nonce; a replay is refused
     * @param expiresAt epoch seconds after which the request is void
     * @param signature the demander's signature
     * @param webhookUrl where to POST the result once settled
     */
    public record SubmitTask(U256 escrowId, JobSpec job, SettlementMode settlement, ContractAddress demander,
            Felt nonce, long expiresAt, Signature signature, Optional<String> webhookUrl) {
        /** Validates every field. */
        public SubmitTask {
            Require.present("escrow_id", escrowId);
            Require.present("job", job);
            settlement = settlement == null ? SettlementMode.FLAT : settlement;
            Require.present("demander", demander);
            Require.present("nonce", nonce);
            Require.range("expires_at", expiresAt, 1, Long.MAX_VALUE);
            Require.present("signature", signature);
            webhookUrl = Require.optional("webhook_url", webhookUrl);
            webhookUrl.ifPresent(u -> Require.text("webhook_url", u, 2048));
        }
    }

    /**
     * {@code 201} answer to {@code POST /tasks}.
     *
     * @param taskId the relayer's task id
     * @param status always {@link TaskStatus#PENDING} at first
     */
    public record TaskCreated(String taskId, TaskStatus status) {
    }

    /**
     * {@code GET /tasks/{id}}.
     *
     * @param taskId the relayer's task id
     * @param status where it is
     * @param escrowId the on-chain escrow
     * @param demander who pays
     * @param kind the job kind
     * @param nodeId the node running or that ran it
     * @param attempts how many nodes were tried
     * @param resultHash the result's hash once completed
     * @param settlementTx the settlement transaction once settled
     * @param error why it failed
     * @param createdAtMillis epoch millis
     * @param updatedAtMillis epoch millis
     */
    public record TaskView(String taskId, TaskStatus status, U256 escrowId, ContractAddress demander, String kind,
            Optional<String> nodeId, int attempts, Optional<Felt> resultHash, Optional<Felt> settlementTx,
            Optional<String> error, long createdAtMillis, long updatedAtMillis) {
        /** Reads an absent optional field (left out on the wire) as empty. */
        public TaskView {
            nodeId = Require.optional("node_id", nodeId);
            resultHash = Require.optional("result_hash", resultHash);
            settlementTx = Require.optional("settlement_tx", settlementTx);
            error = Require.optional("error", error);
        }
    }

    /**
     * {@code GET /tasks/{id}/result}, available once the task is settled.
     *
     * @param taskId the task
     * @param result the result bytes (base64 on the wire)
     * @param resultHash their hash
     * @param settlementTx the settlement transaction
     */
    public record TaskResult(String taskId, byte[] result, Felt resultHash, Felt settlementTx) {
    }

    /**
     * {@code GET /nodes/{id}}.
     *
     * @param nodeId the relayer's id for the node
     * @param address the provider's account
     * @param online connected with a recent heartbeat
     * @param capabilities what it offers
     * @param running tasks running now
     * @param completed tasks it completed
     * @param lastSeenMillis epoch millis of its last message
     * @param clockSkewMillis how far its clock was ahead of the relayer's at its last login (negative: behind; 0 when
     *     it did not say)
     * @param lateRefusals tasks it refused as late since it last completed one, though the relayer's clock said they
     *     were not: its clock runs ahead, and it is offered tasks last
     */
    public record NodeView(String nodeId, ContractAddress address, boolean online, NodeCapabilities capabilities,
            int running, long completed, long lastSeenMillis, long clockSkewMillis, int lateRefusals) {
    }

    /**
     * {@code GET /nodes/summary}.
     *
     * @param total nodes known
     * @param online nodes online
     * @param gpus GPUs online
     * @param capacity tasks the online nodes can run at once
     * @param running tasks running now
     */
    public record NodeSummary(int total, int online, int gpus, int capacity, int running) {
    }

    /**
     * {@code GET /fees/quote?amount=&tier=}: decimal strings of base units.
     *
     * @param base the base amount
     * @param tier basic, pro or premium
     * @param escrow what the creator pays
     * @param provider what the provider receives
     * @param gasSubsidy of which gas subsidy
     * @param treasury the treasury's fee
     */
    public record QuoteView(String base, String tier, String escrow, String provider, String gasSubsidy,
            String treasury) {
    }

    /**
     * Every 4xx and 5xx answer.
     *
     * @param error a stable code, e.g. {@code invalid_field}, {@code escrow_rejected}
     * @param message what was expected and what came
     * @param field the bad field, when one is to blame
     */
    public record ErrorBody(String error, String message, Optional<String> field) {
        /** Reads an absent field (left out on the wire) as empty. */
        public ErrorBody {
            field = Require.optional("field", field);
        }
    }

    /**
     * A page of tasks or nodes.
     *
     * @param items the entries
     * @param <T> entry type
     */
    public record Page<T>(List<T> items) {
    }
}
