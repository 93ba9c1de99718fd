package io.smainer.provider;

/**
 * Receives a {@link ProviderNode}'s {@link ProviderEvent}s, one at a time and in order, on the node's own
 * thread. Return quickly: the node does nothing else while a listener runs. An exception thrown by a
 * listener is caught and reported through {@link System.Logger}; it does not stop the node.
 */
@FunctionalInterface
public interface ProviderListener {
    /** A listener that ignores every event. */
    ProviderListener NONE = event -> { };

    /**
     * @param event what happened
     */
    void onEvent(ProviderEvent event);
}
