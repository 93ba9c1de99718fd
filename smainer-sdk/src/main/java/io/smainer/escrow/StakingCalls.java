package io.smainer.escrow;

import io.smainer.chain.Calldata;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.escrow.internal.StakingAbi;
import java.util.List;

/**
 * The calls of {@code ISmainerStaking}, encoded per the contract's ABI (a {@code ContractAddress} and a
 * {@code felt252} as one felt, a {@code u256} as low and high, a {@code bool} as 0 or 1), for multicalls that
 * mix them with other contracts' calls (a relayer puts the active-task counts beside its settlements).
 */
public final class StakingCalls {
    private StakingCalls() {
    }

    /**
     * @param staking the staking contract
     * @param amount added to the caller's stake
     * @return {@code deposit_stake(amount)}
     */
    public static ContractCall depositStake(ContractAddress staking, TokenAmount amount) {
        return ContractCall.of(staking, StakingAbi.DEPOSIT_STAKE, Calldata.builder().u256(amount.toU256()).build());
    }

    /**
     * @param staking the staking contract
     * @return {@code request_unstake()}
     */
    public static ContractCall requestUnstake(ContractAddress staking) {
        return ContractCall.of(staking, StakingAbi.REQUEST_UNSTAKE, List.of());
    }

    /**
     * @param staking the staking contract
     * @return {@code withdraw_stake()}
     */
    public static ContractCall withdrawStake(ContractAddress staking) {
        return ContractCall.of(staking, StakingAbi.WITHDRAW_STAKE, List.of());
    }

    /**
     * @param staking the staking contract
     * @param provider a provider
     * @return {@code increment_active_tasks(provider)}
     */
    public static ContractCall incrementActiveTasks(ContractAddress staking, ContractAddress provider) {
        return ContractCall.of(staking, StakingAbi.INCREMENT_ACTIVE_TASKS, List.of(provider.felt()));
    }

    /**
     * @param staking the staking contract
     * @param provider a provider
     * @return {@code decrement_active_tasks(provider)}
     */
    public static ContractCall decrementActiveTasks(ContractAddress staking, ContractAddress provider) {
        return ContractCall.of(staking, StakingAbi.DECREMENT_ACTIVE_TASKS, List.of(provider.felt()));
    }

    /**
     * @param staking the staking contract
     * @param provider a provider
     * @return {@code mark_task_abandoned(provider)}
     */
    public static ContractCall markTaskAbandoned(ContractAddress staking, ContractAddress provider) {
        return ContractCall.of(staking, StakingAbi.MARK_TASK_ABANDONED, List.of(provider.felt()));
    }

    /**
     * @param staking the staking contract
     * @param provider the provider
     * @param reasonHash the evidence's hash
     * @return {@code initiate_slash(provider, reason_hash)}
     */
    public static ContractCall initiateSlash(ContractAddress staking, ContractAddress provider, Felt reasonHash) {
        return ContractCall.of(staking, StakingAbi.INITIATE_SLASH, List.of(provider.felt(), reasonHash));
    }

    /**
     * @param staking the staking contract
     * @param provider the provider appealing (the caller)
     * @return {@code appeal_slash(provider)}
     */
    public static ContractCall appealSlash(ContractAddress staking, ContractAddress provider) {
        return ContractCall.of(staking, StakingAbi.APPEAL_SLASH, List.of(provider.felt()));
    }

    /**
     * @param staking the staking contract
     * @param provider the provider
     * @param upheld whether the slash stands
     * @return {@code resolve_appeal(provider, upheld)}
     */
    public static ContractCall resolveAppeal(ContractAddress staking, ContractAddress provider, boolean upheld) {
        return ContractCall.of(staking, StakingAbi.RESOLVE_APPEAL, List.of(provider.felt(), upheld ? Felt.ONE : Felt.ZERO));
    }

    /**
     * @param staking the staking contract
     * @param provider the provider
     * @return {@code execute_slash(provider)}
     */
    public static ContractCall executeSlash(ContractAddress staking, ContractAddress provider) {
        return ContractCall.of(staking, StakingAbi.EXECUTE_SLASH, List.of(provider.felt()));
    }

    /**
     * @param staking the staking contract
     * @param amount the new minimum
     * @return {@code set_min_stake(amount)}
     */
    public static ContractCall setMinStake(ContractAddress staking, TokenAmount amount) {
        return ContractCall.of(staking, StakingAbi.SET_MIN_STAKE, Calldata.builder().u256(amount.toU256()).build());
    }

    /**
     * @param staking the staking contract
     * @param relayer the new relayer
     * @return {@code set_authorized_relayer(addr)}
     */
    public static ContractCall setAuthorizedRelayer(ContractAddress staking, ContractAddress relayer) {
        return ContractCall.of(staking, StakingAbi.SET_AUTHORIZED_RELAYER, List.of(relayer.felt()));
    }

    /**
     * @param staking the staking contract
     * @param verifier the new verifier
     * @return {@code set_authorized_verifier(addr)}
     */
    public static ContractCall setAuthorizedVerifier(ContractAddress staking, ContractAddress verifier) {
        return ContractCall.of(staking, StakingAbi.SET_AUTHORIZED_VERIFIER, List.of(verifier.felt()));
    }

    /**
     * @param staking the staking contract
     * @param newOwner the next owner
     * @return {@code transfer_ownership(new_owner)}
     */
    public static ContractCall transferOwnership(ContractAddress staking, ContractAddress newOwner) {
        return ContractCall.of(staking, StakingAbi.TRANSFER_OWNERSHIP, List.of(newOwner.felt()));
    }
}
