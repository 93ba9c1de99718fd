package io.smainer.relayer.staking;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.StakingCalls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes to {@code SmainerStakingContract}'s active-task counts that this relayer owes the chain: +1 when a
 * task is assigned to a provider, -1 when it is settled, and {@code mark_task_abandoned} when the provider lost it
 * (requeued or failed). They are drained into the next settlement multicall as one net
 * {@code increment_active_tasks}/{@code decrement_active_tasks} run per provider (increments first, so the
 * contract's floor at zero loses nothing) and one {@code mark_task_abandoned} per lost task, never one transaction
 * per task. Kept in memory: a relayer restart forgets the tasks in flight (their counts stay on chain until the
 * owner of the relayer account decrements them). Thread-safe.
 */
public final class ActiveTaskCounts {
    private final ContractAddress staking;
    private final Map<String, ContractAddress> counted = new HashMap<>();
    private final Map<ContractAddress, Pending> pending = new LinkedHashMap<>();
    private long since = -1;

    private static final class Pending {
        long up;
        long down;
        long abandoned;

        boolean isEmpty() {
            return up == 0 && down == 0 && abandoned == 0;
        }
    }

    /** What one drain took, to be put back when its transaction did not go through. */
    public static final class Drained {
        private final List<ContractCall> calls;
        private final Map<ContractAddress, long[]> taken;

        Drained(List<ContractCall> calls, Map<ContractAddress, long[]> taken) {
            this.calls = List.copyOf(calls);
            this.taken = taken;
        }

        /** @return the calls, in order */
        public List<ContractCall> calls() {
            return calls;
        }
    }

    /** @param staking the staking contract */
    public ActiveTaskCounts(ContractAddress staking) {
        this.staking = Require.present("staking", staking);
    }

    /**
     * @param taskId a task just assigned
     * @param provider to whom
     * @param nowMillis the time, for {@link #oldestMillis()}
     */
    public synchronized void assigned(String taskId, ContractAddress provider, long nowMillis) {
        ContractAddress before = counted.put(taskId, provider);
        if (before != null) { // reassigned without a loss reported first: the old provider lost it
            entry(before, nowMillis).abandoned++;
        }
        entry(provider, nowMillis).up++;
    }

    /**
     * @param taskId a task settled on chain
     * @param nowMillis the time
     */
    public synchronized void settled(String taskId, long nowMillis) {
        ContractAddress p = counted.remove(taskId);
        if (p != null) {
            entry(p, nowMillis).down++;
        }
    }

    /**
     * @param taskId a task its provider lost (requeued after a deadline or a disconnect, or failed)
     * @param nowMillis the time
     */
    public synchronized void lost(String taskId, long nowMillis) {
        ContractAddress p = counted.remove(taskId);
        if (p != null) {
            entry(p, nowMillis).abandoned++;
        }
    }

    private Pending entry(ContractAddress p, long nowMillis) {
        if (since < 0) {
            since = nowMillis;
        }
        return pending.computeIfAbsent(p, k -> new Pending());
    }

    /** @return when the oldest change not yet drained was made, or -1 when there is none */
    public synchronized long oldestMillis() {
        return since;
    }

    /** @return the tasks counted active now */
    public synchronized int activeTasks() {
        return counted.size();
    }

    /**
     * Takes every pending change as calls.
     *
     * @return the calls and what they took
     */
    public synchronized Drained drain() {
        List<ContractCall> calls = new ArrayList<>();
        Map<ContractAddress, long[]> taken = new HashMap<>();
        for (Map.Entry<ContractAddress, Pending> e : pending.entrySet()) {
            ContractAddress p = e.getKey();
            Pending c = e.getValue();
            long net = c.up - c.down;
            for (long i = 0; i < net; i++) {
                calls.add(StakingCalls.incrementActiveTasks(staking, p));
            }
            for (long i = 0; i < -net; i++) {
                calls.add(StakingCalls.decrementActiveTasks(staking, p));
            }
            for (long i = 0; i < c.abandoned; i++) {
                calls.add(StakingCalls.markTaskAbandoned(staking, p));
            }
            taken.put(p, new long[] {c.up, c.down, c.abandoned});
        }
        pending.clear();
        since = -1;
        return new Drained(calls, taken);
    }

    /**
     * Puts back what a drain took, when its transaction reverted or was not sent.
     *
     * @param d the drain
     * @param nowMillis the time
     */
    public synchronized void restore(Drained d, long nowMillis) {
        for (Map.Entry<ContractAddress, long[]> e : d.taken.entrySet()) {
            Pending c = entry(e.getKey(), nowMillis);
            c.up += e.getValue()[0];
            c.down += e.getValue()[1];
            c.abandoned += e.getValue()[2];
        }
        pending.values().removeIf(Pending::isEmpty);
        if (pending.isEmpty()) {
            since = -1;
        }
    }
}
