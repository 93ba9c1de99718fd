package io.smainer.escrow;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.fee.BasisPoints;
import java.util.List;

/**
 * The SmainerContract's privileged operations and its remaining views, acting as one account: what the owner
 * does (pause, the relayer and treasury, the tier multipliers, suspending a node, ownership, upgrades), the
 * relayer's {@code pull_and_execute}, and any other call ({@link #execute}, {@link #call}). The contract checks
 * who calls: from any other account the owner's functions revert {@code Caller is not the owner}
 * ({@link EscrowRevertedException#NOT_OWNER}), exactly as on chain.
 *
 * <p>Get one from {@link StarknetEscrow#admin()} (the client's account, its nonce sequence shared) or
 * {@link Ledger#admin(ContractAddress)}. Both send the same calldata and decode the same results. Writes
 * throw {@link EscrowRevertedException} with the contract's reason on a revert, {@link ChainException} on
 * node trouble.
 */
public interface EscrowAdmin {
    /** @return the account the calls are sent from */
    ContractAddress caller();

    /** @return the contract's owner ({@code owner}, OpenZeppelin's Ownable); zero once renounced */
    ContractAddress owner();

    /** @return the account allowed to settle ({@code get_relayer}); zero while none is set */
    ContractAddress relayer();

    /** @return where fees go ({@code get_treasury}) */
    ContractAddress treasury();

    /** @return {@code get_fee_percent}: the fee in percent the contract reports (15: treasury 12 plus gas 3) */
    int feePercent();

    /** @return {@code get_gas_subsidy_percent}: the gas subsidy's part of the fee, in percent (3) */
    int gasSubsidyPercent();

    /** @return the {@code pause} transaction: creation and settlement revert until {@link #unpause()} */
    TxResult pause();

    /** @return the {@code unpause} transaction */
    TxResult unpause();

    /**
     * @param relayer the account allowed to settle from now on, not zero
     * @return the {@code set_relayer} transaction (event {@code RelayerSet})
     */
    TxResult setRelayer(ContractAddress relayer);

    /**
     * @param treasury where fees go from now on, not zero
     * @return the {@code set_treasury} transaction (event {@code TreasurySet})
     */
    TxResult setTreasury(ContractAddress treasury);

    /**
     * @param basic tier 1's multiplier, in {@code [10000, 100000]} basis points
     * @param pro tier 2's
     * @param premium tier 3's
     * @return the {@code set_tier_multipliers} transaction (event {@code TierMultipliersSet})
     */
    TxResult setTierMultipliers(BasisPoints basic, BasisPoints pro, BasisPoints premium);

    /**
     * @param node an active node
     * @return the {@code suspend_node} transaction (event {@code NodeSuspended})
     */
    TxResult suspendNode(ContractAddress node);

    /**
     * @param newOwner the next owner, not zero
     * @return the {@code transfer_ownership} transaction (event {@code OwnershipTransferred})
     */
    TxResult transferOwnership(ContractAddress newOwner);

    /**
     * Leaves the contract without an owner: no owner-only function can be called again.
     *
     * @return the {@code renounce_ownership} transaction (event {@code OwnershipTransferred} to zero)
     */
    TxResult renounceOwnership();

    /**
     * Replaces the contract's class (OpenZeppelin's Upgradeable). The in-process ledger records the class hash and
     * announces it, but keeps its rules: it has no other class to run.
     *
     * @param classHash the declared class to run from now on, not zero
     * @return the {@code upgrade} transaction (event {@code Upgraded})
     */
    TxResult upgrade(Felt classHash);

    /**
     * The relayer's {@code pull_and_execute}: takes {@code amount} from {@code user}'s allowance to the contract,
     * pays 12% to the treasury at once and escrows the rest as a BASIC task.
     *
     * @param user whose allowance pays
     * @param token the ERC-20
     * @param amount pulled from the user
     * @param promptHash the task's commitment
     * @return the new task's {@code TaskExecuted} event
     */
    EscrowEvent.TaskExecuted pullAndExecute(ContractAddress user, ContractAddress token, TokenAmount amount, Felt promptHash);

    /**
     * Sends any multicall from {@link #caller()}, for calls the typed methods do not cover.
     *
     * @param calls the calls, in order; one transaction
     * @return the transaction
     * @throws EscrowRevertedException when it reverts: nothing took effect
     */
    TxResult execute(List<ContractCall> calls);

    /**
     * Any view, on the latest state.
     *
     * @param call the call
     * @return its return values
     * @throws EscrowRevertedException when the view reverts
     */
    List<Felt> call(ContractCall call);
}
