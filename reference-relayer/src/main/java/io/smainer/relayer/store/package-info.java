/**
 * The relayer's state behind one interface, {@link io.smainer.relayer.store.RelayerStore}: tasks with
 * compare-and-set status transitions, the escrow idempotency key, used nonces, nodes, leases and
 * cross-relayer signals. {@link io.smainer.relayer.store.MemoryStore} is the default.
 */
package io.smainer.relayer.store;
