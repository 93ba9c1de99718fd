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
 */
public record Evidence(String format, String taskId, U256 escrowId, ContractAddress provider, JobSpec job, byte[] result,
        Felt resultHash, SettlementMode settlement, Optional<TokenAmount> actualCost, Felt receiptHash,
        Signature signature, String check, String verdict, long detectedAt) {
    /** The evidence format this relayer writes. */
    public static final String FORMAT = "smainer-wrong-result-1";
}
