package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;

/**
 * A task as {@code get_task} returns it.
 *
 * @param id the task id
 * @param creator who funded it
 * @param token the ERC-20 it holds
 * @param amount what is escrowed (the adjusted reward)
 * @param baseReward the base amount before the tier
 * @param tierMultiplier the multiplier applied
 * @param adjustedReward {@code floor(base * multiplier / 10000)}
 * @param requiredTier the tier
 * @param taskHash the creator's commitment
 * @param status the status
 */
public record EscrowTask(U256 id, ContractAddress creator, ContractAddress token, TokenAmount amount,
        TokenAmount baseReward, BasisPoints tierMultiplier, TokenAmount adjustedReward, Tier requiredTier, Felt taskHash,
        EscrowStatus status) {
}
