package io.smainer.relayer.staking;

import io.smainer.Require;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.EscrowTask;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.EventPage;
import io.smainer.escrow.NodeStatus;
import io.smainer.escrow.Settlement;
import io.smainer.escrow.TxResult;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settler's escrow with the staking policy: every settlement batch carries the active-task counts owed
 * ({@link ActiveTaskCounts#drain()}) in the same multicall. Should the batch revert with the counts, they are put
 * back and the settlements sent again alone, so a staking problem never holds payments. Every other call goes
 * straight to the escrow.
 */
final class CountingEscrow implements Escrow {
    private static final Logger LOG = LoggerFactory.getLogger(CountingEscrow.class);

    private final Escrow escrow;
    private final ActiveTaskCounts counts;
    private final Clock clock;
    private final AtomicLong countCalls = new AtomicLong();

    CountingEscrow(Escrow escrow, ActiveTaskCounts counts, Clock clock) {
        this.escrow = Require.present("escrow", escrow);
        this.counts = Require.present("counts", counts);
        this.clock = Require.present("clock", clock);
    }

    /** @return staking calls sent inside settlement transactions so far */
    long countCalls() {
        return countCalls.get();
    }

    @Override
    public TxResult settleBatch(List<Settlement> settlements) {
        return settleBatch(settlements, List.of());
    }

    @Override
    public TxResult settleBatch(List<Settlement> settlements, List<ContractCall> alongside) {
        ActiveTaskCounts.Drained d = counts.drain();
        if (d.calls().isEmpty()) {
            return escrow.settleBatch(settlements, alongside);
        }
        List<ContractCall> all = new ArrayList<>(alongside);
        all.addAll(d.calls());
        try {
            TxResult tx = escrow.settleBatch(settlements, all);
            countCalls.addAndGet(d.calls().size());
            return tx;
        } catch (EscrowRevertedException e) {
            counts.restore(d, clock.millis());
            LOG.warn("a settlement batch with {} active-task count calls reverted ({}); settling without them",
                    d.calls().size(), e.reason());
            return escrow.settleBatch(settlements, alongside);
        } catch (RuntimeException e) {
            counts.restore(d, clock.millis());
            throw e;
        }
    }

    @Override
    public TxResult settle(Settlement settlement) {
        return settleBatch(List.of(settlement));
    }

    // ---- delegated

    @Override
    public ContractAddress caller() {
        return escrow.caller();
    }

    @Override
    public ContractAddress contract() {
        return escrow.contract();
    }

    @Override
    public ContractAddress token() {
        return escrow.token();
    }

    @Override
    public CreatedTask createTask(ContractAddress token, TokenAmount baseAmount, Tier tier, Felt taskHash) {
        return escrow.createTask(token, baseAmount, tier, taskHash);
    }

    @Override
    public TxResult cancelTask(U256 taskId) {
        return escrow.cancelTask(taskId);
    }

    @Override
    public Optional<EscrowTask> getTask(U256 taskId) {
        return escrow.getTask(taskId);
    }

    @Override
    public U256 taskCount() {
        return escrow.taskCount();
    }

    @Override
    public NodeStatus nodeStatus(ContractAddress node) {
        return escrow.nodeStatus(node);
    }

    @Override
    public Optional<Felt> providerPublicKey(ContractAddress provider) {
        return escrow.providerPublicKey(provider);
    }

    @Override
    public BasisPoints tierMultiplier(Tier tier) {
        return escrow.tierMultiplier(tier);
    }

    @Override
    public TokenAmount balanceOf(ContractAddress account) {
        return escrow.balanceOf(account);
    }

    @Override
    public boolean isPaused() {
        return escrow.isPaused();
    }

    @Override
    public boolean offers(String entryPoint) {
        return escrow.offers(entryPoint);
    }

    @Override
    public Optional<ChainId> chainId() {
        return escrow.chainId();
    }

    @Override
    public TxResult registerNode() {
        return escrow.registerNode();
    }

    @Override
    public TxResult deactivateNode() {
        return escrow.deactivateNode();
    }

    @Override
    public TxResult setProviderPublicKey(Felt publicKey) {
        return escrow.setProviderPublicKey(publicKey);
    }

    @Override
    public EventPage events(EventCursor after, int max) {
        return escrow.events(after, max);
    }

    @Override
    public void close() {
        // the escrow belongs to the relayer
    }

    @Override
    public String toString() {
        return "CountingEscrow[" + escrow + "]";
    }
}
