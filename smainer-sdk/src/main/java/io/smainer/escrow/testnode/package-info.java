/**
 * A Starknet JSON-RPC test node: a test double of Starknet (not Starknet) on a real Jetty, backed by the
 * in-process {@link io.smainer.escrow.Ledger}. Shipped in smainer-sdk's test-jar.
 */
package io.smainer.escrow.testnode;
