package io.smainer.relayer.store;

import java.time.Duration;

/**
 * The leases role of the {@link RelayerStore}: named leases with a time to live, taken if absent, expired or
 * already the owner's (the settlement leader among relayers sharing a store).
 */
public interface Leases {
    /**
     * Takes or renews a named lease (e.g. the settlement leader among relayers sharing a store).
     *
     * @param name the lease
     * @param owner who asks
     * @param ttl how long it holds without renewal
     * @return true when {@code owner} holds it now
     */
    boolean acquireLease(String name, String owner, Duration ttl);

    /**
     * Gives a lease back if {@code owner} holds it.
     *
     * @param name the lease
     * @param owner who holds it
     */
    void releaseLease(String name, String owner);
}
