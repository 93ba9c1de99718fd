package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.NodeStatus;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FeeSchedule;
import io.smainer.fee.FlatSplit;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The SmainerContract on a {@link LedgerMachine}, function by function as the public Cairo source
 * ({@code Smainer/smainer-contracts-public}, {@code src/smainer.cairo}) has it, with the embedded
 * OpenZeppelin v0.20.0 components (OwnableImpl; Pausable and Upgradeable internally): the same checks in
 * the same order with the same revert texts, the same statuses (a flat settlement leaves a task
 * COMPLETED, an effort one SETTLED), every event with its real keys and data in the real emission order,
 * and token transfers as calls to the token contract through {@link LedgerChain}.
 *
 * <p>Where the real contract allows something odd, so does this: a task id never created reads as an
 * all-zero task in status CREATED, so settling it passes the status check and fails later; a suspended
 * node may register again. Not modelled: the per-task lock ({@code 'Task locked'}), which the contract
 * releases within the call that takes it, so no transaction can observe it. Not API.
 */
public final class SmainerContract implements LedgerContract {
    private static final BigInteger TWO_255 = BigInteger.ONE.shiftLeft(255);
    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    private static final BigInteger TREASURY_FEE_BPS = BigInteger.valueOf(FeeSchedule.TREASURY.value());
    private static final BigInteger MAX_MULTIPLIER = BigInteger.valueOf(FeeSchedule.MAX_TIER_MULTIPLIER);
    private static final BigInteger MIN_MULTIPLIER = BigInteger.valueOf(FeeSchedule.MIN_TIER_MULTIPLIER);
    private static final int CREATED = EscrowStatus.CREATED.code();
    private static final int ASSIGNED = EscrowStatus.ASSIGNED.code();
    private static final int ACTIVE = NodeStatus.ACTIVE.code();
    /** What an unwritten {@code tasks} entry reads as: all zeros. */
    static final TaskRecord NO_TASK = new TaskRecord(ContractAddress.ZERO, ContractAddress.ZERO, BigInteger.ZERO,
            BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, 0, Felt.ZERO, CREATED, ContractAddress.ZERO);

    /** A stored task: the Cairo {@code Task} struct ({@code get_task} returns all but the provider). */
    record TaskRecord(ContractAddress creator, ContractAddress token, BigInteger amount, BigInteger baseReward,
            BigInteger multiplier, BigInteger adjustedReward, int tier, Felt taskHash, int status,
            ContractAddress assignedProvider) {
        TaskRecord settled(int s, ContractAddress provider) {
            return new TaskRecord(creator, token, amount, baseReward, multiplier, adjustedReward, tier, taskHash, s,
                    provider);
        }
    }

    /** A used signature: the replay guard's key is the pair {@code (r, s)}. */
    record SignatureKey(Felt r, Felt s) {
    }

    private final ContractAddress address;
    private final LedgerChain chain;
    private final Journal journal;
    private final StarkCrypto crypto;
    private EntryPoints entryPoints;
    /** Entry points the deployed class is modelled without (none unless the ledger was built so). */
    Set<String> absentEntryPoints = Set.of();

    ContractAddress owner;
    ContractAddress relayer = ContractAddress.ZERO;
    ContractAddress treasury;
    boolean paused;
    final BigInteger[] multipliers = {BigInteger.ZERO, BigInteger.valueOf(10_000), BigInteger.valueOf(22_000),
            BigInteger.valueOf(35_000)};
    Felt classHash = Felt.ZERO;
    BigInteger taskCount = BigInteger.ZERO;
    final Map<BigInteger, TaskRecord> tasks = new HashMap<>();
    final Map<ContractAddress, Integer> nodes = new HashMap<>();
    final Map<ContractAddress, Felt> publicKeys = new HashMap<>();
    final Map<SignatureKey, Boolean> usedSignatures = new HashMap<>();

    /**
     * The state the constructor {@code (owner, treasury)} leaves: the relayer stays unset until
     * {@code set_relayer}. {@link LedgerMachine#create} makes the constructor's checks.
     */
    SmainerContract(ContractAddress address, LedgerChain chain, StarkCrypto crypto, ContractAddress owner,
            ContractAddress treasury) {
        this.address = address;
        this.chain = chain;
        this.journal = chain.journal();
        this.crypto = crypto;
        this.owner = owner;
        this.treasury = treasury;
        this.entryPoints = table();
    }

    @Override
    public ContractAddress address() {
        return address;
    }

    @Override
    public EntryPoints entryPoints() {
        return entryPoints;
    }

    /**
     * Models a deployed class that lacks these entry points (an older class than the public source): calls to
     * them revert {@code ENTRYPOINT_NOT_FOUND}, and the class the local node serves leaves them out.
     *
     * @param names the entry points' names
     * @throws InvalidFieldException for a name the contract does not have
     */
    void withoutEntryPoints(Set<String> names) {
        try {
            this.entryPoints = table().without(names);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("entry_points", "names of SmainerContract's entry points", names);
        }
        this.absentEntryPoints = Set.copyOf(names);
    }

    private EntryPoints table() {
        return EntryPoints.builder()
                // ISmainer, in interfaces.cairo's order
                .external(Abi.REGISTER_NODE, (caller, a) -> {
                    a.end();
                    return registerNode(caller);
                })
                .external(Abi.SET_PROVIDER_PUBLIC_KEY, (caller, a) -> {
                    Felt key = a.felt();
                    a.end();
                    return setProviderPublicKey(caller, key);
                })
                .view(Abi.GET_PROVIDER_PUBLIC_KEY, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    return List.of(publicKeys.getOrDefault(p, Felt.ZERO));
                })
                .external(Abi.DEACTIVATE_NODE, (caller, a) -> {
                    a.end();
                    return deactivateNode(caller);
                })
                .external(Abi.SUSPEND_NODE, (caller, a) -> {
                    ContractAddress node = a.address();
                    a.end();
                    return suspendNode(caller, node);
                })
                .view(Abi.GET_NODE_STATUS, (caller, a) -> {
                    ContractAddress node = a.address();
                    a.end();
                    return List.of(Felt.of(nodeStatus(node)));
                })
                .external(Abi.CREATE_TASK, (caller, a) -> {
                    ContractAddress t = a.address();
                    BigInteger amount = a.u256();
                    Felt hash = a.felt();
                    a.end();
                    return u256(createTieredTask(caller, t, amount, 1, hash));
                })
                .external(Abi.CREATE_TIERED_TASK, (caller, a) -> {
                    ContractAddress t = a.address();
                    BigInteger base = a.u256();
                    int tier = a.u8();
                    Felt hash = a.felt();
                    a.end();
                    return u256(createTieredTask(caller, t, base, tier, hash));
                })
                .external(Abi.PULL_AND_EXECUTE, (caller, a) -> {
                    ContractAddress user = a.address();
                    ContractAddress t = a.address();
                    BigInteger amount = a.u256();
                    Felt hash = a.felt();
                    a.end();
                    return u256(pullAndExecute(caller, user, t, amount, hash));
                })
                .external(Abi.CANCEL_TASK, (caller, a) -> {
                    BigInteger id = a.u256();
                    a.end();
                    return cancelTask(caller, id);
                })
                .view(Abi.GET_TASK, (caller, a) -> {
                    BigInteger id = a.u256();
                    a.end();
                    return taskView(task(id));
                })
                .external(Abi.SUBMIT_PROOF_AND_CLAIM, (caller, a) -> {
                    BigInteger id = a.u256();
                    ContractAddress provider = a.address();
                    Felt resultHash = a.felt();
                    Felt r = a.felt();
                    Felt s = a.felt();
                    a.end();
                    return submitProofAndClaim(caller, id, provider, resultHash, r, s);
                })
                .external(Abi.SETTLE_WITH_EFFORT, (caller, a) -> {
                    BigInteger id = a.u256();
                    ContractAddress provider = a.address();
                    Felt resultHash = a.felt();
                    BigInteger cost = a.u256();
                    BigInteger score = a.u256();
                    Felt r = a.felt();
                    Felt s = a.felt();
                    a.end();
                    return settleEffort(caller, id, provider, null, resultHash, cost, score, r, s);
                })
                .external(Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE, (caller, a) -> {
                    BigInteger id = a.u256();
                    ContractAddress provider = a.address();
                    ContractAddress affiliate = a.address();
                    Felt resultHash = a.felt();
                    BigInteger cost = a.u256();
                    BigInteger score = a.u256();
                    Felt r = a.felt();
                    Felt s = a.felt();
                    a.end();
                    return settleEffort(caller, id, provider, affiliate, resultHash, cost, score, r, s);
                })
                .external(Abi.SET_RELAYER, (caller, a) -> {
                    ContractAddress r = a.address();
                    a.end();
                    return setRelayer(caller, r);
                })
                .view(Abi.GET_RELAYER, (caller, a) -> {
                    a.end();
                    return List.of(relayer.felt());
                })
                .external(Abi.SET_TREASURY, (caller, a) -> {
                    ContractAddress t = a.address();
                    a.end();
                    return setTreasury(caller, t);
                })
                .view(Abi.GET_TREASURY, (caller, a) -> {
                    a.end();
                    return List.of(treasury.felt());
                })
                .external(Abi.PAUSE, (caller, a) -> {
                    a.end();
                    onlyOwner(caller);
                    whenNotPaused();
                    setPaused(true);
                    journal.emit(address, Abi.PAUSED_EVENT, List.of(), List.of(caller.felt()));
                    return List.of();
                })
                .external(Abi.UNPAUSE, (caller, a) -> {
                    a.end();
                    onlyOwner(caller);
                    if (!paused) {
                        throw new Revert(EscrowRevertedException.NOT_PAUSED);
                    }
                    setPaused(false);
                    journal.emit(address, Abi.UNPAUSED_EVENT, List.of(), List.of(caller.felt()));
                    return List.of();
                })
                .view(Abi.IS_PAUSED, (caller, a) -> {
                    a.end();
                    return List.of(paused ? Felt.ONE : Felt.ZERO);
                })
                .external(Abi.UPGRADE, (caller, a) -> {
                    Felt h = a.felt();
                    a.end();
                    return upgrade(caller, h);
                })
                .view(Abi.GET_FEE_PERCENT, (caller, a) -> {
                    a.end();
                    return u256(BigInteger.valueOf(FeeSchedule.NETWORK_FEE_LABEL.value() / 100));
                })
                .view(Abi.GET_GAS_SUBSIDY_PERCENT, (caller, a) -> {
                    a.end();
                    return u256(BigInteger.valueOf(FeeSchedule.GAS_SUBSIDY.value() / 100));
                })
                .external(Abi.SET_TIER_MULTIPLIERS, (caller, a) -> {
                    BigInteger basic = a.u256();
                    BigInteger pro = a.u256();
                    BigInteger premium = a.u256();
                    a.end();
                    return setTierMultipliers(caller, basic, pro, premium);
                })
                .view(Abi.GET_TIER_MULTIPLIER, (caller, a) -> {
                    int tier = a.u8();
                    a.end();
                    checkTier(tier);
                    return u256(multipliers[tier]);
                })
                .view(Abi.GET_TASK_COUNT, (caller, a) -> {
                    a.end();
                    return u256(taskCount);
                })
                // OpenZeppelin OwnableImpl
                .view(Abi.OWNER, (caller, a) -> {
                    a.end();
                    return List.of(owner.felt());
                })
                .external(Abi.TRANSFER_OWNERSHIP, (caller, a) -> {
                    ContractAddress next = a.address();
                    a.end();
                    if (next.isZero()) {
                        throw new Revert(EscrowRevertedException.NEW_OWNER_IS_ZERO);
                    }
                    onlyOwner(caller);
                    transferOwnership(next);
                    return List.of();
                })
                .external(Abi.RENOUNCE_OWNERSHIP, (caller, a) -> {
                    a.end();
                    onlyOwner(caller);
                    transferOwnership(ContractAddress.ZERO);
                    return List.of();
                })
                .build();
    }

    // ------------------------------------------------------------------ registry (smainer.cairo 297-352)

    private int nodeStatus(ContractAddress node) {
        return nodes.getOrDefault(node, NodeStatus.INACTIVE.code());
    }

    private List<Felt> registerNode(ContractAddress caller) {
        whenNotPaused();
        if (nodeStatus(caller) == ACTIVE) {
            throw new Revert(EscrowRevertedException.NODE_ALREADY_ACTIVE);
        }
        journal.put(nodes, caller, ACTIVE);
        journal.emit(address, Abi.NODE_REGISTERED, List.of(caller.felt()), List.of());
        return List.of();
    }

    private List<Felt> deactivateNode(ContractAddress caller) {
        whenNotPaused();
        if (nodeStatus(caller) != ACTIVE) {
            throw new Revert(EscrowRevertedException.NODE_NOT_ACTIVE);
        }
        journal.put(nodes, caller, NodeStatus.INACTIVE.code());
        journal.emit(address, Abi.NODE_DEACTIVATED, List.of(caller.felt()), List.of());
        return List.of();
    }

    private List<Felt> suspendNode(ContractAddress caller, ContractAddress node) {
        onlyOwner(caller);
        if (nodeStatus(node) != ACTIVE) {
            throw new Revert(EscrowRevertedException.NODE_NOT_ACTIVE);
        }
        journal.put(nodes, node, NodeStatus.SUSPENDED.code());
        journal.emit(address, Abi.NODE_SUSPENDED, List.of(node.felt()), List.of());
        return List.of();
    }

    private List<Felt> setProviderPublicKey(ContractAddress caller, Felt key) {
        if (key.value().signum() == 0) {
            throw new Revert(EscrowRevertedException.INVALID_PUBLIC_KEY);
        }
        if (nodeStatus(caller) != ACTIVE) {
            throw new Revert(EscrowRevertedException.NODE_NOT_ACTIVE);
        }
        journal.put(publicKeys, caller, key);
        return List.of();
    }

    // ------------------------------------------------------------------ escrow (355-554)

    private TaskRecord task(BigInteger id) {
        return tasks.getOrDefault(id, NO_TASK);
    }

    private BigInteger createTieredTask(ContractAddress caller, ContractAddress token, BigInteger base, int tier,
            Felt taskHash) {
        whenNotPaused();
        if (base.signum() == 0) {
            throw new Revert(EscrowRevertedException.AMOUNT_MUST_BE_POSITIVE);
        }
        if (token.isZero()) {
            throw new Revert(EscrowRevertedException.INVALID_TOKEN_ADDRESS);
        }
        checkTier(tier);
        BigInteger m = multipliers[tier];
        if (m.signum() == 0) {
            throw new Revert(EscrowRevertedException.TIER_MULTIPLIER_NOT_SET);
        }
        if (base.compareTo(TWO_255.divide(m)) > 0) {
            throw new Revert(EscrowRevertedException.TIER_CALCULATION_OVERFLOW);
        }
        BigInteger adjusted = base.multiply(m).divide(BPS);
        if (adjusted.compareTo(base) < 0) {
            throw new Revert(EscrowRevertedException.INVALID_TIER_CALCULATION);
        }
        if (adjusted.compareTo(mul(base, BigInteger.TEN)) > 0) {
            throw new Revert(EscrowRevertedException.TIER_MULTIPLIER_TOO_LARGE);
        }
        transferFrom(token, caller, adjusted);
        BigInteger id = nextTaskId();
        journal.put(tasks, id, new TaskRecord(caller, token, adjusted, base, m, adjusted, tier, taskHash, CREATED,
                ContractAddress.ZERO));
        journal.emit(address, Abi.TASK_CREATED, cat(u256(id), List.of(caller.felt())),
                cat(List.of(token.felt()), u256(adjusted), u256(base), u256(adjusted), List.of(Felt.of(tier), taskHash)));
        return id;
    }

    private BigInteger pullAndExecute(ContractAddress caller, ContractAddress user, ContractAddress token,
            BigInteger amount, Felt promptHash) {
        whenNotPaused();
        if (!caller.equals(relayer)) {
            throw new Revert(EscrowRevertedException.UNAUTHORIZED_RELAYER);
        }
        if (amount.signum() == 0) {
            throw new Revert(EscrowRevertedException.AMOUNT_MUST_BE_POSITIVE);
        }
        if (token.isZero()) {
            throw new Revert(EscrowRevertedException.INVALID_TOKEN_ADDRESS);
        }
        if (user.isZero()) {
            throw new Revert(EscrowRevertedException.INVALID_USER_ADDRESS);
        }
        if (treasury.isZero()) {
            throw new Revert(EscrowRevertedException.TREASURY_NOT_SET);
        }
        transferFrom(token, user, amount);
        // 12% to the treasury now; the escrow keeps the rest (and its dust)
        BigInteger treasuryFee = mul(amount, TREASURY_FEE_BPS).divide(BPS);
        BigInteger escrowed = amount.subtract(treasuryFee);
        transfer(token, treasury, treasuryFee);
        BigInteger id = nextTaskId();
        journal.put(tasks, id, new TaskRecord(user, token, escrowed, escrowed, BPS, escrowed, 1, promptHash, CREATED,
                ContractAddress.ZERO));
        journal.emit(address, Abi.TASK_EXECUTED, cat(u256(id), List.of(user.felt())),
                cat(List.of(token.felt()), u256(amount), List.of(promptHash), u256(escrowed), u256(treasuryFee)));
        return id;
    }

    private BigInteger nextTaskId() {
        BigInteger id = taskCount.add(BigInteger.ONE);
        BigInteger old = taskCount;
        journal.onUndo(() -> taskCount = old);
        taskCount = id;
        return id;
    }

    private List<Felt> cancelTask(ContractAddress caller, BigInteger id) {
        whenNotPaused();
        TaskRecord task = task(id);
        if (!task.creator().equals(caller)) {
            throw new Revert(EscrowRevertedException.ONLY_CREATOR_CAN_CANCEL);
        }
        if (task.status() != CREATED) {
            throw new Revert(EscrowRevertedException.TASK_CANNOT_BE_CANCELLED);
        }
        journal.put(tasks, id, task.settled(EscrowStatus.CANCELLED.code(), task.assignedProvider()));
        transfer(task.token(), task.creator(), task.amount());
        journal.emit(address, Abi.TASK_CANCELLED, u256(id), List.of());
        return List.of();
    }

    // ------------------------------------------------------------------ settlement (557-948)

    private List<Felt> submitProofAndClaim(ContractAddress caller, BigInteger id, ContractAddress provider,
            Felt resultHash, Felt r, Felt s) {
        whenNotPaused();
        if (!caller.equals(relayer)) {
            throw new Revert(EscrowRevertedException.UNAUTHORIZED_RELAYER);
        }
        if (relayer.isZero()) {
            throw new Revert(EscrowRevertedException.NO_RELAYER_SET);
        }
        TaskRecord task = settleable(id, provider);
        Felt key = signer(provider, r, s);
        Felt h1 = Receipts.flatHash(crypto, U256.of(taskIdFelt(id)), provider, resultHash);
        checkSignature(key, h1, r, s);
        journal.put(usedSignatures, new SignatureKey(r, s), Boolean.TRUE);
        FlatSplit split = overflowSafe(() -> FeeMath.flatSplit(TokenAmount.ofBaseUnits(task.amount())));
        if (treasury.isZero()) {
            throw new Revert(EscrowRevertedException.TREASURY_NOT_SET);
        }
        journal.put(tasks, id, task.settled(EscrowStatus.COMPLETED.code(), provider));
        List<Felt> balance = chain.call(address, task.token(), Abi.BALANCE_OF, List.of(address.felt()));
        BigInteger held = U256.fromParts(balance.get(0), balance.get(1)).value();
        if (held.compareTo(task.amount()) < 0) {
            throw new Revert(EscrowRevertedException.INSUFFICIENT_CONTRACT_BALANCE);
        }
        transfer(task.token(), provider, split.providerTotal().baseUnits());
        transfer(task.token(), treasury, split.treasury().baseUnits());
        List<Felt> idKey = u256(id);
        journal.emit(address, Abi.TASK_COMPLETED, cat(idKey, List.of(provider.felt())), List.of(resultHash));
        journal.emit(address, Abi.FEE_COLLECTED, idKey, cat(u256(split.treasury().baseUnits()),
                u256(split.gasSubsidy().baseUnits()), u256(split.providerBase().baseUnits())));
        journal.emit(address, Abi.PAYOUT_RELEASED, cat(idKey, List.of(provider.felt())),
                cat(u256(split.providerTotal().baseUnits()), List.of(task.token().felt())));
        return List.of();
    }

    /**
     * @param affiliate the affiliate for {@code settle_with_effort_and_affiliate} (zero for none), or null for
     *     {@code settle_with_effort}
     */
    private List<Felt> settleEffort(ContractAddress caller, BigInteger id, ContractAddress provider,
            ContractAddress affiliate, Felt resultHash, BigInteger cost, BigInteger score, Felt r, Felt s) {
        whenNotPaused();
        if (relayer.isZero()) {
            throw new Revert(EscrowRevertedException.NO_RELAYER_SET);
        }
        if (!caller.equals(relayer)) {
            throw new Revert(EscrowRevertedException.UNAUTHORIZED_RELAYER);
        }
        TaskRecord task = statusChecked(id, provider);
        if (score.compareTo(BigInteger.valueOf(FeeSchedule.MIN_EFFORT_SCORE)) < 0
                || score.compareTo(BigInteger.valueOf(FeeSchedule.MAX_EFFORT_SCORE)) > 0) {
            throw new Revert(EscrowRevertedException.EFFORT_SCORE_OUT_OF_RANGE);
        }
        if (cost.compareTo(task.amount()) > 0) {
            throw new Revert(EscrowRevertedException.EXCEEDS_ESCROWED_AMOUNT);
        }
        activeProvider(provider);
        Felt key = signer(provider, r, s);
        BigInteger idFelt = taskIdFelt(id);
        if (cost.compareTo(Felt.PRIME) >= 0) {
            throw new Revert(EscrowRevertedException.COST_EXCEEDS_FELT);
        }
        Felt h2 = Receipts.effortHash(crypto, U256.of(idFelt), provider, resultHash, TokenAmount.ofBaseUnits(cost));
        checkSignature(key, h2, r, s);
        if (treasury.isZero()) {
            throw new Revert(EscrowRevertedException.TREASURY_NOT_SET);
        }
        journal.put(usedSignatures, new SignatureKey(r, s), Boolean.TRUE);
        journal.put(tasks, id, task.settled(EscrowStatus.SETTLED.code(), provider));
        boolean withAffiliate = affiliate != null && !affiliate.isZero();
        TokenAmount escrow = TokenAmount.ofBaseUnits(task.amount());
        TokenAmount actual = TokenAmount.ofBaseUnits(cost);
        EffortSplit split = overflowSafe(() -> withAffiliate ? FeeMath.affiliateSplit(escrow, actual)
                : FeeMath.effortSplit(escrow, actual));
        transfer(task.token(), provider, split.provider().baseUnits());
        if (withAffiliate) {
            transfer(task.token(), affiliate, split.affiliate().baseUnits());
        }
        transfer(task.token(), treasury, split.treasury().baseUnits());
        if (split.refund().baseUnits().signum() > 0) {
            transfer(task.token(), task.creator(), split.refund().baseUnits());
        }
        List<Felt> idKey = u256(id);
        journal.emit(address, Abi.TASK_COMPLETED, cat(idKey, List.of(provider.felt())), List.of(resultHash));
        if (affiliate != null) {
            journal.emit(address, Abi.EFFORT_SETTLEMENT_V2, cat(idKey, List.of(provider.felt(), affiliate.felt())),
                    cat(u256(cost), u256(score), u256(split.provider().baseUnits()), u256(split.affiliate().baseUnits()),
                            u256(split.treasury().baseUnits()), u256(split.refund().baseUnits())));
        } else {
            journal.emit(address, Abi.EFFORT_SETTLEMENT, cat(idKey, List.of(provider.felt())),
                    cat(u256(cost), u256(score), u256(split.provider().baseUnits()),
                            u256(split.treasury().baseUnits()), u256(split.refund().baseUnits())));
        }
        return List.of();
    }

    /** The flat path's checks after the relayer's, in its order: status, provider, active, replay, key. */
    private TaskRecord settleable(BigInteger id, ContractAddress provider) {
        TaskRecord task = statusChecked(id, provider);
        activeProvider(provider);
        return task;
    }

    private TaskRecord statusChecked(BigInteger id, ContractAddress provider) {
        TaskRecord task = task(id);
        if (task.status() != CREATED && task.status() != ASSIGNED) {
            throw new Revert(EscrowRevertedException.INVALID_TASK_STATUS);
        }
        if (provider.isZero()) {
            throw new Revert(EscrowRevertedException.INVALID_PROVIDER_ADDRESS);
        }
        return task;
    }

    private void activeProvider(ContractAddress provider) {
        if (nodeStatus(provider) != ACTIVE) {
            throw new Revert(EscrowRevertedException.PROVIDER_NOT_ACTIVE);
        }
    }

    /** The replay guard on {@code (r, s)}, then the provider's key. */
    private Felt signer(ContractAddress provider, Felt r, Felt s) {
        if (usedSignatures.containsKey(new SignatureKey(r, s))) {
            throw new Revert(EscrowRevertedException.SIGNATURE_ALREADY_USED);
        }
        Felt key = publicKeys.getOrDefault(provider, Felt.ZERO);
        if (key.value().signum() == 0) {
            throw new Revert(EscrowRevertedException.PUBLIC_KEY_NOT_SET);
        }
        return key;
    }

    private static BigInteger taskIdFelt(BigInteger id) {
        if (id.compareTo(Felt.PRIME) >= 0) {
            throw new Revert(EscrowRevertedException.TASK_ID_EXCEEDS_FELT);
        }
        return id;
    }

    private void checkSignature(Felt key, Felt hash, Felt r, Felt s) {
        if (!crypto.verify(key, hash, new Signature(r, s))) {
            throw new Revert(EscrowRevertedException.INVALID_SIGNATURE);
        }
    }

    // ------------------------------------------------------------------ admin (951-1035)

    private List<Felt> setRelayer(ContractAddress caller, ContractAddress next) {
        onlyOwner(caller);
        if (next.isZero()) {
            throw new Revert(EscrowRevertedException.INVALID_RELAYER_ADDRESS);
        }
        ContractAddress old = relayer;
        journal.onUndo(() -> relayer = old);
        relayer = next;
        journal.emit(address, Abi.RELAYER_SET, List.of(), List.of(old.felt(), next.felt()));
        return List.of();
    }

    private List<Felt> setTreasury(ContractAddress caller, ContractAddress next) {
        onlyOwner(caller);
        if (next.isZero()) {
            throw new Revert(EscrowRevertedException.INVALID_TREASURY_ADDRESS);
        }
        ContractAddress old = treasury;
        journal.onUndo(() -> treasury = old);
        treasury = next;
        journal.emit(address, Abi.TREASURY_SET, List.of(), List.of(old.felt(), next.felt()));
        return List.of();
    }

    private List<Felt> upgrade(ContractAddress caller, Felt hash) {
        onlyOwner(caller);
        if (hash.value().signum() == 0) {
            throw new Revert(EscrowRevertedException.CLASS_HASH_ZERO);
        }
        Felt old = classHash;
        journal.onUndo(() -> classHash = old);
        classHash = hash;
        journal.emit(address, Abi.UPGRADED, List.of(), List.of(hash));
        return List.of();
    }

    private List<Felt> setTierMultipliers(ContractAddress caller, BigInteger basic, BigInteger pro,
            BigInteger premium) {
        onlyOwner(caller);
        checkMultiplier(basic, EscrowRevertedException.INVALID_BASIC_MULTIPLIER);
        checkMultiplier(pro, EscrowRevertedException.INVALID_PRO_MULTIPLIER);
        checkMultiplier(premium, EscrowRevertedException.INVALID_PREMIUM_MULTIPLIER);
        BigInteger[] old = multipliers.clone();
        journal.onUndo(() -> System.arraycopy(old, 0, multipliers, 0, old.length));
        multipliers[1] = basic;
        multipliers[2] = pro;
        multipliers[3] = premium;
        journal.emit(address, Abi.TIER_MULTIPLIERS_SET, List.of(), cat(u256(basic), u256(pro), u256(premium)));
        return List.of();
    }

    private static void checkMultiplier(BigInteger m, String reason) {
        if (m.compareTo(MIN_MULTIPLIER) < 0 || m.compareTo(MAX_MULTIPLIER) > 0) {
            throw new Revert(reason);
        }
    }

    private void transferOwnership(ContractAddress next) {
        ContractAddress previous = owner;
        journal.onUndo(() -> owner = previous);
        owner = next;
        journal.emit(address, Abi.OWNERSHIP_TRANSFERRED, List.of(previous.felt(), next.felt()), List.of());
    }

    private void setPaused(boolean p) {
        boolean old = paused;
        journal.onUndo(() -> paused = old);
        paused = p;
    }

    private static void checkTier(int tier) {
        if (tier < 1 || tier > 3) {
            throw new Revert(EscrowRevertedException.INVALID_TIER);
        }
    }

    private void whenNotPaused() {
        if (paused) {
            throw new Revert(EscrowRevertedException.PAUSED);
        }
    }

    private void onlyOwner(ContractAddress caller) {
        if (!caller.equals(owner)) {
            throw new Revert(EscrowRevertedException.NOT_OWNER);
        }
    }

    // ------------------------------------------------------------------ token calls (IERC20Dispatcher)

    private void transferFrom(ContractAddress token, ContractAddress from, BigInteger amount) {
        chain.call(address, token, Abi.TRANSFER_FROM, cat(List.of(from.felt(), address.felt()), u256(amount)));
    }

    private void transfer(ContractAddress token, ContractAddress to, BigInteger amount) {
        chain.call(address, token, Abi.TRANSFER, cat(List.of(to.felt()), u256(amount)));
    }

    // ------------------------------------------------------------------ helpers

    /** A u256 product, panicking as Cairo does when it overflows. */
    private static BigInteger mul(BigInteger a, BigInteger b) {
        BigInteger p = a.multiply(b);
        if (p.compareTo(U256.MAX_VALUE) > 0) {
            throw new Revert(EscrowRevertedException.U256_OVERFLOW);
        }
        return p;
    }

    private static <T> T overflowSafe(Supplier<T> math) {
        try {
            return math.get();
        } catch (InvalidFieldException e) {
            throw new Revert(EscrowRevertedException.U256_OVERFLOW);
        }
    }

    private static List<Felt> taskView(TaskRecord t) {
        return cat(List.of(t.creator().felt(), t.token().felt()), u256(t.amount()), u256(t.baseReward()),
                u256(t.multiplier()), u256(t.adjustedReward()),
                List.of(Felt.of(t.tier()), t.taskHash(), Felt.of(t.status())));
    }

    static List<Felt> u256(BigInteger v) {
        return U256.of(v).toCalldata();
    }

    @SafeVarargs
    static List<Felt> cat(List<Felt>... parts) {
        return LedgerMachine.cat(parts);
    }
}
