package io.smainer.relayer.scheduling;

import io.smainer.Require;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.store.TaskEvents;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.store.TaskStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops pending tasks whose escrow is no longer CREATED on chain (the demander cancelled it for a refund, so
 * nothing would pay for the work): each round ({@code scheduler.escrow_check_millis}) reads the escrows of up to
 * {@value #PER_ROUND} pending tasks, going on from where the last round stopped, and fails those whose escrow
 * was cancelled (or is gone). Without it, a cancelled escrow's task would hold its bytes of
 * {@code limits.max_queued_bytes} for free. Run by one timer thread; {@link #run()} never throws.
 */
public final class EscrowSweep implements Runnable {
    /** Escrows read per round at most. */
    public static final int PER_ROUND = 200;
    private static final Logger LOG = LoggerFactory.getLogger(EscrowSweep.class);

    private final TaskStore store;
    private final Escrow escrow;
    private final Clock clock;
    private final TaskEvents events;
    private long after;

    /**
     * @param store the tasks
     * @param escrow read for the escrows' status
     * @param clock time
     * @param events told of each task it failed (metrics, webhooks)
     */
    public EscrowSweep(TaskStore store, Escrow escrow, Clock clock, TaskEvents events) {
        this.store = Require.present("store", store);
        this.escrow = Require.present("escrow", escrow);
        this.clock = Require.present("clock", clock);
        this.events = Require.present("events", events);
    }

    @Override
    public void run() {
        try {
            List<TaskRecord> page = store.tasksByStatus(TaskStatus.PENDING, after, PER_ROUND);
            after = page.size() < PER_ROUND ? 0 : page.get(page.size() - 1).seq();
            for (TaskRecord t : page) {
                Optional<EscrowTask> onChain = escrow.getTask(t.escrowId());
                EscrowStatus status = onChain.map(EscrowTask::status).orElse(null);
                if (status == EscrowStatus.CREATED) {
                    continue;
                }
                String why = "its escrow " + t.escrowId() + " is " + (status == null ? "gone" : status.name())
                        + " on chain, so nothing would pay for it";
                TaskRecord next = t.failed(why, clock.millis());
                if (store.replace(t, next)) {
                    LOG.info("pending task {} dropped: {}", t.id(), why);
                    events.failed(next);
                }
            }
        } catch (RuntimeException e) { // caught: a periodic task that throws is never run again
            LOG.warn("checking the escrows of pending tasks failed (the next round tries again): {}", e.toString());
        }
    }
}
