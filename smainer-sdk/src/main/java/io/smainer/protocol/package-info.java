/**
 * The protocol between demanders, the relayer and providers: WebSocket {@link io.smainer.protocol.Message}s,
 * REST bodies in {@link io.smainer.protocol.Api}, and the one JSON codec,
 * {@link io.smainer.protocol.ProtocolCodec}.
 */
package io.smainer.protocol;
