package io.smainer.escrow;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.time.Instant;

/**
 * A slash that was initiated and neither executed nor cleared by an appeal. The contract has no view for it:
 * {@link Staking#activeSlash} rebuilds it from the contract's events.
 *
 * @param provider who is to be slashed
 * @param percent 20, 50 or 100 of the stake at execution
 * @param reasonHash the verifier's commitment to its evidence
 * @param initiatedAt when it was initiated
 * @param appealDeadline from when {@code execute_slash} succeeds, unless an appeal is pending
 * @param appealPending whether an appeal is waiting for the owner (the countdown is paused)
 */
public record ActiveSlash(ContractAddress provider, int percent, Felt reasonHash, Instant initiatedAt,
        Instant appealDeadline, boolean appealPending) {
    /** Validates presence. */
    public ActiveSlash {
        Require.present("provider", provider);
        Require.present("reason_hash", reasonHash);
        Require.present("initiated_at", initiatedAt);
        Require.present("appeal_deadline", appealDeadline);
    }

    /**
     * @param now the chain's time
     * @return whether {@code execute_slash} would pass its window checks now
     */
    public boolean executableAt(Instant now) {
        return !appealPending && !now.isBefore(appealDeadline);
    }
}
