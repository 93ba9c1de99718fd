/**
 * The provider WebSocket at {@code /api/v1/ws}: challenge, on-chain-checked login, heartbeats, task
 * messages. One {@link io.smainer.relayer.ws.ProviderSocket} per connection.
 */
package io.smainer.relayer.ws;
