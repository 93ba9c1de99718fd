package io.smainer.relayer.staking;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Signature;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.SettlementMode;
import java.util.Optional;

/**
 * What proves that a provider signed a wrong result: the job, the result it returned, the receipt hash its
 * signature covers (h1 or h2 of PROTOCOL.md, over the escrow id, the provider, the result hash and for effort
 * settlement the cost) and the signature, and which check refused the result. Anyone can verify it without
 * trusting the relayer: recompute the result hash, check the signature against the provider's key on chain,
 * and rerun the check. Its JSON's {@code result_hash}-style hash (SHA-256 mod P) is the slash's {@code reason_hash}.
 *
 * <p>For a sealed task ({@value #SEALED_FORMAT}), disputed by its demander, {@code job} and {@code result} are the sealed
 * forms the provider received and signed, and {@code revealed} holds the two content keys the demander revealed: with
 * them anyone opens the job ({@code SealedJobs.openWithFileKey}) and the result ({@code Envelope.openWithFileKey}) and
 * reruns the check; the receipt covers the sealed result's bytes.
 *
 * @param format {@value #FORMAT}
 * @param taskId the relayer's task id
 * @param escrowId the on-chain task
 * @param provider who signed
 * @param job the job, as the provider received it
 * @param result the result it returned
 * @param resultHash SHA-256 of the result mod P
 * @param settlement flat or effort
 * @param actualCost the signed cost, for effort settlement
 * @param receiptHash the hash the signature covers
 * @param signature the provider's signature
 * @param check the check that refused the result ({@code freivalds}, {@code recompute} or the checker's name)
 * @param verdict what the check found
 * @param detectedAt when, in seconds since the epoch
 * @param revealed for a sealed task, the content keys its demander revealed
 */
public record Evidence(String format, String taskId, U256 escrowId, ContractAddress provider, JobSpec job, byte[] result,
        Felt resultHash, SettlementMode settlement, Optional<TokenAmount> actualCost, Felt receiptHash,
        Signature signature, String check, String verdict, long detectedAt, Optional<Revealed> revealed) {
    /** The evidence format this relayer writes for a wrong result it checked itself. */
    public static final String FORMAT = "smainer-wrong-result-1";
    /** The evidence format of a wrong sealed result its demander disputed, with the content keys revealed. */
    public static final String SEALED_FORMAT = "smainer-wrong-sealed-result-1";

    /**
     * The content keys a sealed task's demander revealed, each {@code 0x} and 32 hex digits.
     *
     * @param jobFileKey the sealed job's
     * @param resultFileKey the sealed result's
     */
    public record Revealed(String jobFileKey, String resultFileKey) {
        @Override
        public String toString() {
            return "Revealed[(hidden)]";
        }
    }
}
