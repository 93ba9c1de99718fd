package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import java.time.Instant;

/**
 * Events of {@code SmainerStakingContract}, as its source declares them: each has the provider as its one
 * {@code #[key]} after the selector ({@code OwnershipTransferred}, OpenZeppelin's, has the two owners).
 * Each carries its position in the staking contract's stream.
 */
public sealed interface StakingEvent {
    /** @return where it is in the staking contract's stream */
    EventCursor cursor();

    /** @return the transaction that emitted it */
    Felt txHash();

    /**
     * {@code StakeDeposited}: keys {@code [sel, provider]}, data {@code [amount: u256, total_stake: u256]}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param provider who staked
     * @param amount deposited now
     * @param totalStake the stake after it
     */
    record StakeDeposited(EventCursor cursor, Felt txHash, ContractAddress provider, TokenAmount amount,
            TokenAmount totalStake) implements StakingEvent {
    }

    /**
     * {@code StakeWithdrawalRequested}: data {@code [unlock_at: u64]}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param provider who asked
     * @param unlockAt when {@code withdraw_stake} becomes possible
     */
    record StakeWithdrawalRequested(EventCursor cursor, Felt txHash, ContractAddress provider, Instant unlockAt)
            implements StakingEvent {
    }

    /**
     * {@code StakeWithdrawn}: data {@code [amount: u256]}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param provider who withdrew
     * @param amount the whole stake, returned
     */
    record StakeWithdrawn(EventCursor cursor, Felt txHash, ContractAddress provider, TokenAmount amount)
            implements StakingEvent {
    }

    /**
     * {@code SlashInitiated}: data {@code [slash_percent: u8, reason_hash: felt252, appeal_deadline: u64]}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param provider who is to be slashed
     * @param percent 20, 50 or 100
     * @param reasonHash the verifier's commitment to its evidence
     * @param appealDeadline when {@code execute_slash} becomes possible unless appealed
     */
    record SlashInitiated(EventCursor cursor, Felt txHash, ContractAddress provider, int percent, Felt reasonHash,
            Instant appealDeadline) implements StakingEvent {
    }

    /**
     * {@code SlashExecuted}: data {@code [slash_amount, treasury_share, verifier_share]}, each a u256.
     *
     * @param cursor position
     * @param txHash transaction
     * @param provider who was slashed
     * @param slashAmount taken from the stake
     * @param treasuryShare paid to the treasury (80%, rounded down)
     * @param verifierShare paid to the initiator (the remainder)
     */
    record SlashExecuted(EventCursor cursor, Felt txHash, ContractAddress provider, TokenAmount slashAmount,
            TokenAmount treasuryShare, TokenAmount verifierShare) implements StakingEvent {
    }

    /**
     * {@code AppealSubmitted}: data {@code [initiated_at: u64]} (when the slash was initiated).
     *
     * @param cursor position
     * @param txHash transaction
     * @param provider who appealed
     * @param slashInitiatedAt when the appealed slash was initiated
     */
    record AppealSubmitted(EventCursor cursor, Felt txHash, ContractAddress provider, Instant slashInitiatedAt)
            implements StakingEvent {
    }

    /**
     * {@code AppealResolved}: data {@code [upheld: bool]}. Upheld means the appeal failed: the slash
     * resumes with a fresh 7-day window; otherwise the slash is cleared.
     *
     * @param cursor position
     * @param txHash transaction
     * @param provider whose appeal
     * @param upheld whether the slash stands
     */
    record AppealResolved(EventCursor cursor, Felt txHash, ContractAddress provider, boolean upheld)
            implements StakingEvent {
    }

    /**
     * {@code TaskAbandoned}: data {@code [remaining_stake: u256]}. No slash follows from it.
     *
     * @param cursor position
     * @param txHash transaction
     * @param provider who abandoned a task
     * @param remainingStake its stake
     */
    record TaskAbandoned(EventCursor cursor, Felt txHash, ContractAddress provider, TokenAmount remainingStake)
            implements StakingEvent {
    }

    /**
     * OpenZeppelin's {@code OwnershipTransferred}: keys {@code [sel, previous_owner, new_owner]}.
     *
     * @param cursor position
     * @param txHash transaction
     * @param previousOwner the owner before
     * @param newOwner the owner after (zero when renounced)
     */
    record OwnershipTransferred(EventCursor cursor, Felt txHash, ContractAddress previousOwner,
            ContractAddress newOwner) implements StakingEvent {
    }
}
