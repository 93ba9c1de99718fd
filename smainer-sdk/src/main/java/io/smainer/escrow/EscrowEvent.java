package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;

/**
 * The SmainerContract's events, each decoded from its real layout ({@code src/smainer.cairo} and the
 * OpenZeppelin components it embeds). Each carries its position in the stream.
 *
 * <p>A settlement shows as {@link TaskSettled}, whatever its path: from {@code PayoutReleased} after a flat
 * settlement (with the treasury fee of the {@code FeeCollected} that precedes it), or from
 * {@code EffortSettlement}/{@code EffortSettlementV2}. The events a settlement emits besides
 * ({@link TaskCompleted}, {@link FeeCollected}) come too, before it.
 */
public sealed interface EscrowEvent {
    /** @return where it is in the stream */
    EventCursor cursor();

    /** @return the transaction that emitted it */
    Felt txHash();

    /**
     * {@code TaskCreated}: a task funded by {@code create_task} or {@code create_tiered_task}.
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
     * {@code TaskExecuted}: a task funded by the relayer's {@code pull_and_execute}, which pays 12% to the
     * treasury at once and escrows the rest (no {@code TaskCreated} is emitted for it).
     *
     * @param cursor position
     * @param txHash transaction
     * @param taskId the new task
     * @param creator the user whose allowance paid
     * @param token the ERC-20
     * @param amount pulled from the user
     * @param promptHash the commitment
     * @param escrowed what the task holds ({@code provider_payout}: amount minus the treasury fee)
     * @param treasuryFee paid to the treasury at once
     */
    record TaskExecuted(EventCursor cursor, Felt txHash, U256 taskId, ContractAddress creator, ContractAddress token,
            TokenAmount amount, Felt promptHash, TokenAmount escrowed, TokenAmount treasuryFee) implements EscrowEvent {
    }

    /**
     * {@code TaskCompleted}: emitted by every settlement path, before its payout event.
     *
     * @param cursor position
     * @param txHash transaction
     * @param taskId the task
     * @param provider who was paid
     * @param resultHash the result committed to
     */
    record TaskCompleted(EventCursor cursor, Felt txHash, U256 taskId, ContractAddress provider, Felt resultHash)
            implements EscrowEvent {
    }

    /**
     * {@code FeeCollected}: a flat settlement's split, before its {@code PayoutReleased}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param taskId the task
     * @param treasuryFee 12%, paid to the treasury
     * @param gasSubsidy 3%, paid to the provider
     * @param providerBase 85%, paid to the provider ({@code provider_payout}, without the gas subsidy)
     */
    record FeeCollected(EventCursor cursor, Felt txHash, U256 taskId, TokenAmount treasuryFee, TokenAmount gasSubsidy,
            TokenAmount providerBase) implements EscrowEvent {
    }

    /**
     * A task paid out: {@code PayoutReleased} (flat; the task is then COMPLETED on chain) or
     * {@code EffortSettlement}/{@code EffortSettlementV2} (effort; SETTLED on chain).
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
     * {@code TaskCancelled}: the real event carries the id only; the creator and the refunded amount stay
     * readable with {@link Escrow#getTask} (a cancel changes only the status).
     *
     * @param cursor position
     * @param txHash transaction
     * @param taskId the task
     */
    record TaskCancelled(EventCursor cursor, Felt txHash, U256 taskId) implements EscrowEvent {
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

    /**
     * {@code NodeDeactivated}: the node left by itself.
     *
     * @param cursor position
     * @param txHash transaction
     * @param node the node
     */
    record NodeDeactivated(EventCursor cursor, Felt txHash, ContractAddress node) implements EscrowEvent {
    }

    /**
     * {@code NodeSuspended}: the owner suspended the node (it may register again).
     *
     * @param cursor position
     * @param txHash transaction
     * @param node the node
     */
    record NodeSuspended(EventCursor cursor, Felt txHash, ContractAddress node) implements EscrowEvent {
    }

    /**
     * {@code RelayerSet}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param oldRelayer the relayer before, zero for none
     * @param newRelayer the relayer now
     */
    record RelayerSet(EventCursor cursor, Felt txHash, ContractAddress oldRelayer, ContractAddress newRelayer)
            implements EscrowEvent {
    }

    /**
     * {@code TreasurySet}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param oldTreasury the treasury before
     * @param newTreasury the treasury now
     */
    record TreasurySet(EventCursor cursor, Felt txHash, ContractAddress oldTreasury, ContractAddress newTreasury)
            implements EscrowEvent {
    }

    /**
     * {@code TierMultipliersSet}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param basic tier 1's multiplier
     * @param pro tier 2's
     * @param premium tier 3's
     */
    record TierMultipliersSet(EventCursor cursor, Felt txHash, BasisPoints basic, BasisPoints pro, BasisPoints premium)
            implements EscrowEvent {
    }

    /**
     * OpenZeppelin's {@code OwnershipTransferred} (a {@code #[flat]} component event).
     *
     * @param cursor position
     * @param txHash transaction
     * @param previousOwner the owner before, zero at deployment
     * @param newOwner the owner now, zero after {@code renounce_ownership}
     */
    record OwnershipTransferred(EventCursor cursor, Felt txHash, ContractAddress previousOwner,
            ContractAddress newOwner) implements EscrowEvent {
    }

    /**
     * OpenZeppelin's {@code OwnershipTransferStarted}: declared in the class's event enum but never
     * emitted by it (it embeds no two-step ownership).
     *
     * @param cursor position
     * @param txHash transaction
     * @param previousOwner the owner
     * @param newOwner the pending owner
     */
    record OwnershipTransferStarted(EventCursor cursor, Felt txHash, ContractAddress previousOwner,
            ContractAddress newOwner) implements EscrowEvent {
    }

    /**
     * OpenZeppelin's {@code Paused}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param account who paused
     */
    record Paused(EventCursor cursor, Felt txHash, ContractAddress account) implements EscrowEvent {
    }

    /**
     * OpenZeppelin's {@code Unpaused}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param account who unpaused
     */
    record Unpaused(EventCursor cursor, Felt txHash, ContractAddress account) implements EscrowEvent {
    }

    /**
     * OpenZeppelin's {@code Upgraded}: the contract now runs another class.
     *
     * @param cursor position
     * @param txHash transaction
     * @param classHash the new class
     */
    record Upgraded(EventCursor cursor, Felt txHash, Felt classHash) implements EscrowEvent {
    }
}
