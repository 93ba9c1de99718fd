/**
 * For the tests of software that uses Smainer: {@link io.smainer.testkit.LocalNetwork}, a whole network in one
 * JVM (in-process ledger, the reference relayer, provider nodes with given handlers, funded demanders, clients),
 * {@link io.smainer.testkit.LocalNetworkExtension}, which gives JUnit 5 tests one, and
 * {@link io.smainer.testkit.TestJobContext} for unit tests of a job handler.
 */
package io.smainer.testkit;
