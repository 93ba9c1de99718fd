package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.LedgerTransaction;
import io.smainer.escrow.NodeStatus;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FeeSchedule;
import io.smainer.fee.FlatSplit;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The state machine behind {@link io.smainer.escrow.Ledger}: an ERC-20 token (STRK) and the
 * SmainerContract with the rules and revert reasons PROTOCOL.md lists, executing multicalls atomically
 * (an undo journal rolls a reverted transaction back). Not thread-safe: the ledger serializes access.
 * Not API.
 */
public final class LedgerMachine {
    private static final BigInteger TWO_255 = BigInteger.ONE.shiftLeft(255);
    private static final BigInteger TEN = BigInteger.TEN;
    private static final int CREATED = EscrowStatus.CREATED.code();

    /** A stored task, as {@code get_task} returns it. */
    record TaskRecord(ContractAddress creator, ContractAddress token, BigInteger amount, BigInteger baseReward,
            int multiplier, BigInteger adjustedReward, int tier, Felt taskHash, int status) {
        TaskRecord withStatus(int s) {
            return new TaskRecord(creator, token, amount, baseReward, multiplier, adjustedReward, tier, taskHash, s);
        }
    }

    /** An ERC-20 allowance key. */
    record Allowance(ContractAddress owner, ContractAddress spender) {
    }

    private record PendingEvent(ContractAddress from, List<Felt> keys, List<Felt> data) {
    }

    // configuration
    final ContractAddress contract;
    final ContractAddress token;
    final ChainId chainId;
    private final StarkCrypto crypto;
    private final Clock clock;

    // token
    final Map<ContractAddress, BigInteger> balances = new HashMap<>();
    final Map<Allowance, BigInteger> allowances = new HashMap<>();
    BigInteger totalSupply = BigInteger.ZERO;

    // contract
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

    // chain
    long blockNumber;
    final Map<ContractAddress, BigInteger> nonces = new HashMap<>();
    /** Every transaction, kept compactly; see {@link LedgerHistory}. */
    final LedgerHistory history = new LedgerHistory(this::isAccount);

    // the transaction in progress
    private Deque<Runnable> undo;
    private List<PendingEvent> pending;

    LedgerMachine(ContractAddress contract, ContractAddress token, ChainId chainId, StarkCrypto crypto, Clock clock,
            ContractAddress owner, ContractAddress relayer, ContractAddress treasury) {
        this.contract = contract;
        this.token = token;
        this.chainId = chainId;
        this.crypto = crypto;
        this.clock = clock;
        this.owner = owner;
        this.relayer = relayer;
        this.treasury = treasury;
    }

    /**
     * @param contract the SmainerContract's address
     * @param token the token's address
     * @param chainId the chain id reported
     * @param crypto for receipt hashes and signature checks
     * @param clock for block timestamps
     * @param owner the contract's owner
     * @param relayer the relayer allowed to settle
     * @param treasury where fees go
     * @return a fresh machine, empty but for its configuration
     */
    public static LedgerMachine create(ContractAddress contract, ContractAddress token, ChainId chainId,
            StarkCrypto crypto, Clock clock, ContractAddress owner, ContractAddress relayer, ContractAddress treasury) {
        if (contract.equals(token)) {
            throw new InvalidFieldException("contract", "an address other than the token's", contract);
        }
        return new LedgerMachine(contract, token, chainId, crypto, clock, owner, relayer, treasury);
    }

    // ------------------------------------------------------------------ transactions

    /**
     * Runs a multicall as one transaction in a new block: all calls take effect, or (on a revert) none.
     *
     * @param sender the account
     * @param calls the calls, in order
     * @param hash the transaction hash, or empty to derive one
     * @return the transaction, reverted or not
     */
    public LedgerTransaction execute(ContractAddress sender, List<ContractCall> calls, Optional<Felt> hash) {
        long block = blockNumber + 1;
        Felt txHash = hash.orElseGet(() -> derivedHash(sender, block));
        if (history.contains(txHash)) {
            throw new InvalidFieldException("transaction_hash", "a hash not used before", txHash);
        }
        Optional<String> reason = run(sender, calls, true).reason;
        List<PendingEvent> emitted = reason.isPresent() ? List.of() : pending;
        pending = null;
        List<ChainEvent> events = new ArrayList<>(emitted.size());
        Map<ContractAddress, Integer> perEmitter = new HashMap<>();
        for (PendingEvent e : emitted) {
            int index = perEmitter.merge(e.from, 1, Integer::sum) - 1;
            events.add(new ChainEvent(e.from, e.keys, e.data, block, index, txHash));
        }
        blockNumber = block;
        nonces.merge(sender, BigInteger.ONE, BigInteger::add);
        LedgerTransaction tx = new LedgerTransaction(txHash, sender, block, clock.instant(), reason, events);
        history.add(tx);
        return tx;
    }

    /** Whether a felt is the address of an account with a token balance: the history keeps those once. */
    private boolean isAccount(Felt f) {
        return f.value().compareTo(ContractAddress.BOUND) < 0 && balances.containsKey(new ContractAddress(f));
    }

    /**
     * Runs calls and rolls them back whatever happens: a view call, or a dry run for a fee estimate.
     *
     * @param sender the caller
     * @param calls the calls
     * @return the results of the calls, or the revert reason
     */
    public Outcome simulate(ContractAddress sender, List<ContractCall> calls) {
        Outcome o = run(sender, calls, false);
        pending = null;
        return o;
    }

    /** What a simulated run returned. */
    public static final class Outcome {
        private final List<List<Felt>> results;
        private final Optional<String> reason;

        Outcome(List<List<Felt>> results, Optional<String> reason) {
            this.results = results;
            this.reason = reason;
        }

        /** @return each call's return values */
        public List<List<Felt>> results() {
            return results;
        }

        /** @return the revert reason, empty when every call succeeded */
        public Optional<String> reason() {
            return reason;
        }
    }

    private Outcome run(ContractAddress sender, List<ContractCall> calls, boolean commit) {
        undo = new ArrayDeque<>();
        pending = new ArrayList<>();
        List<List<Felt>> results = new ArrayList<>();
        Optional<String> reason = Optional.empty();
        try {
            for (ContractCall call : calls) {
                results.add(dispatch(sender, call));
            }
        } catch (Revert r) {
            reason = Optional.of(r.reason());
        }
        if (reason.isPresent() || !commit) {
            while (!undo.isEmpty()) {
                undo.pop().run();
            }
        }
        undo = null;
        return new Outcome(results, reason);
    }

    private Felt derivedHash(ContractAddress sender, long block) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("smainer-ledger-tx:" + chainId.name() + ":" + block + ":" + sender.hex())
                    .getBytes(StandardCharsets.US_ASCII));
            return Felt.reduce(new BigInteger(1, sha.digest()).shiftRight(6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    // ------------------------------------------------------------------ journal

    private <K, V> void put(Map<K, V> map, K key, V value) {
        boolean had = map.containsKey(key);
        V old = map.get(key);
        undo.push(() -> {
            if (had) {
                map.put(key, old);
            } else {
                map.remove(key);
            }
        });
        map.put(key, value);
    }

    private void emit(ContractAddress from, String name, List<Felt> keys, List<Felt> data) {
        List<Felt> k = new ArrayList<>(keys.size() + 1);
        k.add(Abi.selector(name));
        k.addAll(keys);
        pending.add(new PendingEvent(from, k, data));
        int n = pending.size();
        undo.push(() -> {
            if (pending != null && pending.size() >= n) {
                pending.remove(n - 1);
            }
        });
    }

    // ------------------------------------------------------------------ dispatch

    private List<Felt> dispatch(ContractAddress caller, ContractCall call) {
        if (call.to().equals(contract)) {
            return contractCall(caller, call.selector(), new Args(call.calldata()));
        }
        if (call.to().equals(token)) {
            return tokenCall(caller, call.selector(), new Args(call.calldata()));
        }
        throw new Revert(EscrowRevertedException.CONTRACT_NOT_DEPLOYED);
    }

    private static boolean is(Felt selector, String name) {
        return selector.equals(Abi.selector(name));
    }

    private List<Felt> tokenCall(ContractAddress caller, Felt sel, Args a) {
        if (is(sel, Abi.BALANCE_OF)) {
            ContractAddress acct = a.address();
            a.end();
            return u256(balance(acct));
        }
        if (is(sel, Abi.ALLOWANCE)) {
            ContractAddress o = a.address();
            ContractAddress s = a.address();
            a.end();
            return u256(allowances.getOrDefault(new Allowance(o, s), BigInteger.ZERO));
        }
        if (is(sel, Abi.TOTAL_SUPPLY)) {
            a.end();
            return u256(totalSupply);
        }
        if (is(sel, Abi.DECIMALS)) {
            a.end();
            return List.of(Felt.of(18));
        }
        if (is(sel, Abi.APPROVE)) {
            ContractAddress spender = a.address();
            BigInteger amount = a.u256();
            a.end();
            put(allowances, new Allowance(caller, spender), amount);
            emit(token, Abi.APPROVAL_EVENT, List.of(caller.felt(), spender.felt()), u256(amount));
            return List.of(Felt.ONE);
        }
        if (is(sel, Abi.TRANSFER)) {
            ContractAddress to = a.address();
            BigInteger amount = a.u256();
            a.end();
            transfer(caller, to, amount);
            return List.of(Felt.ONE);
        }
        if (is(sel, Abi.TRANSFER_FROM)) {
            ContractAddress from = a.address();
            ContractAddress to = a.address();
            BigInteger amount = a.u256();
            a.end();
            transferFrom(caller, from, to, amount);
            return List.of(Felt.ONE);
        }
        throw new Revert(EscrowRevertedException.ENTRYPOINT_NOT_FOUND);
    }

    private BigInteger balance(ContractAddress account) {
        return balances.getOrDefault(account, BigInteger.ZERO);
    }

    private void transferFrom(ContractAddress spender, ContractAddress from, ContractAddress to, BigInteger amount) {
        Allowance key = new Allowance(from, spender);
        BigInteger allowed = allowances.getOrDefault(key, BigInteger.ZERO);
        if (allowed.compareTo(amount) < 0) {
            throw new Revert(EscrowRevertedException.INSUFFICIENT_ALLOWANCE);
        }
        if (!allowed.equals(U256_MAX)) {
            put(allowances, key, allowed.subtract(amount));
        }
        transfer(from, to, amount);
    }

    private static final BigInteger U256_MAX = U256.MAX_VALUE;

    private void transfer(ContractAddress from, ContractAddress to, BigInteger amount) {
        BigInteger fromBalance = balance(from);
        if (fromBalance.compareTo(amount) < 0) {
            throw new Revert(EscrowRevertedException.INSUFFICIENT_BALANCE);
        }
        put(balances, from, fromBalance.subtract(amount));
        put(balances, to, balance(to).add(amount));
        emit(token, Abi.TRANSFER_EVENT, List.of(from.felt(), to.felt()), u256(amount));
    }

    /** A transfer the escrow contract makes from its own balance. */
    private void pay(ContractAddress tokenAddress, ContractAddress to, BigInteger amount) {
        if (!tokenAddress.equals(token)) {
            throw new Revert(EscrowRevertedException.CONTRACT_NOT_DEPLOYED);
        }
        transfer(contract, to, amount);
    }

    private List<Felt> contractCall(ContractAddress caller, Felt sel, Args a) {
        // views
        if (is(sel, Abi.GET_TASK)) {
            BigInteger id = a.u256();
            a.end();
            return taskView(tasks.get(id));
        }
        if (is(sel, Abi.GET_TASK_COUNT)) {
            a.end();
            return u256(taskCount);
        }
        if (is(sel, Abi.GET_NODE_STATUS)) {
            ContractAddress node = a.address();
            a.end();
            return List.of(Felt.of(nodes.getOrDefault(node, 0)));
        }
        if (is(sel, Abi.GET_PROVIDER_PUBLIC_KEY)) {
            ContractAddress p = a.address();
            a.end();
            return List.of(publicKeys.getOrDefault(p, Felt.ZERO));
        }
        if (is(sel, Abi.GET_TIER_MULTIPLIER)) {
            int tier = a.u8();
            a.end();
            return u256(BigInteger.valueOf(multiplier(tier)));
        }
        if (is(sel, Abi.IS_PAUSED)) {
            a.end();
            return List.of(paused ? Felt.ONE : Felt.ZERO);
        }
        if (is(sel, Abi.GET_RELAYER)) {
            a.end();
            return List.of(relayer.felt());
        }
        if (is(sel, Abi.GET_TREASURY)) {
            a.end();
            return List.of(treasury.felt());
        }
        if (is(sel, Abi.OWNER)) {
            a.end();
            return List.of(owner.felt());
        }
        if (is(sel, Abi.GET_FEE_PERCENT)) {
            a.end();
            return u256(BigInteger.valueOf(15));
        }
        if (is(sel, Abi.GET_GAS_SUBSIDY_PERCENT)) {
            a.end();
            return u256(BigInteger.valueOf(3));
        }
        // escrow
        if (is(sel, Abi.CREATE_TIERED_TASK)) {
            ContractAddress t = a.address();
            BigInteger base = a.u256();
            int tier = a.u8();
            Felt hash = a.felt();
            a.end();
            return u256(createTask(caller, caller, t, base, tier, hash));
        }
        if (is(sel, Abi.CREATE_TASK)) {
            ContractAddress t = a.address();
            BigInteger amount = a.u256();
            Felt hash = a.felt();
            a.end();
            return u256(createTask(caller, caller, t, amount, 1, hash));
        }
        if (is(sel, Abi.PULL_AND_EXECUTE)) {
            ContractAddress user = a.address();
            ContractAddress t = a.address();
            BigInteger amount = a.u256();
            Felt hash = a.felt();
            a.end();
            whenNotPaused();
            onlyRelayer(caller);
            return u256(createTask(caller, user, t, amount, 1, hash));
        }
        if (is(sel, Abi.CANCEL_TASK)) {
            BigInteger id = a.u256();
            a.end();
            cancel(caller, id);
            return List.of();
        }
        if (is(sel, Abi.SUBMIT_PROOF_AND_CLAIM)) {
            BigInteger id = a.u256();
            ContractAddress provider = a.address();
            Felt resultHash = a.felt();
            Felt r = a.felt();
            Felt s = a.felt();
            a.end();
            settleFlat(caller, id, provider, resultHash, r, s);
            return List.of();
        }
        if (is(sel, Abi.SETTLE_WITH_EFFORT)) {
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
        }
        if (is(sel, Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE)) {
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
        }
        // registry
        if (is(sel, Abi.REGISTER_NODE)) {
            a.end();
            whenNotPaused();
            int status = nodes.getOrDefault(caller, 0);
            if (status == NodeStatus.SUSPENDED.code()) {
                throw new Revert(EscrowRevertedException.NODE_SUSPENDED);
            }
            if (status == NodeStatus.ACTIVE.code()) {
                throw new Revert(EscrowRevertedException.NODE_ALREADY_REGISTERED);
            }
            put(nodes, caller, NodeStatus.ACTIVE.code());
            emit(contract, Abi.NODE_REGISTERED, List.of(caller.felt()), List.of());
            return List.of();
        }
        if (is(sel, Abi.DEACTIVATE_NODE)) {
            a.end();
            if (nodes.getOrDefault(caller, 0) != NodeStatus.ACTIVE.code()) {
                throw new Revert(EscrowRevertedException.NODE_NOT_ACTIVE);
            }
            put(nodes, caller, NodeStatus.INACTIVE.code());
            return List.of();
        }
        if (is(sel, Abi.SUSPEND_NODE)) {
            ContractAddress node = a.address();
            a.end();
            onlyOwner(caller);
            put(nodes, node, NodeStatus.SUSPENDED.code());
            return List.of();
        }
        if (is(sel, Abi.SET_PROVIDER_PUBLIC_KEY)) {
            Felt key = a.felt();
            a.end();
            if (nodes.getOrDefault(caller, 0) != NodeStatus.ACTIVE.code()) {
                throw new Revert(EscrowRevertedException.PROVIDER_NOT_ACTIVE);
            }
            if (key.value().signum() == 0) {
                throw new Revert(EscrowRevertedException.INVALID_PUBLIC_KEY);
            }
            put(publicKeys, caller, key);
            return List.of();
        }
        // admin
        if (is(sel, Abi.SET_RELAYER)) {
            ContractAddress r = a.address();
            a.end();
            onlyOwner(caller);
            nonZero(r);
            ContractAddress old = relayer;
            undo.push(() -> relayer = old);
            relayer = r;
            return List.of();
        }
        if (is(sel, Abi.SET_TREASURY)) {
            ContractAddress t = a.address();
            a.end();
            onlyOwner(caller);
            nonZero(t);
            ContractAddress old = treasury;
            undo.push(() -> treasury = old);
            treasury = t;
            return List.of();
        }
        if (is(sel, Abi.PAUSE)) {
            a.end();
            onlyOwner(caller);
            whenNotPaused();
            setPaused(true);
            return List.of();
        }
        if (is(sel, Abi.UNPAUSE)) {
            a.end();
            onlyOwner(caller);
            if (!paused) {
                throw new Revert(EscrowRevertedException.NOT_PAUSED);
            }
            setPaused(false);
            return List.of();
        }
        if (is(sel, Abi.SET_TIER_MULTIPLIERS)) {
            BigInteger basic = a.u256();
            BigInteger pro = a.u256();
            BigInteger premium = a.u256();
            a.end();
            onlyOwner(caller);
            int[] next = {0, checkMultiplier(basic), checkMultiplier(pro), checkMultiplier(premium)};
            int[] old = multipliers.clone();
            undo.push(() -> System.arraycopy(old, 0, multipliers, 0, old.length));
            System.arraycopy(next, 0, multipliers, 0, next.length);
            return List.of();
        }
        if (is(sel, Abi.UPGRADE)) {
            Felt h = a.felt();
            a.end();
            onlyOwner(caller);
            if (h.value().signum() == 0) {
                throw new Revert("Class hash cannot be zero");
            }
            Felt old = classHash;
            undo.push(() -> classHash = old);
            classHash = h;
            return List.of();
        }
        throw new Revert(EscrowRevertedException.ENTRYPOINT_NOT_FOUND);
    }

    private void setPaused(boolean p) {
        boolean old = paused;
        undo.push(() -> paused = old);
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

    // ------------------------------------------------------------------ escrow

    private BigInteger createTask(ContractAddress caller, ContractAddress creator, ContractAddress t, BigInteger base,
            int tier, Felt taskHash) {
        whenNotPaused();
        int m = multiplier(tier);
        if (base.compareTo(TWO_255.divide(BigInteger.valueOf(m))) > 0) {
            throw new Revert(EscrowRevertedException.AMOUNT_TOO_LARGE);
        }
        BigInteger adjusted = BasisPoints.of(m).floorOf(base);
        if (adjusted.compareTo(base) < 0 || adjusted.compareTo(base.multiply(TEN)) > 0) {
            throw new Revert(EscrowRevertedException.INVALID_ADJUSTED_AMOUNT);
        }
        if (!t.equals(token)) {
            throw new Revert(EscrowRevertedException.CONTRACT_NOT_DEPLOYED);
        }
        // the contract pulls exactly the adjusted amount with the creator's allowance
        transferFrom(contract, creator, contract, adjusted);
        BigInteger id = taskCount.add(BigInteger.ONE);
        BigInteger oldCount = taskCount;
        undo.push(() -> taskCount = oldCount);
        taskCount = id;
        put(tasks, id, new TaskRecord(creator, t, adjusted, base, m, adjusted, tier, taskHash, CREATED));
        emit(contract, Abi.TASK_CREATED, cat(u256(id), List.of(creator.felt())),
                cat(List.of(t.felt()), u256(adjusted), u256(base), u256(adjusted),
                        List.of(Felt.of(tier), taskHash)));
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
        put(tasks, id, task.withStatus(EscrowStatus.CANCELLED.code()));
        pay(task.token(), task.creator(), task.amount());
        emit(contract, Abi.TASK_CANCELLED, cat(u256(id), List.of(task.creator().felt())), u256(task.amount()));
    }

    /** The checks common to every settlement; returns the task and the provider's key. */
    private TaskRecord settleChecks(ContractAddress caller, BigInteger id, ContractAddress provider, Felt hash) {
        whenNotPaused();
        onlyRelayer(caller);
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
        put(usedHashes, hash, Boolean.TRUE);
    }

    private static Felt idFelt(BigInteger id) {
        if (id.compareTo(Felt.PRIME) >= 0) {
            throw new Revert(EscrowRevertedException.INVALID_TASK_STATUS);
        }
        return Felt.of(id);
    }

    private void settleFlat(ContractAddress caller, BigInteger id, ContractAddress provider, Felt resultHash, Felt r,
            Felt s) {
        whenNotPaused();
        onlyRelayer(caller);
        idFelt(id);
        Felt h1 = Receipts.flatHash(crypto, U256.of(id), provider, resultHash);
        TaskRecord task = settleChecks(caller, id, provider, h1);
        checkSignature(provider, h1, r, s);
        FlatSplit split = overflowSafe(() -> FeeMath.flatSplit(TokenAmount.ofBaseUnits(task.amount())));
        put(tasks, id, task.withStatus(EscrowStatus.COMPLETED.code()));
        pay(task.token(), treasury, split.treasury().baseUnits());
        pay(task.token(), provider, split.providerTotal().baseUnits());
        List<Felt> idKey = u256(id);
        emit(contract, Abi.TASK_COMPLETED, idKey, List.of(provider.felt(), resultHash));
        emit(contract, Abi.FEE_COLLECTED, idKey, cat(List.of(treasury.felt()), u256(split.treasury().baseUnits())));
        emit(contract, Abi.PAYOUT_RELEASED, cat(idKey, List.of(provider.felt())),
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
        TaskRecord task = settleChecks(caller, id, provider, h2);
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
        put(tasks, id, task.withStatus(EscrowStatus.SETTLED.code()));
        pay(task.token(), provider, split.provider().baseUnits());
        if (withAffiliate) {
            pay(task.token(), affiliate, split.affiliate().baseUnits());
        }
        pay(task.token(), treasury, split.treasury().baseUnits());
        pay(task.token(), task.creator(), split.refund().baseUnits());
        List<Felt> idKey = u256(id);
        if (v2) {
            emit(contract, Abi.EFFORT_SETTLEMENT_V2, cat(idKey, List.of(provider.felt(), affiliate.felt())),
                    cat(u256(cost), u256(score), u256(split.provider().baseUnits()), u256(split.affiliate().baseUnits()),
                            u256(split.treasury().baseUnits()), u256(split.refund().baseUnits())));
        } else {
            emit(contract, Abi.EFFORT_SETTLEMENT, cat(idKey, List.of(provider.felt())),
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

    // ------------------------------------------------------------------ local-network operations

    /**
     * Creates tokens out of nothing, for a local network's faucet.
     *
     * @param to the receiver
     * @param amount base units
     */
    public void mint(ContractAddress to, BigInteger amount) {
        Objects.requireNonNull(to, "to");
        BigInteger supply = totalSupply.add(amount);
        if (supply.compareTo(U256.MAX_VALUE) > 0) {
            throw new InvalidFieldException("amount", "a mint that keeps the supply below 2^256", amount);
        }
        totalSupply = supply;
        balances.merge(to, amount, BigInteger::add);
    }

    // ------------------------------------------------------------------ reads for the ledger

    /** @return the token balance of an account */
    public BigInteger balanceOf(ContractAddress account) {
        return balance(account);
    }

    /** @return the total supply */
    public BigInteger totalSupply() {
        return totalSupply;
    }

    /** @return the latest block number (0 before the first transaction) */
    public long blockNumber() {
        return blockNumber;
    }

    /**
     * @param account an account
     * @return its nonce: how many transactions it sent
     */
    public BigInteger nonce(ContractAddress account) {
        return nonces.getOrDefault(account, BigInteger.ZERO);
    }

    /**
     * @param hash a transaction hash
     * @return the transaction
     */
    public Optional<LedgerTransaction> transaction(Felt hash) {
        return history.byHash(hash);
    }

    /**
     * @param block a block number, from 1
     * @return its transaction
     */
    public Optional<LedgerTransaction> transactionInBlock(long block) {
        if (block < 1 || block > history.size()) {
            return Optional.empty();
        }
        return Optional.of(history.transaction((int) (block - 1)));
    }

    /**
     * Events from blocks {@code [fromBlock, toBlock]}, oldest first, filtered by emitter and keys.
     *
     * @param fromBlock first block
     * @param toBlock last block
     * @param from the emitter, or empty for all
     * @param keys per key position the accepted values (an empty list accepts any)
     * @param skip how many matching events to skip
     * @param max the most to return
     * @return the events
     */
    public List<ChainEvent> events(long fromBlock, long toBlock, Optional<ContractAddress> from, List<List<Felt>> keys,
            int skip, int max) {
        return history.events(fromBlock, Math.min(toBlock, blockNumber), from, keys, skip, max);
    }

    // ------------------------------------------------------------------ encoding helpers

    static List<Felt> u256(BigInteger v) {
        return U256.of(v).toCalldata();
    }

    @SafeVarargs
    static List<Felt> cat(List<Felt>... parts) {
        List<Felt> out = new ArrayList<>();
        for (List<Felt> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
