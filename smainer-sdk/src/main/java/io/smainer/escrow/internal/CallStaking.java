package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.escrow.ActiveSlash;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.Staking;
import io.smainer.escrow.StakingCalls;
import io.smainer.escrow.StakingEvent;
import io.smainer.escrow.StakingEventPage;
import io.smainer.escrow.TxResult;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * {@link Staking} written once in terms of contract calls, like {@link CallEscrow}: the ledger's and the
 * Starknet client's staking clients supply only how a view is called, how a multicall is sent, how the
 * contract's events are read and a block's timestamp. Not API.
 */
public abstract class CallStaking implements Staking {
    private final ContractAddress caller;
    private final ContractAddress contract;
    private final ContractAddress token;

    /**
     * @param caller the account
     * @param contract the staking contract
     * @param token the staked token
     */
    protected CallStaking(ContractAddress caller, ContractAddress contract, ContractAddress token) {
        this.caller = Require.present("caller", caller);
        this.contract = Require.present("staking_contract", contract);
        this.token = Require.present("token", token);
    }

    /**
     * @param call a read-only call
     * @return its return values
     */
    protected abstract List<Felt> view(ContractCall call);

    /**
     * @param calls a multicall from {@link #caller()}
     * @param context what is being done, for error messages
     * @return the accepted transaction
     */
    protected abstract TxResult send(List<ContractCall> calls, String context);

    /**
     * @param fromBlock a block
     * @return the staking contract's events from the start of that block, oldest first
     */
    protected abstract Iterator<ChainEvent> contractEvents(long fromBlock);

    /**
     * @param block a block number
     * @return its timestamp
     */
    protected abstract Instant blockTimestamp(long block);

    @Override
    public ContractAddress caller() {
        return caller;
    }

    @Override
    public ContractAddress contract() {
        return contract;
    }

    @Override
    public ContractAddress token() {
        return token;
    }

    // ---- views

    @Override
    public TokenAmount stake(ContractAddress provider) {
        List<Felt> r = view(ContractCall.of(contract, StakingAbi.GET_STAKE, List.of(provider.felt())));
        expect(StakingAbi.GET_STAKE, r, 2);
        return TokenAmount.ofBaseUnits(EscrowEvents.u256(r, 0).value());
    }

    @Override
    public int slashCount(ContractAddress provider) {
        List<Felt> r = view(ContractCall.of(contract, StakingAbi.GET_SLASH_COUNT, List.of(provider.felt())));
        expect(StakingAbi.GET_SLASH_COUNT, r, 1);
        return r.get(0).value().intValueExact();
    }

    @Override
    public boolean canUnstake(ContractAddress provider) {
        List<Felt> r = view(ContractCall.of(contract, StakingAbi.CAN_UNSTAKE, List.of(provider.felt())));
        expect(StakingAbi.CAN_UNSTAKE, r, 1);
        return r.get(0).value().signum() != 0;
    }

    @Override
    public TokenAmount minStake() {
        List<Felt> r = view(ContractCall.of(contract, StakingAbi.GET_MIN_STAKE, List.of()));
        expect(StakingAbi.GET_MIN_STAKE, r, 2);
        return TokenAmount.ofBaseUnits(EscrowEvents.u256(r, 0).value());
    }

    @Override
    public ContractAddress owner() {
        List<Felt> r = view(ContractCall.of(contract, StakingAbi.OWNER, List.of()));
        expect(StakingAbi.OWNER, r, 1);
        return new ContractAddress(r.get(0));
    }

    @Override
    public Optional<ActiveSlash> activeSlash(ContractAddress provider) {
        Require.present("provider", provider);
        ActiveSlash s = null;
        for (StakingEvent ev : eventsAfter(EventCursor.START)) {
            if (ev instanceof StakingEvent.SlashInitiated i && i.provider().equals(provider)) {
                s = new ActiveSlash(provider, i.percent(), i.reasonHash(),
                        i.appealDeadline().minusSeconds(StakingContract.APPEAL_WINDOW_SECONDS), i.appealDeadline(), false);
            } else if (s != null && ev instanceof StakingEvent.AppealSubmitted a && a.provider().equals(provider)) {
                s = new ActiveSlash(provider, s.percent(), s.reasonHash(), s.initiatedAt(), s.appealDeadline(), true);
            } else if (s != null && ev instanceof StakingEvent.AppealResolved r && r.provider().equals(provider)) {
                s = !r.upheld() ? null : new ActiveSlash(provider, s.percent(), s.reasonHash(), s.initiatedAt(),
                        blockTimestamp(r.cursor().block()).plusSeconds(StakingContract.APPEAL_WINDOW_SECONDS), false);
            } else if (ev instanceof StakingEvent.SlashExecuted x && x.provider().equals(provider)) {
                s = null;
            }
        }
        return Optional.ofNullable(s);
    }

    // ---- writes

    @Override
    public TxResult depositStake(TokenAmount amount) {
        Require.present("amount", amount);
        return send(List.of(CallEscrow.approve(token, contract, amount), StakingCalls.depositStake(contract, amount)),
                "deposit stake " + amount.toStrkString());
    }

    @Override
    public TxResult requestUnstake() {
        return send(List.of(StakingCalls.requestUnstake(contract)), "request unstake");
    }

    @Override
    public TxResult withdrawStake() {
        return send(List.of(StakingCalls.withdrawStake(contract)), "withdraw stake");
    }

    @Override
    public TxResult appealSlash() {
        return send(List.of(StakingCalls.appealSlash(contract, caller)), "appeal slash");
    }

    @Override
    public TxResult incrementActiveTasks(ContractAddress provider) {
        return send(List.of(StakingCalls.incrementActiveTasks(contract, provider)), "increment active tasks of " + provider);
    }

    @Override
    public TxResult decrementActiveTasks(ContractAddress provider) {
        return send(List.of(StakingCalls.decrementActiveTasks(contract, provider)), "decrement active tasks of " + provider);
    }

    @Override
    public TxResult markTaskAbandoned(ContractAddress provider) {
        return send(List.of(StakingCalls.markTaskAbandoned(contract, provider)), "mark a task of " + provider
                + " abandoned");
    }

    @Override
    public TxResult invoke(List<ContractCall> calls) {
        if (calls == null || calls.isEmpty()) {
            throw new InvalidFieldException("calls", "at least one call", calls);
        }
        return send(List.copyOf(calls), calls.size() + " staking calls in one transaction");
    }

    @Override
    public TxResult initiateSlash(ContractAddress provider, Felt reasonHash) {
        return send(List.of(StakingCalls.initiateSlash(contract, provider, Require.present("reason_hash", reasonHash))),
                "initiate slash of " + provider);
    }

    @Override
    public TxResult executeSlash(ContractAddress provider) {
        return send(List.of(StakingCalls.executeSlash(contract, provider)), "execute slash of " + provider);
    }

    @Override
    public TxResult resolveAppeal(ContractAddress provider, boolean upheld) {
        return send(List.of(StakingCalls.resolveAppeal(contract, provider, upheld)), "resolve appeal of " + provider);
    }

    @Override
    public TxResult setMinStake(TokenAmount amount) {
        return send(List.of(StakingCalls.setMinStake(contract, Require.present("amount", amount))), "set min stake");
    }

    @Override
    public TxResult setAuthorizedRelayer(ContractAddress relayer) {
        return send(List.of(StakingCalls.setAuthorizedRelayer(contract, relayer)), "set authorized relayer");
    }

    @Override
    public TxResult setAuthorizedVerifier(ContractAddress verifier) {
        return send(List.of(StakingCalls.setAuthorizedVerifier(contract, verifier)), "set authorized verifier");
    }

    @Override
    public TxResult transferOwnership(ContractAddress newOwner) {
        return send(List.of(StakingCalls.transferOwnership(contract, newOwner)), "transfer ownership");
    }

    @Override
    public StakingEventPage events(EventCursor after, int max) {
        Require.present("after", after);
        return StakingEvents.page(after, max, contractEvents(after.block()));
    }

    private static void expect(String entryPoint, List<Felt> result, int size) {
        if (result.size() != size) {
            throw new ChainException(0, entryPoint + " returned " + result.size() + " felts, expected " + size, null);
        }
    }
}
