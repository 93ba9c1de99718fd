package io.smainer.protocol;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Signature;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.FeeSchedule;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/** The WebSocket messages, one record each. Each compact constructor validates and names the bad field. */
public final class Messages {
    private Messages() {
    }

    /** @return a fresh message id */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    private static String checkId(String id) {
        return Require.text("id", id, 64);
    }

    /**
     * Relayer to provider, first message on a connection: sign this login challenge (SNIP-12) to log in.
     *
     * @param id message id
     * @param nonce a fresh random nonce
     * @param expiresAt epoch seconds after which the challenge is void
     * @param chainId the chain the relayer settles on (part of the signed domain)
     * @param relayer the relayer's name (part of the signed domain)
     */
    public record Challenge(String id, Felt nonce, long expiresAt, String chainId, String relayer) implements Message {
        /** Validates every field. */
        public Challenge {
            checkId(id);
            Require.present("nonce", nonce);
            Require.range("expires_at", expiresAt, 1, Long.MAX_VALUE);
            Require.text("chain_id", chainId, 31);
            Require.text("relayer", relayer, 31);
        }
    }

    /**
     * Provider to relayer: log in. The signature is over the SNIP-12 login message for
     * {@code (address, nonce, expiresAt)}, checked against the key registered on-chain for the address.
     *
     * @param id message id
     * @param address the provider's account address
     * @param nonce the challenge's nonce
     * @param expiresAt the challenge's expiry
     * @param signature the login signature
     * @param capabilities what the node offers
     * @param clockMillis the provider's clock when it sent this (epoch millis), so the relayer can compare it with its
     *     own (assignments carry deadlines by the relayer's clock); empty from a provider that does not say
     */
    public record NodeRegister(String id, ContractAddress address, Felt nonce, long expiresAt, Signature signature,
            NodeCapabilities capabilities, Optional<Long> clockMillis) implements Message {
        /** Validates every field. */
        public NodeRegister {
            checkId(id);
            Require.present("address", address);
            Require.present("nonce", nonce);
            Require.range("expires_at", expiresAt, 1, Long.MAX_VALUE);
            Require.present("signature", signature);
            Require.present("capabilities", capabilities);
            clockMillis = Require.optional("clock_millis", clockMillis);
            clockMillis.ifPresent(c -> Require.range("clock_millis", c, 1, Long.MAX_VALUE));
        }

        /**
         * A login that does not say the provider's time.
         *
         * @param id message id
         * @param address the provider's account address
         * @param nonce the challenge's nonce
         * @param expiresAt the challenge's expiry
         * @param signature the login signature
         * @param capabilities what the node offers
         */
        public NodeRegister(String id, ContractAddress address, Felt nonce, long expiresAt, Signature signature,
                NodeCapabilities capabilities) {
            this(id, address, nonce, expiresAt, signature, capabilities, Optional.empty());
        }
    }

    /**
     * A message was accepted.
     *
     * @param id message id
     * @param refId the accepted message's id
     * @param nodeId after login: the node id the relayer assigned; else empty text
     * @param heartbeatSeconds after login: how often to heartbeat; else 0
     */
    public record Ack(String id, String refId, String nodeId, int heartbeatSeconds) implements Message {
        /** Validates every field. */
        public Ack {
            checkId(id);
            Require.text("ref_id", refId, 64);
            nodeId = nodeId == null ? "" : nodeId;
            Require.range("heartbeat_seconds", heartbeatSeconds, 0, 3600);
        }
    }

    /**
     * Provider to relayer: alive.
     *
     * @param id message id
     * @param running tasks running now
     * @param capacity tasks it can run at once
     */
    public record NodeHeartbeat(String id, int running, int capacity) implements Message {
        /** Validates every field. */
        public NodeHeartbeat {
            checkId(id);
            Require.range("running", running, 0, 1 << 20);
            Require.range("capacity", capacity, 0, 1 << 20);
        }
    }

    /**
     * Relayer to provider: run this task, then send {@link TaskCompleted} or {@link TaskFailed}.
     *
     * <p>For effort settlement the relayer also says how it will price the receipt, so the provider signs
     * the same {@code actual_cost}: {@code effort_base_price} (base units) and {@code tier_multiplier}
     * (basis points, the escrow's on-chain multiplier). Both are optional on the wire (a relayer older than
     * these fields leaves them out), come together, and only with {@code settlement: "effort"}.
     *
     * @param id message id
     * @param taskId the relayer's task id
     * @param escrowId the on-chain escrow task id the receipt commits to
     * @param job the work
     * @param settlement how it is paid; with {@link SettlementMode#EFFORT} the receipt is h2
     * @param escrowAmount the escrowed amount (the most an effort cost may be)
     * @param deadlineMillis epoch millis by which the result must arrive
     * @param effortBasePrice for effort settlement: the base price the relayer settles with (its
     *     {@code price.effort_base}); positive
     * @param tierMultiplier for effort settlement: the tier multiplier the relayer settles with, in
     *     {@code [10000, 100000]} basis points
     */
    public record TaskAssigned(String id, String taskId, U256 escrowId, JobSpec job, SettlementMode settlement,
            TokenAmount escrowAmount, long deadlineMillis, Optional<TokenAmount> effortBasePrice,
            Optional<BasisPoints> tierMultiplier) implements Message {
        /** Validates every field. */
        public TaskAssigned {
            checkId(id);
            Require.text("task_id", taskId, 64);
            Require.present("escrow_id", escrowId);
            Require.present("job", job);
            Require.present("settlement", settlement);
            Require.present("escrow_amount", escrowAmount);
            Require.range("deadline_millis", deadlineMillis, 1, Long.MAX_VALUE);
            effortBasePrice = Require.optional("effort_base_price", effortBasePrice);
            tierMultiplier = Require.optional("tier_multiplier", tierMultiplier);
            if (effortBasePrice.isPresent() && effortBasePrice.get().isZero()) {
                throw new InvalidFieldException("effort_base_price", "a positive amount of base units",
                        effortBasePrice.get());
            }
            if (tierMultiplier.isPresent() && (tierMultiplier.get().value() < FeeSchedule.MIN_TIER_MULTIPLIER
                    || tierMultiplier.get().value() > FeeSchedule.MAX_TIER_MULTIPLIER)) {
                throw new InvalidFieldException("tier_multiplier", "basis points in [" + FeeSchedule.MIN_TIER_MULTIPLIER
                        + ", " + FeeSchedule.MAX_TIER_MULTIPLIER + "]", tierMultiplier.get().value());
            }
            if (effortBasePrice.isPresent() != tierMultiplier.isPresent()) {
                String missing = effortBasePrice.isPresent() ? "tier_multiplier" : "effort_base_price";
                throw new InvalidFieldException(missing, "present together with "
                        + (effortBasePrice.isPresent() ? "effort_base_price" : "tier_multiplier"), null);
            }
            if (effortBasePrice.isPresent() && settlement != SettlementMode.EFFORT) {
                throw new InvalidFieldException("effort_base_price", "absent unless settlement is effort", settlement);
            }
        }

        /**
         * An assignment without effort pricing: flat settlement, or the form of a relayer that predates the
         * pricing fields.
         *
         * @param id message id
         * @param taskId the relayer's task id
         * @param escrowId the on-chain escrow task id
         * @param job the work
         * @param settlement how it is paid
         * @param escrowAmount the escrowed amount
         * @param deadlineMillis epoch millis by which the result must arrive
         */
        public TaskAssigned(String id, String taskId, U256 escrowId, JobSpec job, SettlementMode settlement,
                TokenAmount escrowAmount, long deadlineMillis) {
            this(id, taskId, escrowId, job, settlement, escrowAmount, deadlineMillis, Optional.empty(), Optional.empty());
        }

        /**
         * @return the base price and multiplier the relayer will settle with, when it sent them (effort
         *     settlement from a relayer that has these fields)
         */
        public Optional<EffortPrice> effortPrice() {
            return effortBasePrice.map(base -> new EffortPrice(base, tierMultiplier.orElseThrow()));
        }
    }

    /**
     * How a relayer prices an effort-settled task: {@code actual_cost = EffortPricing.actualCost(basePrice,
     * tierMultiplier, effort score, escrow)}.
     *
     * @param basePrice the base price, positive
     * @param tierMultiplier the tier multiplier
     */
    public record EffortPrice(TokenAmount basePrice, BasisPoints tierMultiplier) {
        /** Validates every field. */
        public EffortPrice {
            Require.present("effort_base_price", basePrice);
            Require.present("tier_multiplier", tierMultiplier);
        }
    }

    /**
     * Provider to relayer: the task is running.
     *
     * @param id message id
     * @param taskId the task
     */
    public record TaskAccepted(String id, String taskId) implements Message {
        /** Validates every field. */
        public TaskAccepted {
            checkId(id);
            Require.text("task_id", taskId, 64);
        }
    }

    /**
     * Provider to relayer: the result, its hash and the signed receipt (h1, or h2 over
     * {@code actualCost} for effort settlement).
     *
     * @param id message id
     * @param taskId the task
     * @param result the result bytes
     * @param resultHash SHA-256 of the result, reduced modulo the Stark prime
     * @param signature the receipt signature
     * @param effort what the run consumed, for effort settlement
     * @param actualCost the cost the h2 receipt commits to, for effort settlement
     */
    public record TaskCompleted(String id, String taskId, byte[] result, Felt resultHash, Signature signature,
            Optional<EffortMetrics> effort, Optional<TokenAmount> actualCost) implements Message {
        /** Validates every field. */
        public TaskCompleted {
            checkId(id);
            Require.text("task_id", taskId, 64);
            Require.present("result", result);
            Require.present("result_hash", resultHash);
            Require.present("signature", signature);
            effort = Require.optional("effort", effort);
            actualCost = Require.optional("actual_cost", actualCost);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TaskCompleted t && id.equals(t.id) && taskId.equals(t.taskId) && Arrays.equals(result, t.result)
                    && resultHash.equals(t.resultHash) && signature.equals(t.signature) && effort.equals(t.effort)
                    && actualCost.equals(t.actualCost);
        }

        @Override
        public int hashCode() {
            return id.hashCode() * 31 + Arrays.hashCode(result);
        }

        @Override
        public String toString() {
            return "TaskCompleted[id=" + id + ", taskId=" + taskId + ", result=" + result.length + " bytes, resultHash="
                    + resultHash + ", effort=" + effort + ", actualCost=" + actualCost + "]";
        }
    }

    /**
     * Provider to relayer: the task could not be run.
     *
     * @param id message id
     * @param taskId the task
     * @param reason what went wrong
     * @param retryable true when another node might succeed
     */
    public record TaskFailed(String id, String taskId, String reason, boolean retryable) implements Message {
        /** Validates every field. */
        public TaskFailed {
            checkId(id);
            Require.text("task_id", taskId, 64);
            Require.text("reason", reason, 1024);
        }
    }

    /**
     * Relayer to provider: stop working on this task (it timed out or went to another node).
     *
     * @param id message id
     * @param taskId the task
     * @param reason why
     */
    public record TaskRevoked(String id, String taskId, String reason) implements Message {
        /** Validates every field. */
        public TaskRevoked {
            checkId(id);
            Require.text("task_id", taskId, 64);
            Require.text("reason", reason, 1024);
        }
    }

    /**
     * Are you there.
     *
     * @param id message id
     */
    public record Ping(String id) implements Message {
        /** Validates the id. */
        public Ping {
            checkId(id);
        }
    }

    /**
     * Here.
     *
     * @param id message id
     * @param refId the ping's id
     */
    public record Pong(String id, String refId) implements Message {
        /** Validates every field. */
        public Pong {
            checkId(id);
            Require.text("ref_id", refId, 64);
        }
    }

    /**
     * A message was refused.
     *
     * @param id message id
     * @param refId the refused message's id, or empty when it could not be read
     * @param code a stable machine-readable code, e.g. {@code invalid_field}
     * @param message what was expected and what came
     * @param field the bad field, when one is to blame
     */
    public record ErrorMessage(String id, String refId, String code, String message, Optional<String> field)
            implements Message {
        /**
         * The code of an answer that refuses nothing: the receiver could not handle the message now (its
         * store is down, say) and asks for the same message again later.
         */
        public static final String RETRY_LATER = "retry_later";

        /**
         * @return whether this answer asks for the message again later: {@link #RETRY_LATER}, or
         *     {@code internal}, which relayers that predate it send for the same
         */
        public boolean retryLater() {
            return RETRY_LATER.equals(code) || "internal".equals(code);
        }

        /** Validates every field. */
        public ErrorMessage {
            checkId(id);
            refId = refId == null ? "" : refId;
            Require.text("code", code, 64);
            Require.text("message", message, 4096);
            field = Require.optional("field", field);
        }
    }
}
