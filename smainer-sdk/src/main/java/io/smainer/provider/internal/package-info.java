/**
 * The parts of {@link io.smainer.provider.ProviderNode}: its relayer session, task book, admission rules and receipt maker.
 *
 * <p>Internal API: not covered by compatibility, may change without notice, and used by no other module of
 * this project (a test fails when one imports it).
 */
package io.smainer.provider.internal;
