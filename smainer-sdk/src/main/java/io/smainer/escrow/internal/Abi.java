package io.smainer.escrow.internal;

import io.smainer.chain.Felt;
import io.smainer.crypto.internal.SnKeccak;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Entry-point and event names of the SmainerContract and the ERC-20 token, as the public Cairo source
 * ({@code Smainer/smainer-contracts-public}, {@code src/smainer.cairo}, {@code src/interfaces.cairo}) and
 * OpenZeppelin v0.20.0's components name them (and {@code contracts/smainer_contract.abi.json} records),
 * with their selectors. Not API.
 */
public final class Abi {
    private static final Map<String, Felt> SELECTORS = new ConcurrentHashMap<>();

    // SmainerContract: registry
    public static final String REGISTER_NODE = "register_node";
    public static final String DEACTIVATE_NODE = "deactivate_node";
    public static final String SUSPEND_NODE = "suspend_node";
    public static final String GET_NODE_STATUS = "get_node_status";
    public static final String SET_PROVIDER_PUBLIC_KEY = "set_provider_public_key";
    public static final String GET_PROVIDER_PUBLIC_KEY = "get_provider_public_key";
    // escrow
    public static final String CREATE_TASK = "create_task";
    public static final String CREATE_TIERED_TASK = "create_tiered_task";
    public static final String PULL_AND_EXECUTE = "pull_and_execute";
    public static final String CANCEL_TASK = "cancel_task";
    public static final String GET_TASK = "get_task";
    public static final String GET_TASK_COUNT = "get_task_count";
    // settlement
    public static final String SUBMIT_PROOF_AND_CLAIM = "submit_proof_and_claim";
    public static final String SETTLE_WITH_EFFORT = "settle_with_effort";
    public static final String SETTLE_WITH_EFFORT_AND_AFFILIATE = "settle_with_effort_and_affiliate";
    // admin and views
    public static final String SET_RELAYER = "set_relayer";
    public static final String GET_RELAYER = "get_relayer";
    /** An account contract's view of its Stark key (OpenZeppelin and starknet-jvm's standard accounts). */
    public static final String GET_PUBLIC_KEY = "get_public_key";
    /** SNIP-6: an account's check of a signature over a hash, answering {@code 'VALID'} when it accepts it. */
    public static final String IS_VALID_SIGNATURE = "is_valid_signature";
    /** The Cairo 0 accounts' name for the same check (answering 1 for valid). */
    public static final String IS_VALID_SIGNATURE_LEGACY = "isValidSignature";
    public static final String SET_TREASURY = "set_treasury";
    public static final String GET_TREASURY = "get_treasury";
    public static final String PAUSE = "pause";
    public static final String UNPAUSE = "unpause";
    public static final String IS_PAUSED = "is_paused";
    public static final String UPGRADE = "upgrade";
    public static final String GET_FEE_PERCENT = "get_fee_percent";
    public static final String GET_GAS_SUBSIDY_PERCENT = "get_gas_subsidy_percent";
    public static final String SET_TIER_MULTIPLIERS = "set_tier_multipliers";
    public static final String GET_TIER_MULTIPLIER = "get_tier_multiplier";
    // OpenZeppelin OwnableImpl (embedded)
    public static final String OWNER = "owner";
    public static final String TRANSFER_OWNERSHIP = "transfer_ownership";
    public static final String RENOUNCE_OWNERSHIP = "renounce_ownership";

    // ERC-20
    public static final String APPROVE = "approve";
    public static final String TRANSFER = "transfer";
    public static final String TRANSFER_FROM = "transfer_from";
    public static final String BALANCE_OF = "balance_of";
    public static final String ALLOWANCE = "allowance";
    public static final String TOTAL_SUPPLY = "total_supply";
    public static final String DECIMALS = "decimals";

    // events
    public static final String TASK_CREATED = "TaskCreated";
    public static final String TASK_COMPLETED = "TaskCompleted";
    public static final String FEE_COLLECTED = "FeeCollected";
    public static final String PAYOUT_RELEASED = "PayoutReleased";
    public static final String EFFORT_SETTLEMENT = "EffortSettlement";
    public static final String EFFORT_SETTLEMENT_V2 = "EffortSettlementV2";
    public static final String TASK_CANCELLED = "TaskCancelled";
    public static final String NODE_REGISTERED = "NodeRegistered";
    public static final String NODE_DEACTIVATED = "NodeDeactivated";
    public static final String NODE_SUSPENDED = "NodeSuspended";
    public static final String TASK_EXECUTED = "TaskExecuted";
    public static final String RELAYER_SET = "RelayerSet";
    public static final String TREASURY_SET = "TreasurySet";
    public static final String TIER_MULTIPLIERS_SET = "TierMultipliersSet";
    // OpenZeppelin component events (#[flat]: keys[0] is the inner variant's selector)
    public static final String OWNERSHIP_TRANSFERRED = "OwnershipTransferred";
    public static final String OWNERSHIP_TRANSFER_STARTED = "OwnershipTransferStarted";
    public static final String PAUSED_EVENT = "Paused";
    public static final String UNPAUSED_EVENT = "Unpaused";
    public static final String UPGRADED = "Upgraded";
    public static final String TRANSFER_EVENT = "Transfer";
    public static final String APPROVAL_EVENT = "Approval";

    /** The account entry point a multicall invoke runs. */
    public static final String EXECUTE = "__execute__";

    private Abi() {
    }

    /**
     * @param name an entry-point or event name
     * @return {@code sn_keccak(name)}, as Starknet selects functions and keys events
     */
    public static Felt selector(String name) {
        return SELECTORS.computeIfAbsent(name, SnKeccak::hash);
    }
}
