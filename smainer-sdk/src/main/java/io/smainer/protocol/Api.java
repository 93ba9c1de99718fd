package io.smainer.protocol;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.crypto.AccountSignature;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.Snip12;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
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
     * SNIP-12 request message ({@link #signedHash}), which covers every other field: the escrow, the job
     * (through its content hash), the terms ({@link #termsHash}: settlement mode and webhook URL), the nonce
     * and the expiry, with the demander as the signing account.
     *
     * @param escrowId the on-chain task id of the escrow that pays
     * @param job the work
     * @param settlement flat or effort
     * @param demander the escrow's creator, who signs
     * @param nonce a fresh nonce; a replay is refused
     * @param expiresAt epoch seconds after which the request is void
     * @param signature the demander account's signature: {@code [r, s]} of its Stark key, or the longer array its
     *     SNIP-6 {@code is_valid_signature} reads (Argent with a guardian, Braavos, multisig); on the wire an array of
     *     felts or, for two felts, the object {@code {r, s}}
     * @param webhookUrl where to POST the result once settled
     */
    public record SubmitTask(U256 escrowId, JobSpec job, SettlementMode settlement, ContractAddress demander,
            Felt nonce, long expiresAt, AccountSignature signature, Optional<String> webhookUrl) {
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

        /**
         * A request signed by one Stark key.
         *
         * @param escrowId the on-chain task id of the escrow that pays
         * @param job the work
         * @param settlement flat or effort
         * @param demander the escrow's creator, who signs
         * @param nonce a fresh nonce
         * @param expiresAt epoch seconds after which the request is void
         * @param signature the demander's {@code (r, s)}
         * @param webhookUrl where to POST the result once settled
         */
        public SubmitTask(U256 escrowId, JobSpec job, SettlementMode settlement, ContractAddress demander, Felt nonce,
                long expiresAt, Signature signature, Optional<String> webhookUrl) {
            this(escrowId, job, settlement, demander, nonce, expiresAt, AccountSignature.of(signature), webhookUrl);
        }

        /**
         * The hash of a request's terms: SHA-256, reduced modulo the Stark prime, of the settlement mode's wire
         * name and the webhook URL (empty for none), each as UTF-8 prefixed by its length (4 bytes, big-endian).
         *
         * @param settlement flat or effort
         * @param webhookUrl the webhook URL, if any
         * @return the hash the signature commits to as {@code terms_hash}
         */
        public static Felt termsHash(SettlementMode settlement, Optional<String> webhookUrl) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String part : List.of(settlement.name().toLowerCase(Locale.ROOT), webhookUrl.orElse(""))) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
                out.writeBytes(b);
            }
            return Receipts.resultHash(out.toByteArray());
        }

        /**
         * @param domain the signed domain
         * @return the SNIP-12 message hash this request's signature must verify against
         */
        public Felt signedHash(Snip12.Domain domain) {
            return Snip12.requestHash(domain, demander, escrowId, job.contentHash(), termsHash(settlement, webhookUrl),
                    nonce, expiresAt);
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
     * @param waiting while pending: why no provider has taken it (none offers its kind, tier or memory; all busy)
     * @param resultCheck who checks the result: {@value #CHECKED_BY_RELAYER} (the relayer recomputes its hash and runs
     *     the kind's check where it has one), or {@value #CHECKED_BY_DEMANDER} for a sealed task (the relayer sees
     *     ciphertext: it checks the hash and the receipt only, and the demander's client checks the opened result)
     */
    public record TaskView(String taskId, TaskStatus status, U256 escrowId, ContractAddress demander, String kind,
            Optional<String> nodeId, int attempts, Optional<Felt> resultHash, Optional<Felt> settlementTx,
            Optional<String> error, long createdAtMillis, long updatedAtMillis, Optional<String> waiting,
            Optional<String> resultCheck) {
        /** {@link #resultCheck} of a task whose result the relayer checks. */
        public static final String CHECKED_BY_RELAYER = "relayer";
        /** {@link #resultCheck} of a sealed task: the relayer's result checks are skipped, its demander checks. */
        public static final String CHECKED_BY_DEMANDER = "demander_only_sealed";

        /** Reads an absent optional field (left out on the wire) as empty. */
        public TaskView {
            nodeId = Require.optional("node_id", nodeId);
            resultHash = Require.optional("result_hash", resultHash);
            settlementTx = Require.optional("settlement_tx", settlementTx);
            error = Require.optional("error", error);
            waiting = Require.optional("waiting", waiting);
            resultCheck = Require.optional("result_check", resultCheck);
        }

        /**
         * A view that does not say who checks the result (a relayer older than sealed tasks).
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
         * @param waiting while pending: why no provider has taken it
         */
        public TaskView(String taskId, TaskStatus status, U256 escrowId, ContractAddress demander, String kind,
                Optional<String> nodeId, int attempts, Optional<Felt> resultHash, Optional<Felt> settlementTx,
                Optional<String> error, long createdAtMillis, long updatedAtMillis, Optional<String> waiting) {
            this(taskId, status, escrowId, demander, kind, nodeId, attempts, resultHash, settlementTx, error,
                    createdAtMillis, updatedAtMillis, waiting, Optional.empty());
        }
    }

    /**
     * {@code GET /tasks/{id}} without the demander's proof: where the task is, and nothing of what it is.
     *
     * @param taskId the relayer's task id
     * @param status where it is
     */
    public record TaskStatusView(String taskId, TaskStatus status) {
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
     * {@code POST /tasks/{id}/dispute}: a sealed task's demander shows that the result its provider signed is wrong by
     * revealing the content keys of the sealed job and of the sealed result, with which anyone can open both
     * ({@code Envelope.openWithFileKey}); the relayer checks the result and, when it is wrong, hands the evidence to
     * its staking policy. Signed by the demander over {@link Snip12#disputeHash}, which covers the task and both keys.
     * A key is {@code 0x} and 32 hex digits (its 16 bytes, big-endian); a refusal names the field, never the key.
     *
     * @param demander the task's demander, who signs
     * @param jobFileKey the sealed job's content key
     * @param resultFileKey the sealed result's content key
     * @param expiresAt epoch seconds after which the request is void
     * @param signature the demander account's signature (as for {@code POST /tasks})
     */
    public record DisputeSealedResult(ContractAddress demander, String jobFileKey, String resultFileKey, long expiresAt,
            AccountSignature signature) {
        private static final String KEY_SHAPE = "0x and 32 hex digits (a 16-byte content key)";

        /** Validates every field. */
        public DisputeSealedResult {
            Require.present("demander", demander);
            fileKey("job_file_key", jobFileKey);
            fileKey("result_file_key", resultFileKey);
            Require.range("expires_at", expiresAt, 1, Long.MAX_VALUE);
            Require.present("signature", signature);
        }

        /**
         * @param demander the task's demander
         * @param jobFileKey the sealed job's content key, 16 bytes
         * @param resultFileKey the sealed result's content key, 16 bytes
         * @param expiresAt epoch seconds
         * @param signature its signature over {@link #signedHash}
         * @return the request
         */
        public static DisputeSealedResult of(ContractAddress demander, byte[] jobFileKey, byte[] resultFileKey,
                long expiresAt, AccountSignature signature) {
            return new DisputeSealedResult(demander, hex("job_file_key", jobFileKey), hex("result_file_key", resultFileKey),
                    expiresAt, signature);
        }

        /** @return the sealed job's content key, 16 bytes */
        public byte[] jobKey() {
            return fileKey("job_file_key", jobFileKey);
        }

        /** @return the sealed result's content key, 16 bytes */
        public byte[] resultKey() {
            return fileKey("result_file_key", resultFileKey);
        }

        /**
         * @param domain the SNIP-12 domain
         * @param taskId the disputed task
         * @return the hash the signature covers
         */
        public Felt signedHash(Snip12.Domain domain, String taskId) {
            return Snip12.disputeHash(domain, demander, taskId, jobKey(), resultKey(), expiresAt);
        }

        private static String hex(String field, byte[] key) {
            if (key == null || key.length != 16) {
                throw new InvalidFieldException(field, "16 bytes", key == null ? null : key.length + " bytes");
            }
            return "0x" + HexFormat.of().formatHex(key);
        }

        private static byte[] fileKey(String field, String hex) {
            if (hex == null || hex.length() != 34 || !hex.startsWith("0x")) {
                throw new InvalidFieldException(field, KEY_SHAPE, hex == null ? null : hex.length() + " characters");
            }
            try {
                return HexFormat.of().parseHex(hex, 2, 34);
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException(field, KEY_SHAPE, "a character that is not a hex digit");
            }
        }

        @Override
        public String toString() {
            return "DisputeSealedResult[demander=" + demander.hex() + ", expiresAt=" + expiresAt + ", keys=(hidden)]";
        }
    }

    /**
     * The answer to a dispute the relayer upheld (202): the evidence is kept and the slash is being initiated.
     *
     * @param taskId the task
     * @param provider the provider whose signed result was wrong
     * @param reasonHash the slash's {@code reason_hash}: the hash of the evidence, served at
     *     {@code GET /evidence/{reason_hash}}
     */
    public record DisputeAccepted(String taskId, ContractAddress provider, Felt reasonHash) {
        /** Checks presence. */
        public DisputeAccepted {
            Require.present("task_id", taskId);
            Require.present("provider", provider);
            Require.present("reason_hash", reasonHash);
        }
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
