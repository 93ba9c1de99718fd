package io.smainer.relayer.store;

import java.util.function.Consumer;

/**
 * The signals role of the {@link RelayerStore}: a notice for every status a task is stored in, to every relayer
 * sharing the store. The store itself publishes, from the write that makes the change ({@link TaskStore#create}
 * publishes PENDING; {@link TaskStore#replace} and {@link TaskStore#replaceEach} publish the new status when it
 * differs from the old); on Redis the {@code PUBLISH} runs inside the write's script, so a change is never stored
 * without its signal. Signals only prompt a look at the store, which holds the truth: a listener reads the task
 * before acting on it.
 *
 * <p>Who listens (in {@code smainer-relayer}): the scheduler to PENDING (match it to a node), the settler to
 * COMPLETED (queue it for the next settlement batch) and the long-poll readers of {@code GET /tasks/{id}} to every
 * status (answer at once).
 */
public interface SignalBus {
    /**
     * @param listener called for every signal (this relayer's writes and, on a shared store, the other
     *     relayers'), on a store thread or the writing thread; must not block
     * @return closes the subscription
     */
    AutoCloseable subscribe(Consumer<Signal> listener);
}
