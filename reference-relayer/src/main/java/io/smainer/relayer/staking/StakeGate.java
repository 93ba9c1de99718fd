package io.smainer.relayer.staking;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.escrow.Staking;
import java.util.Optional;

/**
 * Whether a provider has enough stake to get tasks. Asked at login (one {@code get_stake} call); a provider below
 * the minimum is refused with the reason, so it sees why it gets nothing. Thread-safe.
 */
public interface StakeGate {
    /** Lets everyone in: the policy is off. */
    StakeGate NONE = provider -> Optional.empty();

    /**
     * @param provider a provider logging in
     * @return why it may not take tasks, or empty when it may
     */
    Optional<String> refusal(ContractAddress provider);

    /**
     * @param staking a staking client (any caller: only views are used)
     * @param minStake the least stake that gets tasks
     * @return the gate
     */
    static StakeGate of(Staking staking, TokenAmount minStake) {
        Require.present("staking", staking);
        Require.present("min_stake", minStake);
        return provider -> {
            TokenAmount stake = staking.stake(provider);
            if (stake.compareTo(minStake) >= 0) {
                return Optional.empty();
            }
            return Optional.of("stake: expected at least " + minStake.toStrkString() + " (" + minStake.baseUnits()
                    + " base units, staking.min_stake) staked by " + provider.hex() + " in SmainerStakingContract "
                    + staking.contract().hex() + ", got " + stake.toStrkString() + "; deposit with 'provider stake'");
        };
    }
}
