/**
 * The Stark-curve arithmetic behind {@link io.smainer.crypto.StarkCrypto}.
 *
 * <p>Internal API: not covered by compatibility, may change without notice, and used by no other module of
 * this project (a test fails when one imports it).
 */
package io.smainer.crypto.internal;
