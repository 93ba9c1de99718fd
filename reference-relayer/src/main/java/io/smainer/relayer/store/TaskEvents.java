package io.smainer.relayer.store;

/**
 * Told of each change this relayer makes to a task, by the component that makes it, after the store took it: the
 * one listener for metrics, webhooks and the staking policy (modelled on OkHttp's {@code EventListener}). The
 * scheduler tells {@link #assigned}, {@link #requeued} and {@link #failed} (attempts used up);
 * {@code CompletionHandler} tells {@link #completed}; the settler tells {@link #settled} and {@link #failed} (a
 * settlement that cannot succeed); the escrow sweep tells {@link #failed} (its escrow left CREATED). A task changed
 * by another relayer on a shared store is told there, not here: the store's {@link SignalBus} is the cross-relayer
 * notice.
 *
 * <p>Called on the component's thread; an implementation must not block. Every method does nothing unless
 * overridden.
 */
public interface TaskEvents {
    /** Tells nothing. */
    TaskEvents NONE = new TaskEvents() {
    };

    /** @param task the task, just assigned to a node (ASSIGNED) */
    default void assigned(TaskRecord task) {
    }

    /** @param task the task, back in the queue after a failed attempt (PENDING) */
    default void requeued(TaskRecord task) {
    }

    /** @param task the task, its result checked and recorded (COMPLETED) */
    default void completed(TaskRecord task) {
    }

    /** @param task the task, its settlement confirmed (SETTLED) */
    default void settled(TaskRecord task) {
    }

    /** @param task the task, given up (FAILED): its error says why */
    default void failed(TaskRecord task) {
    }
}
