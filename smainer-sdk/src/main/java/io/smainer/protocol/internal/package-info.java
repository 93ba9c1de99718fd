/**
 * The JSON plumbing of {@link io.smainer.protocol.ProtocolCodec}.
 *
 * <p>Internal API: not covered by compatibility, may change without notice, and used by no other module of
 * this project (a test fails when one imports it).
 */
package io.smainer.protocol.internal;
