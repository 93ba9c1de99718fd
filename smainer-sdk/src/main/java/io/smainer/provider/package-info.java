/**
 * The embeddable provider node: sell compute from inside your own software.
 *
 * <p>{@link io.smainer.provider.ProviderNode} connects to a relayer over WebSocket (the JDK's
 * {@code java.net.http} client; no server needed), logs in with a SNIP-12 signature, heartbeats, takes
 * tasks up to its concurrency, runs them on {@link io.smainer.job.JobRunner}s, signs the receipts the
 * escrow contract checks, and reconnects with exponential backoff. {@link io.smainer.provider.ProviderListener}
 * sees what it does; {@link io.smainer.provider.ProviderStatus} is a snapshot of its state.
 */
package io.smainer.provider;
