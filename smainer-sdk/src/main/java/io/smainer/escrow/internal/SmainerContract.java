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
import io.smainer.fee.BasisPoints;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FeeSchedule;
import io.smainer.fee.FlatSplit;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The SmainerContract on a {@link LedgerMachine}: registry, escrow, settlement and admin functions, in
 * an entry-point table. Its token transfers are calls to the token contract through {@link LedgerChain},
 * so they revert, emit and roll back as the token does. Not API.
 */
public final class SmainerContract implements LedgerContract {
    private static final BigInteger TWO_255 = BigInteger.ONE.shiftLeft(255);
    private static final int CREATED = EscrowStatus.CREATED.code();

    /** A stored task, as {@code get_task} returns it. */
    record TaskRecord(ContractAddress creator, ContractAddress token, BigInteger amount, BigInteger baseReward,
            int multiplier, BigInteger adjustedReward, int tier, Felt taskHash, int status) {
        TaskRecord withStatus(int s) {
            return new TaskRecord(creator, token, amount, baseReward, multiplier, adjustedReward, tier, taskHash, s);
        }
    }

    private final ContractAddress address;
    private final LedgerChain chain;
    private final Journal journal;
    private final StarkCrypto crypto;
    private final EntryPoints entryPoints;

    ContractAddress owner;
    ContractAddress relayer;
    ContractAddress treasury;
    boolean paused;
    final int[] multipliers = {0, 10_000, 22_000, 35_000};
    Felt classHash = Felt.ZERO;
    BigInteger taskCount = BigInteger.ZERO;
    final Map<BigInteger, TaskRecord> tasks = new HashMap<>();
    final Map<ContractAddress, Integer> nodes = new HashMap<>();
    final Map<ContractAddress, Felt> publicKeys = new HashMap<>();
    final Map<Felt, Boolean> usedHashes = new HashMap<>();

    SmainerContract(ContractAddress address, LedgerChain chain, StarkCrypto crypto, ContractAddress owner,
            ContractAddress relayer, ContractAddress treasury) {
        this.address = address;
        this.chain = chain;
        this.journal = chain.journal();
        this.crypto = crypto;
        this.owner = owner;
        this.relayer = relayer;
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

    private EntryPoints table() {
        return EntryPoints.builder()
                // registry
                .external(Abi.REGISTER_NODE, (caller, a) -> {
                    a.end();
                    registerNode(caller);
                    return List.of();
                })
                .external(Abi.SET_PROVIDER_PUBLIC_KEY, (caller, a) -> {
                    Felt key = a.felt();
                    a.end();
                    setProviderPublicKey(caller, key);
                    return List.of();
                })
                .view(Abi.GET_PROVIDER_PUBLIC_KEY, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    return List.of(publicKeys.getOrDefault(p, Felt.ZERO));
                })
                .external(Abi.DEACTIVATE_NODE, (caller, a) -> {
                    a.end();
                    deactivateNode(caller);
                    return List.of();
                })
                .external(Abi.SUSPEND_NODE, (caller, a) -> {
                    ContractAddress node = a.address();
                    a.end();
                    suspendNode(caller, node);
                    return List.of();
                })
                .view(Abi.GET_NODE_STATUS, (caller, a) -> {
                    ContractAddress node = a.address();
                    a.end();
                    return List.of(Felt.of(nodes.getOrDefault(node, 0)));
                })
                // escrow
                .external(Abi.CREATE_TASK, (caller, a) -> {
                    ContractAddress t = a.address();
                    BigInteger amount = a.u256();
                    Felt hash = a.felt();
                    a.end();
                    return u256(createTask(caller, t, amount, 1, hash));
                })
                .external(Abi.CREATE_TIERED_TASK, (caller, a) -> {
                    ContractAddress t = a.address();
                    BigInteger base = a.u256();
                    int tier = a.u8();
                    Felt hash = a.felt();
                    a.end();
                    return u256(createTask(caller, t, base, tier, hash));
                })
                .external(Abi.PULL_AND_EXECUTE, (caller, a) -> {
                    ContractAddress user = a.address();
                    ContractAddress t = a.address();
                    BigInteger amount = a.u256();
                    Felt hash = a.felt();
                    a.end();
                    whenNotPaused();
                    onlyRelayer(caller);
                    return u256(createTask(user, t, amount, 1, hash));
                })
                .external(Abi.CANCEL_TASK, (caller, a) -> {
                    BigInteger id = a.u256();
                    a.end();
                    cancel(caller, id);
                    return List.of();
                })
                .view(Abi.GET_TASK, (caller, a) -> {
                    BigInteger id = a.u256();
                    a.end();
                    return taskView(tasks.get(id));
                })
                // settlement
                .external(Abi.SUBMIT_PROOF_AND_CLAIM, (caller, a) -> {
                    BigInteger id = a.u256();
                    ContractAddress provider = a.address();
                    Felt resultHash = a.felt();
                    Felt r = a.felt();
                    Felt s = a.felt();
                    a.end();
                    settleFlat(caller, id, provider, resultHash, r, s);
                    return List.of();
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
                    settleEffort(caller, id, provider, ContractAddress.ZERO, false, resultHash, cost, score, r, s);
                    return List.of();
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
                    settleEffort(caller, id, provider, affiliate, true, resultHash, cost, score, r, s);
                    return List.of();
                })
                // admin
                .external(Abi.SET_RELAYER, (caller, a) -> {
                    ContractAddress r = a.address();
                    a.end();
                    onlyOwner(caller);
                    nonZero(r);
                    ContractAddress old = relayer;
                    journal.onUndo(() -> relayer = old);
                    relayer = r;
                    return List.of();
                })
                .view(Abi.GET_RELAYER, (caller, a) -> {
                    a.end();
                    return List.of(relayer.felt());
                })
                .external(Abi.SET_TREASURY, (caller, a) -> {
                    ContractAddress t = a.address();
                    a.end();
                    onlyOwner(caller);
                    nonZero(t);
                    ContractAddress old = treasury;
                    journal.onUndo(() -> treasury = old);
                    treasury = t;
                    return List.of();
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
                    return List.of();
                })
                .external(Abi.UNPAUSE, (caller, a) -> {
                    a.end();
                    onlyOwner(caller);
                    if (!paused) {
                        throw new Revert(EscrowRevertedException.NOT_PAUSED);
                    }
                    setPaused(false);
                    return List.of();
                })
                .view(Abi.IS_PAUSED, (caller, a) -> {
                    a.end();
                    return List.of(paused ? Felt.ONE : Felt.ZERO);
                })
                .external(Abi.UPGRADE, (caller, a) -> {
                    Felt h = a.felt();
                    a.end();
                    onlyOwner(caller);
                    if (h.value().signum() == 0) {
                        throw new Revert("Class hash cannot be zero");
                    }
                    Felt old = classHash;
                    journal.onUndo(() -> classHash = old);
                    classHash = h;
                    return List.of();
                })
                .view(Abi.GET_FEE_PERCENT, (caller, a) -> {
                    a.end();
                    return u256(BigInteger.valueOf(15));
                })
                .view(Abi.GET_GAS_SUBSIDY_PERCENT, (caller, a) -> {
                    a.end();
                    return u256(BigInteger.valueOf(3));
                })
                .external(Abi.SET_TIER_MULTIPLIERS, (caller, a) -> {
                    BigInteger basic = a.u256();
                    BigInteger pro = a.u256();
                    BigInteger premium = a.u256();
                    a.end();
                    onlyOwner(caller);
                    int[] next = {0, checkMultiplier(basic), checkMultiplier(pro), checkMultiplier(premium)};
                    int[] old = multipliers.clone();
                    journal.onUndo(() -> System.arraycopy(old, 0, multipliers, 0, old.length));
                    System.arraycopy(next, 0, multipliers, 0, next.length);
                    return List.of();
                })
                .view(Abi.GET_TIER_MULTIPLIER, (caller, a) -> {
                    int tier = a.u8();
                    a.end();
                    return u256(BigInteger.valueOf(multiplier(tier)));
                })
                .view(Abi.GET_TASK_COUNT, (caller, a) -> {
                    a.end();
                    return u256(taskCount);
                })
                .view(Abi.OWNER, (caller, a) -> {
                    a.end();
                    return List.of(owner.felt());
                })
                .build();
    }

    // ------------------------------------------------------------------ registry

    private void registerNode(ContractAddress caller) {
        whenNotPaused();
        int status = nodes.getOrDefault(caller, 0);
        if (status == NodeStatus.SUSPENDED.code()) {
            throw new Revert(EscrowRevertedException.NODE_SUSPENDED);
        }
        if (status == NodeStatus.ACTIVE.code()) {
            throw new Revert(EscrowRevertedException.NODE_ALREADY_REGISTERED);
        }
        journal.put(nodes, caller, NodeStatus.ACTIVE.code());
        journal.emit(address, Abi.NODE_REGISTERED, List.of(caller.felt()), List.of());
    }

    private void deactivateNode(ContractAddress caller) {
        if (nodes.getOrDefault(caller, 0) != NodeStatus.ACTIVE.code()) {
            throw new Revert(EscrowRevertedException.NODE_NOT_ACTIVE);
        }
        journal.put(nodes, caller, NodeStatus.INACTIVE.code());
    }

    private void suspendNode(ContractAddress caller, ContractAddress node) {
        onlyOwner(caller);
        journal.put(nodes, node, NodeStatus.SUSPENDED.code());
    }

    private void setProviderPublicKey(ContractAddress caller, Felt key) {
        if (nodes.getOrDefault(caller, 0) != NodeStatus.ACTIVE.code()) {
            throw new Revert(EscrowRevertedException.PROVIDER_NOT_ACTIVE);
        }
        if (key.value().signum() == 0) {
            throw new Revert(EscrowRevertedException.INVALID_PUBLIC_KEY);
        }
        journal.put(publicKeys, caller, key);
    }

    // ------------------------------------------------------------------ checks

    private void setPaused(boolean p) {
        boolean old = paused;
        journal.onUndo(() -> paused = old);
        paused = p;
    }

    private static int checkMultiplier(BigInteger m) {
        if (m.compareTo(BigInteger.valueOf(FeeSchedule.MIN_TIER_MULTIPLIER)) < 0
                || m.compareTo(BigInteger.valueOf(FeeSchedule.MAX_TIER_MULTIPLIER)) > 0) {
            throw new Revert(EscrowRevertedException.INVALID_MULTIPLIER);
        }
        return m.intValueExact();
    }

    private static void nonZero(ContractAddress a) {
        if (a.isZero()) {
            throw new Revert(EscrowRevertedException.INVALID_ADDRESS);
        }
    }

    private int multiplier(int tier) {
        if (tier < 1 || tier > 3) {
            throw new Revert(EscrowRevertedException.INVALID_TIER);
        }
        return multipliers[tier];
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

    private void onlyRelayer(ContractAddress caller) {
        if (!caller.equals(relayer)) {
            throw new Revert(EscrowRevertedException.UNAUTHORIZED_RELAYER);
        }
    }

    // ------------------------------------------------------------------ token calls

    private void pull(ContractAddress token, ContractAddress from, BigInteger amount) {
        chain.call(address, token, Abi.TRANSFER_FROM, cat(List.of(from.felt(), address.felt()), u256(amount)));
    }

    private void pay(ContractAddress token, ContractAddress to, BigInteger amount) {
        chain.call(address, token, Abi.TRANSFER, cat(List.of(to.felt()), u256(amount)));
    }

    // ------------------------------------------------------------------ escrow

    private BigInteger createTask(ContractAddress creator, ContractAddress t, BigInteger base, int tier, Felt taskHash) {
        whenNotPaused();
        int m = multiplier(tier);
        if (base.compareTo(TWO_255.divide(BigInteger.valueOf(m))) > 0) {
            throw new Revert(EscrowRevertedException.AMOUNT_TOO_LARGE);
        }
        BigInteger adjusted = BasisPoints.of(m).floorOf(base);
        if (adjusted.compareTo(base) < 0 || adjusted.compareTo(base.multiply(BigInteger.TEN)) > 0) {
            throw new Revert(EscrowRevertedException.INVALID_ADJUSTED_AMOUNT);
        }
        // the contract pulls exactly the adjusted amount with the creator's allowance
        pull(t, creator, adjusted);
        BigInteger id = taskCount.add(BigInteger.ONE);
        BigInteger oldCount = taskCount;
        journal.onUndo(() -> taskCount = oldCount);
        taskCount = id;
        journal.put(tasks, id, new TaskRecord(creator, t, adjusted, base, m, adjusted, tier, taskHash, CREATED));
        journal.emit(address, Abi.TASK_CREATED, cat(u256(id), List.of(creator.felt())),
                cat(List.of(t.felt()), u256(adjusted), u256(base), u256(adjusted), List.of(Felt.of(tier), taskHash)));
        return id;
    }

    private void cancel(ContractAddress caller, BigInteger id) {
        whenNotPaused();
        TaskRecord task = tasks.get(id);
        if (task == null || !task.creator().equals(caller)) {
            throw new Revert(EscrowRevertedException.ONLY_CREATOR_CAN_CANCEL);
        }
        if (task.status() != CREATED) {
            throw new Revert(EscrowRevertedException.TASK_CANNOT_BE_CANCELLED);
        }
        journal.put(tasks, id, task.withStatus(EscrowStatus.CANCELLED.code()));
        pay(task.token(), task.creator(), task.amount());
        journal.emit(address, Abi.TASK_CANCELLED, cat(u256(id), List.of(task.creator().felt())), u256(task.amount()));
    }

    /** The checks common to every settlement; returns the task. */
    private TaskRecord settleChecks(BigInteger id, ContractAddress provider, Felt hash) {
        if (usedHashes.containsKey(hash)) {
            throw new Revert(EscrowRevertedException.SIGNATURE_ALREADY_USED);
        }
        TaskRecord task = tasks.get(id);
        if (task == null || task.status() != CREATED) {
            throw new Revert(EscrowRevertedException.INVALID_TASK_STATUS);
        }
        if (nodes.getOrDefault(provider, 0) != NodeStatus.ACTIVE.code()) {
            throw new Revert(EscrowRevertedException.PROVIDER_NOT_ACTIVE);
        }
        if (!publicKeys.containsKey(provider)) {
            throw new Revert(EscrowRevertedException.PUBLIC_KEY_NOT_SET);
        }
        return task;
    }

    private void checkSignature(ContractAddress provider, Felt hash, Felt r, Felt s) {
        if (!crypto.verify(publicKeys.get(provider), hash, new Signature(r, s))) {
            throw new Revert(EscrowRevertedException.INVALID_SIGNATURE);
        }
        journal.put(usedHashes, hash, Boolean.TRUE);
    }

    private static void idFelt(BigInteger id) {
        if (id.compareTo(Felt.PRIME) >= 0) {
            throw new Revert(EscrowRevertedException.INVALID_TASK_STATUS);
        }
    }

    private void settleFlat(ContractAddress caller, BigInteger id, ContractAddress provider, Felt resultHash, Felt r,
            Felt s) {
        whenNotPaused();
        onlyRelayer(caller);
        idFelt(id);
        Felt h1 = Receipts.flatHash(crypto, U256.of(id), provider, resultHash);
        TaskRecord task = settleChecks(id, provider, h1);
        checkSignature(provider, h1, r, s);
        FlatSplit split = overflowSafe(() -> FeeMath.flatSplit(TokenAmount.ofBaseUnits(task.amount())));
        journal.put(tasks, id, task.withStatus(EscrowStatus.COMPLETED.code()));
        pay(task.token(), treasury, split.treasury().baseUnits());
        pay(task.token(), provider, split.providerTotal().baseUnits());
        List<Felt> idKey = u256(id);
        journal.emit(address, Abi.TASK_COMPLETED, idKey, List.of(provider.felt(), resultHash));
        journal.emit(address, Abi.FEE_COLLECTED, idKey, cat(List.of(treasury.felt()), u256(split.treasury().baseUnits())));
        journal.emit(address, Abi.PAYOUT_RELEASED, cat(idKey, List.of(provider.felt())),
                cat(u256(split.providerTotal().baseUnits()), u256(split.treasury().baseUnits())));
    }

    private void settleEffort(ContractAddress caller, BigInteger id, ContractAddress provider, ContractAddress affiliate,
            boolean v2, Felt resultHash, BigInteger cost, BigInteger score, Felt r, Felt s) {
        whenNotPaused();
        onlyRelayer(caller);
        idFelt(id);
        // the receipt commits to actual_cost as one felt; a cost at or above the prime cannot be signed
        Felt costFelt = cost.compareTo(Felt.PRIME) < 0 ? Felt.of(cost) : Felt.reduce(cost);
        Felt h2 = crypto.pedersen(Receipts.flatHash(crypto, U256.of(id), provider, resultHash), costFelt);
        TaskRecord task = settleChecks(id, provider, h2);
        if (score.compareTo(BigInteger.valueOf(FeeSchedule.MIN_EFFORT_SCORE)) < 0
                || score.compareTo(BigInteger.valueOf(FeeSchedule.MAX_EFFORT_SCORE)) > 0) {
            throw new Revert(EscrowRevertedException.EFFORT_SCORE_OUT_OF_RANGE);
        }
        if (cost.compareTo(task.amount()) > 0) {
            throw new Revert(EscrowRevertedException.EXCEEDS_ESCROWED_AMOUNT);
        }
        checkSignature(provider, h2, r, s);
        TokenAmount escrow = TokenAmount.ofBaseUnits(task.amount());
        TokenAmount actual = TokenAmount.ofBaseUnits(cost);
        boolean withAffiliate = v2 && !affiliate.isZero();
        EffortSplit split = overflowSafe(() -> withAffiliate ? FeeMath.affiliateSplit(escrow, actual)
                : FeeMath.effortSplit(escrow, actual));
        journal.put(tasks, id, task.withStatus(EscrowStatus.SETTLED.code()));
        pay(task.token(), provider, split.provider().baseUnits());
        if (withAffiliate) {
            pay(task.token(), affiliate, split.affiliate().baseUnits());
        }
        pay(task.token(), treasury, split.treasury().baseUnits());
        pay(task.token(), task.creator(), split.refund().baseUnits());
        List<Felt> idKey = u256(id);
        if (v2) {
            journal.emit(address, Abi.EFFORT_SETTLEMENT_V2, cat(idKey, List.of(provider.felt(), affiliate.felt())),
                    cat(u256(cost), u256(score), u256(split.provider().baseUnits()), u256(split.affiliate().baseUnits()),
                            u256(split.treasury().baseUnits()), u256(split.refund().baseUnits())));
        } else {
            journal.emit(address, Abi.EFFORT_SETTLEMENT, cat(idKey, List.of(provider.felt())),
                    cat(u256(cost), u256(score), u256(split.provider().baseUnits()),
                            u256(split.treasury().baseUnits()), u256(split.refund().baseUnits())));
        }
    }

    private static <T> T overflowSafe(Supplier<T> math) {
        try {
            return math.get();
        } catch (InvalidFieldException e) {
            throw new Revert(EscrowRevertedException.U256_OVERFLOW);
        }
    }

    private static List<Felt> taskView(TaskRecord t) {
        if (t == null) {
            return Collections.nCopies(13, Felt.ZERO);
        }
        return cat(List.of(t.creator().felt(), t.token().felt()), u256(t.amount()), u256(t.baseReward()),
                u256(BigInteger.valueOf(t.multiplier())), u256(t.adjustedReward()),
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
