package io.smainer.escrow.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.StakingReverts;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code SmainerStakingContract} ({@code src/smainer_staking.cairo} of {@code Smainer/smainer-contracts-public},
 * commit {@code dae93d2}) as a {@link LedgerContract} on the machine's shared journal: the same entry points, checks in
 * the same order, revert reasons, arithmetic (floor division, the verifier taking the rounding remainder,
 * Cairo's overflow panics), storage and events. Not thread-safe: the ledger serializes transactions. Not API.
 *
 * <p>Known rules the source has and this model keeps, however odd: the 90-day "rolling" window starts at the
 * first slash executed after the previous window expired (with a window start of 0 until then); the cooldown
 * counts from the last <em>executed</em> slash; a provider may appeal again after an appeal was upheld; neither
 * {@code request_unstake} nor {@code withdraw_stake} looks at an active slash; {@code execute_slash} is open to
 * anyone and pays the verifier share to the account that initiated the slash.
 */
public final class StakingContract implements LedgerContract {
    /** 7 days between {@code request_unstake} and a possible {@code withdraw_stake}. */
    public static final long LOCKUP_SECONDS = 604_800;
    /** 7 days to appeal a slash (and again after an upheld appeal). */
    public static final long APPEAL_WINDOW_SECONDS = 604_800;
    /** 24 hours between an executed slash and the next initiation. */
    public static final long SLASH_COOLDOWN_SECONDS = 86_400;
    /** 90 days over which slashes are counted. */
    public static final long ROLLING_WINDOW_SECONDS = 7_776_000;
    /** 5 STRK: the floor of {@code min_stake}. */
    public static final BigInteger ABSOLUTE_MIN_STAKE = new BigInteger("5000000000000000000");
    /** Percent of the stake slashed by the first, second, and third-or-later slash in the window. */
    public static final int SLASH_PERCENT_1 = 20;
    /** Second offence. */
    public static final int SLASH_PERCENT_2 = 50;
    /** Third offence and beyond. */
    public static final int SLASH_PERCENT_3 = 100;
    /** Percent of a slash that goes to the treasury; the initiator gets the rest. */
    public static final int TREASURY_SLASH_SHARE = 80;

    private static final BigInteger HUNDRED = BigInteger.valueOf(100);
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final long U32_MAX = 0xffff_ffffL;

    /**
     * One provider's storage: every {@code Map<ContractAddress, _>} of the contract at that key. Stored
     * entries are never changed in place: a write stores a changed copy, so the journal can put the
     * old one back.
     */
    static final class Entry {
        BigInteger stake = BigInteger.ZERO;
        long unlockAt;
        long activeTasks;
        int slashCount;
        long windowStart;
        long lastSlash;
        boolean slashActive;
        ContractAddress initiator = ContractAddress.ZERO;
        Felt reasonHash = Felt.ZERO;
        long initiatedAt;
        long appealDeadline;
        boolean appealPaused;
        long pauseStartedAt;
        int slashPercent;

        Entry copy() {
            Entry e = new Entry();
            e.stake = stake;
            e.unlockAt = unlockAt;
            e.activeTasks = activeTasks;
            e.slashCount = slashCount;
            e.windowStart = windowStart;
            e.lastSlash = lastSlash;
            e.slashActive = slashActive;
            e.initiator = initiator;
            e.reasonHash = reasonHash;
            e.initiatedAt = initiatedAt;
            e.appealDeadline = appealDeadline;
            e.appealPaused = appealPaused;
            e.pauseStartedAt = pauseStartedAt;
            e.slashPercent = slashPercent;
            return e;
        }

        void clearActiveSlash() {
            slashActive = false;
            initiator = ContractAddress.ZERO;
            reasonHash = Felt.ZERO;
            initiatedAt = 0;
            appealDeadline = 0;
            appealPaused = false;
            pauseStartedAt = 0;
            slashPercent = 0;
        }
    }

    private static final Entry EMPTY = new Entry();

    private final LedgerChain chain;
    private final EntryPoints entryPoints;
    final ContractAddress address;
    final ContractAddress strkToken;
    final ContractAddress treasury;
    ContractAddress owner;
    BigInteger minStake;
    ContractAddress relayer;
    ContractAddress verifier;
    final Map<ContractAddress, Entry> entries = new HashMap<>();

    private StakingContract(LedgerChain chain, ContractAddress address, ContractAddress owner, ContractAddress strkToken,
            ContractAddress treasury, BigInteger minStake, ContractAddress relayer, ContractAddress verifier) {
        this.chain = chain;
        this.address = address;
        this.owner = owner;
        this.strkToken = strkToken;
        this.treasury = treasury;
        this.minStake = minStake;
        this.relayer = relayer;
        this.verifier = verifier;
        this.entryPoints = table();
    }

    /**
     * The constructor, with its checks in the contract's order.
     *
     * @param chain the machine it is deployed on (its journal, calls to the token, the block timestamp)
     * @param address where it is deployed
     * @param owner the Ownable owner
     * @param strkToken the staked ERC-20
     * @param treasury receives 80% of a slash
     * @param minStake the least a provider may hold staked, at least 5 STRK
     * @param relayer may count active tasks and mark them abandoned
     * @param verifier may initiate slashes
     * @return the deployed contract, empty
     * @throws EscrowRevertedException with the contract's reason when the constructor would revert
     */
    public static StakingContract deploy(LedgerChain chain, ContractAddress address, ContractAddress owner,
            ContractAddress strkToken,
            ContractAddress treasury, BigInteger minStake, ContractAddress relayer, ContractAddress verifier) {
        String reason = null;
        if (owner.isZero()) {
            reason = StakingReverts.NEW_OWNER_IS_ZERO; // OpenZeppelin's initializer
        } else if (strkToken.isZero()) {
            reason = StakingReverts.STRK_TOKEN_IS_ZERO;
        } else if (treasury.isZero()) {
            reason = StakingReverts.TREASURY_IS_ZERO;
        } else if (relayer.isZero()) {
            reason = StakingReverts.RELAYER_IS_ZERO;
        } else if (verifier.isZero()) {
            reason = StakingReverts.VERIFIER_IS_ZERO;
        } else if (minStake.compareTo(ABSOLUTE_MIN_STAKE) < 0) {
            reason = StakingReverts.BELOW_ABSOLUTE_MIN_STAKE;
        }
        if (reason != null) {
            throw new EscrowRevertedException(reason, "deploy SmainerStakingContract at " + address);
        }
        if (minStake.compareTo(U256.MAX_VALUE) > 0) {
            throw new InvalidFieldException("min_stake", "a u256", minStake);
        }
        return new StakingContract(chain, address, owner, strkToken, treasury, minStake, relayer, verifier);
    }

    @Override
    public ContractAddress address() {
        return address;
    }

    /** @return the staked token */
    public ContractAddress strkToken() {
        return strkToken;
    }

    /** @return the treasury */
    public ContractAddress treasury() {
        return treasury;
    }

    private EntryPoints table() {
        return EntryPoints.builder()
                // views
                .view(StakingAbi.GET_STAKE, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    return u256(entry(p).stake);
                })
                .view(StakingAbi.GET_SLASH_COUNT, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    Entry e = entry(p);
                    return List.of(Felt.of(windowExpired(chain.blockTimestamp(), e) ? 0 : e.slashCount));
                })
                .view(StakingAbi.CAN_UNSTAKE, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    Entry e = entry(p);
                    return List.of(bool(e.unlockAt != 0 && chain.blockTimestamp() >= e.unlockAt));
                })
                .view(StakingAbi.GET_MIN_STAKE, (caller, a) -> {
                    a.end();
                    return u256(minStake);
                })
                .view(StakingAbi.OWNER, (caller, a) -> {
                    a.end();
                    return List.of(owner.felt());
                })
                // staking
                .external(StakingAbi.DEPOSIT_STAKE, (caller, a) -> {
                    BigInteger amount = a.u256();
                    a.end();
                    depositStake(caller, amount);
                    return List.of();
                })
                .external(StakingAbi.REQUEST_UNSTAKE, (caller, a) -> {
                    a.end();
                    requestUnstake(caller);
                    return List.of();
                })
                .external(StakingAbi.WITHDRAW_STAKE, (caller, a) -> {
                    a.end();
                    withdrawStake(caller);
                    return List.of();
                })
                // task tracking (relayer)
                .external(StakingAbi.INCREMENT_ACTIVE_TASKS, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    assertRelayer(caller);
                    Entry e = entry(p).copy();
                    if (e.activeTasks == U32_MAX) {
                        throw new Revert(StakingReverts.U32_ADD_OVERFLOW);
                    }
                    e.activeTasks++;
                    journal().put(entries, p, e);
                    return List.of();
                })
                .external(StakingAbi.DECREMENT_ACTIVE_TASKS, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    assertRelayer(caller);
                    decrementSaturating(p);
                    return List.of();
                })
                .external(StakingAbi.MARK_TASK_ABANDONED, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    assertRelayer(caller);
                    decrementSaturating(p);
                    journal().emit(address, StakingAbi.TASK_ABANDONED, List.of(p.felt()), u256(entry(p).stake));
                    return List.of();
                })
                // slash lifecycle
                .external(StakingAbi.INITIATE_SLASH, (caller, a) -> {
                    ContractAddress p = a.address();
                    Felt reason = a.felt();
                    a.end();
                    initiateSlash(caller, p, reason);
                    return List.of();
                })
                .external(StakingAbi.APPEAL_SLASH, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    appealSlash(caller, p);
                    return List.of();
                })
                .external(StakingAbi.RESOLVE_APPEAL, (caller, a) -> {
                    ContractAddress p = a.address();
                    boolean upheld = a.bool();
                    a.end();
                    resolveAppeal(caller, p, upheld);
                    return List.of();
                })
                .external(StakingAbi.EXECUTE_SLASH, (caller, a) -> {
                    ContractAddress p = a.address();
                    a.end();
                    executeSlash(p);
                    return List.of();
                })
                // admin
                .external(StakingAbi.SET_MIN_STAKE, (caller, a) -> {
                    BigInteger amount = a.u256();
                    a.end();
                    assertOnlyOwner(caller);
                    if (amount.compareTo(ABSOLUTE_MIN_STAKE) < 0) {
                        throw new Revert(StakingReverts.BELOW_ABSOLUTE_MIN_STAKE);
                    }
                    BigInteger old = minStake;
                    journal().onUndo(() -> minStake = old);
                    minStake = amount;
                    return List.of();
                })
                .external(StakingAbi.SET_AUTHORIZED_RELAYER, (caller, a) -> {
                    ContractAddress r = a.address();
                    a.end();
                    assertOnlyOwner(caller);
                    if (r.isZero()) {
                        throw new Revert(StakingReverts.RELAYER_IS_ZERO);
                    }
                    ContractAddress old = relayer;
                    journal().onUndo(() -> relayer = old);
                    relayer = r;
                    return List.of();
                })
                .external(StakingAbi.SET_AUTHORIZED_VERIFIER, (caller, a) -> {
                    ContractAddress v = a.address();
                    a.end();
                    assertOnlyOwner(caller);
                    if (v.isZero()) {
                        throw new Revert(StakingReverts.VERIFIER_IS_ZERO);
                    }
                    ContractAddress old = verifier;
                    journal().onUndo(() -> verifier = old);
                    verifier = v;
                    return List.of();
                })
                // OpenZeppelin OwnableImpl (v0.20.0): the zero check comes before the owner check
                .external(StakingAbi.TRANSFER_OWNERSHIP, (caller, a) -> {
                    ContractAddress next = a.address();
                    a.end();
                    if (next.isZero()) {
                        throw new Revert(StakingReverts.NEW_OWNER_IS_ZERO);
                    }
                    assertOnlyOwner(caller);
                    transferOwnership(next);
                    return List.of();
                })
                .external(StakingAbi.RENOUNCE_OWNERSHIP, (caller, a) -> {
                    a.end();
                    assertOnlyOwner(caller);
                    transferOwnership(ContractAddress.ZERO);
                    return List.of();
                })
                .build();
    }

    @Override
    public EntryPoints entryPoints() {
        return entryPoints;
    }

    private Journal journal() {
        return chain.journal();
    }

    // ------------------------------------------------------------------ staking

    private void depositStake(ContractAddress caller, BigInteger amount) {
        if (amount.signum() == 0) {
            throw new Revert(StakingReverts.AMOUNT_MUST_BE_POSITIVE);
        }
        Entry e = entry(caller).copy();
        BigInteger total = e.stake.add(amount);
        if (total.compareTo(U256.MAX_VALUE) > 0) {
            throw new Revert(StakingReverts.U256_ADD_OVERFLOW);
        }
        if (total.compareTo(minStake) < 0) {
            throw new Revert(StakingReverts.BELOW_MINIMUM_STAKE);
        }
        e.stake = total;
        e.unlockAt = 0;
        journal().put(entries, caller, e);
        List<Felt> ok = chain.call(address, strkToken, Abi.TRANSFER_FROM,
                cat(List.of(caller.felt(), address.felt()), u256(amount)));
        requireTrue(ok, StakingReverts.TRANSFER_FAILED);
        journal().emit(address, StakingAbi.STAKE_DEPOSITED, List.of(caller.felt()), cat(u256(amount), u256(total)));
    }

    private void requestUnstake(ContractAddress caller) {
        Entry e = entry(caller);
        if (e.activeTasks != 0) {
            throw new Revert(StakingReverts.ACTIVE_TASKS_PENDING);
        }
        if (e.stake.signum() == 0) {
            throw new Revert(StakingReverts.NO_STAKE_TO_WITHDRAW);
        }
        long unlockAt = addU64(chain.blockTimestamp(), LOCKUP_SECONDS);
        Entry next = e.copy();
        next.unlockAt = unlockAt;
        journal().put(entries, caller, next);
        journal().emit(address, StakingAbi.STAKE_WITHDRAWAL_REQUESTED, List.of(caller.felt()), List.of(Felt.of(unlockAt)));
    }

    private void withdrawStake(ContractAddress caller) {
        Entry e = entry(caller);
        if (e.unlockAt == 0) {
            throw new Revert(StakingReverts.NO_WITHDRAWAL_REQUESTED);
        }
        if (Long.compareUnsigned(chain.blockTimestamp(), e.unlockAt) < 0) {
            throw new Revert(StakingReverts.LOCKUP_NOT_OVER);
        }
        BigInteger amount = e.stake;
        if (amount.signum() == 0) {
            throw new Revert(StakingReverts.NO_STAKE_TO_WITHDRAW);
        }
        Entry next = e.copy();
        next.stake = BigInteger.ZERO;
        next.unlockAt = 0;
        journal().put(entries, caller, next);
        requireTrue(transfer(caller, amount), StakingReverts.TRANSFER_FAILED);
        journal().emit(address, StakingAbi.STAKE_WITHDRAWN, List.of(caller.felt()), u256(amount));
    }

    private void decrementSaturating(ContractAddress p) {
        Entry e = entry(p);
        if (e.activeTasks > 0) {
            Entry next = e.copy();
            next.activeTasks--;
            journal().put(entries, p, next);
        }
    }

    // ------------------------------------------------------------------ slashes

    private void initiateSlash(ContractAddress caller, ContractAddress p, Felt reason) {
        if (!caller.equals(verifier)) {
            throw new Revert(StakingReverts.NOT_VERIFIER);
        }
        long now = chain.blockTimestamp();
        Entry e = entry(p);
        if (e.stake.signum() == 0) {
            throw new Revert(StakingReverts.PROVIDER_HAS_NO_STAKE);
        }
        if (e.slashActive) {
            throw new Revert(StakingReverts.SLASH_ALREADY_ACTIVE);
        }
        if (e.lastSlash != 0 && now - e.lastSlash < SLASH_COOLDOWN_SECONDS) {
            throw new Revert(StakingReverts.SLASH_COOLDOWN_ACTIVE);
        }
        int percent = slashPercentFor(now, e);
        long deadline = addU64(now, APPEAL_WINDOW_SECONDS);
        Entry next = e.copy();
        next.slashActive = true;
        next.initiator = caller;
        next.reasonHash = reason;
        next.initiatedAt = now;
        next.appealDeadline = deadline;
        next.appealPaused = false;
        next.pauseStartedAt = 0;
        next.slashPercent = percent;
        journal().put(entries, p, next);
        journal().emit(address, StakingAbi.SLASH_INITIATED, List.of(p.felt()),
                List.of(Felt.of(percent), reason, Felt.of(deadline)));
    }

    private void appealSlash(ContractAddress caller, ContractAddress p) {
        if (!caller.equals(p)) {
            throw new Revert(StakingReverts.ONLY_PROVIDER_CAN_APPEAL);
        }
        Entry e = entry(p);
        if (!e.slashActive) {
            throw new Revert(StakingReverts.NO_ACTIVE_SLASH);
        }
        if (e.appealPaused) {
            throw new Revert(StakingReverts.APPEAL_ALREADY_SUBMITTED);
        }
        Entry next = e.copy();
        next.appealPaused = true;
        next.pauseStartedAt = chain.blockTimestamp();
        journal().put(entries, p, next);
        journal().emit(address, StakingAbi.APPEAL_SUBMITTED, List.of(p.felt()), List.of(Felt.of(e.initiatedAt)));
    }

    private void resolveAppeal(ContractAddress caller, ContractAddress p, boolean upheld) {
        assertOnlyOwner(caller);
        Entry e = entry(p);
        if (!e.slashActive) {
            throw new Revert(StakingReverts.NO_ACTIVE_SLASH);
        }
        if (!e.appealPaused) {
            throw new Revert(StakingReverts.NO_PENDING_APPEAL);
        }
        Entry next = e.copy();
        if (upheld) {
            next.appealPaused = false;
            next.pauseStartedAt = 0;
            next.appealDeadline = addU64(chain.blockTimestamp(), APPEAL_WINDOW_SECONDS);
        } else {
            next.clearActiveSlash();
        }
        journal().put(entries, p, next);
        journal().emit(address, StakingAbi.APPEAL_RESOLVED, List.of(p.felt()), List.of(bool(upheld)));
    }

    private void executeSlash(ContractAddress p) {
        long now = chain.blockTimestamp();
        Entry e = entry(p);
        if (!e.slashActive) {
            throw new Revert(StakingReverts.NO_ACTIVE_SLASH);
        }
        if (e.appealPaused || Long.compareUnsigned(now, e.appealDeadline) < 0) {
            throw new Revert(StakingReverts.APPEAL_WINDOW_OPEN);
        }
        ContractAddress initiator = e.initiator;
        BigInteger stake = e.stake;
        if (stake.signum() == 0) {
            throw new Revert(StakingReverts.PROVIDER_HAS_NO_STAKE);
        }
        BigInteger product = stake.multiply(BigInteger.valueOf(e.slashPercent));
        if (product.compareTo(U256.MAX_VALUE) > 0) {
            throw new Revert(StakingReverts.U256_MUL_OVERFLOW);
        }
        BigInteger[] split = shares(stake, e.slashPercent);
        BigInteger slash = split[0];
        BigInteger toTreasury = split[1];
        BigInteger toVerifier = split[2];
        Entry next = e.copy();
        next.stake = stake.subtract(slash);
        if (windowExpired(now, e)) {
            next.slashCount = 1;
            next.windowStart = now;
        } else {
            next.slashCount = Math.min(e.slashCount + 1, 255);
        }
        next.lastSlash = now;
        next.clearActiveSlash();
        journal().put(entries, p, next);
        if (toTreasury.signum() > 0) {
            requireTrue(transfer(treasury, toTreasury), StakingReverts.TREASURY_TRANSFER_FAILED);
        }
        if (toVerifier.signum() > 0) {
            requireTrue(transfer(initiator, toVerifier), StakingReverts.VERIFIER_TRANSFER_FAILED);
        }
        journal().emit(address, StakingAbi.SLASH_EXECUTED, List.of(p.felt()),
                cat(u256(slash), u256(toTreasury), u256(toVerifier)));
    }

    /**
     * The contract's split of a slash: {@code slash = stake * percent / 100},
     * {@code treasury = slash * 80 / 100}, and the verifier gets {@code slash - treasury} (the rounding dust).
     *
     * @param stake the provider's stake
     * @param percent 20, 50 or 100
     * @return {@code [slash, treasury share, verifier share]}
     */
    public static BigInteger[] shares(BigInteger stake, int percent) {
        BigInteger slash = stake.multiply(BigInteger.valueOf(percent)).divide(HUNDRED);
        BigInteger toTreasury = slash.multiply(BigInteger.valueOf(TREASURY_SLASH_SHARE)).divide(HUNDRED);
        return new BigInteger[] {slash, toTreasury, slash.subtract(toTreasury)};
    }

    private static boolean windowExpired(long now, Entry e) {
        return now - e.windowStart > ROLLING_WINDOW_SECONDS;
    }

    private static int slashPercentFor(long now, Entry e) {
        int count = windowExpired(now, e) ? 0 : e.slashCount;
        return count == 0 ? SLASH_PERCENT_1 : count == 1 ? SLASH_PERCENT_2 : SLASH_PERCENT_3;
    }

    // ------------------------------------------------------------------ snapshot

    /** @return the whole state as JSON, providers in address order (so equal states give equal text) */
    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("address", address.hex());
        o.addProperty("owner", owner.hex());
        o.addProperty("strk_token", strkToken.hex());
        o.addProperty("treasury", treasury.hex());
        o.addProperty("min_stake", minStake.toString());
        o.addProperty("relayer", relayer.hex());
        o.addProperty("verifier", verifier.hex());
        JsonObject providers = new JsonObject();
        new TreeMap<>(entries).forEach((p, e) -> {
            JsonObject j = new JsonObject();
            j.addProperty("stake", e.stake.toString());
            j.addProperty("unlock_at", e.unlockAt);
            j.addProperty("active_tasks", e.activeTasks);
            j.addProperty("slash_count", e.slashCount);
            j.addProperty("window_start", e.windowStart);
            j.addProperty("last_slash", e.lastSlash);
            j.addProperty("slash_active", e.slashActive);
            j.addProperty("initiator", e.initiator.hex());
            j.addProperty("reason_hash", e.reasonHash.hex());
            j.addProperty("initiated_at", e.initiatedAt);
            j.addProperty("appeal_deadline", e.appealDeadline);
            j.addProperty("appeal_paused", e.appealPaused);
            j.addProperty("pause_started_at", e.pauseStartedAt);
            j.addProperty("slash_percent", e.slashPercent);
            providers.add(p.hex(), j);
        });
        o.add("providers", providers);
        return o;
    }

    /**
     * @param chain the machine it is deployed on
     * @param o what {@link #toJson} wrote
     * @return the contract in that state
     */
    static StakingContract fromJson(LedgerChain chain, JsonObject o) {
        StakingContract c = new StakingContract(chain, addr(o, "address"), addr(o, "owner"), addr(o, "strk_token"),
                addr(o, "treasury"), new BigInteger(o.get("min_stake").getAsString()), addr(o, "relayer"),
                addr(o, "verifier"));
        for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("providers").entrySet()) {
            JsonObject j = p.getValue().getAsJsonObject();
            Entry e = new Entry();
            e.stake = new BigInteger(j.get("stake").getAsString());
            e.unlockAt = j.get("unlock_at").getAsLong();
            e.activeTasks = j.get("active_tasks").getAsLong();
            e.slashCount = j.get("slash_count").getAsInt();
            e.windowStart = j.get("window_start").getAsLong();
            e.lastSlash = j.get("last_slash").getAsLong();
            e.slashActive = j.get("slash_active").getAsBoolean();
            e.initiator = addr(j, "initiator");
            e.reasonHash = Felt.parse(j.get("reason_hash").getAsString());
            e.initiatedAt = j.get("initiated_at").getAsLong();
            e.appealDeadline = j.get("appeal_deadline").getAsLong();
            e.appealPaused = j.get("appeal_paused").getAsBoolean();
            e.pauseStartedAt = j.get("pause_started_at").getAsLong();
            e.slashPercent = j.get("slash_percent").getAsInt();
            c.entries.put(ContractAddress.parse(p.getKey()), e);
        }
        return c;
    }

    private static ContractAddress addr(JsonObject o, String field) {
        return ContractAddress.parse(o.get(field).getAsString());
    }

    // ------------------------------------------------------------------ helpers

    private Entry entry(ContractAddress p) {
        return entries.getOrDefault(p, EMPTY);
    }

    private List<Felt> transfer(ContractAddress to, BigInteger amount) {
        return chain.call(address, strkToken, Abi.TRANSFER, cat(List.of(to.felt()), u256(amount)));
    }

    private void transferOwnership(ContractAddress next) {
        ContractAddress previous = owner;
        journal().onUndo(() -> owner = previous);
        owner = next;
        journal().emit(address, StakingAbi.OWNERSHIP_TRANSFERRED, List.of(previous.felt(), next.felt()), List.of());
    }

    private void assertRelayer(ContractAddress caller) {
        if (!caller.equals(relayer)) {
            throw new Revert(StakingReverts.NOT_RELAYER);
        }
    }

    private void assertOnlyOwner(ContractAddress caller) {
        if (caller.isZero()) {
            throw new Revert(StakingReverts.ZERO_CALLER);
        }
        if (!caller.equals(owner)) {
            throw new Revert(StakingReverts.NOT_OWNER);
        }
    }

    /** A Cairo {@code assert(ok, reason)} on an ERC-20 call's {@code bool} result. */
    private static void requireTrue(List<Felt> result, String reason) {
        if (result.size() != 1 || result.get(0).value().signum() == 0) {
            throw new Revert(reason);
        }
    }

    private static long addU64(long a, long b) {
        BigInteger sum = new BigInteger(Long.toUnsignedString(a)).add(BigInteger.valueOf(b));
        if (sum.compareTo(U64_MAX) > 0) {
            throw new Revert(StakingReverts.U64_ADD_OVERFLOW);
        }
        return sum.longValue();
    }

    private static Felt bool(boolean b) {
        return b ? Felt.ONE : Felt.ZERO;
    }

    private static List<Felt> u256(BigInteger v) {
        return U256.of(v).toCalldata();
    }

    @SafeVarargs
    private static List<Felt> cat(List<Felt>... parts) {
        List<Felt> out = new ArrayList<>();
        for (List<Felt> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
