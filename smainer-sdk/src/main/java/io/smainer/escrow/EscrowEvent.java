package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.fee.Tier;

/** Contract events the SDK follows. Each carries its position in the stream. */
public sealed interface EscrowEvent {
    /** @return where it is in the stream */
    EventCursor cursor();

    /** @return the transaction that emitted it */
    Felt txHash();

    /**
     * {@code TaskCreated}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param taskId the new task
     * @param creator who funded it
     * @param token the ERC-20
     * @param amount escrowed
     * @param baseReward the base amount
     * @param adjustedReward the tier-adjusted amount
     * @param requiredTier the tier
     * @param taskHash the commitment
     */
    record TaskCreated(EventCursor cursor, Felt txHash, U256 taskId, ContractAddress creator, ContractAddress token,
            TokenAmount amount, TokenAmount baseReward, TokenAmount adjustedReward, Tier requiredTier, Felt taskHash)
            implements EscrowEvent {
    }

    /**
     * A task paid out: {@code PayoutReleased} (flat) or {@code EffortSettlement}/{@code EffortSettlementV2}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param taskId the task
     * @param provider who was paid
     * @param providerAmount paid to the provider
     * @param treasuryAmount paid to the treasury
     * @param affiliateAmount paid to an affiliate, zero for none
     * @param refund returned to the creator
     */
    record TaskSettled(EventCursor cursor, Felt txHash, U256 taskId, ContractAddress provider, TokenAmount providerAmount,
            TokenAmount treasuryAmount, TokenAmount affiliateAmount, TokenAmount refund) implements EscrowEvent {
    }

    /**
     * {@code TaskCancelled}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param taskId the task
     * @param creator who was refunded
     * @param refund the amount returned
     */
    record TaskCancelled(EventCursor cursor, Felt txHash, U256 taskId, ContractAddress creator, TokenAmount refund)
            implements EscrowEvent {
    }

    /**
     * {@code NodeRegistered}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param node the node
     */
    record NodeRegistered(EventCursor cursor, Felt txHash, ContractAddress node) implements EscrowEvent {
    }
}
