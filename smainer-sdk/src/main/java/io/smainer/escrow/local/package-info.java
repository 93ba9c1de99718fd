/**
 * The local network's Starknet node: {@link io.smainer.escrow.local.LedgerRpcServer}, a Starknet JSON-RPC server
 * over the in-process {@link io.smainer.escrow.Ledger} (a model of the contracts, not Starknet), on the JDK's
 * built-in HTTP server. The reference relayer serves it on :5050 with {@code chain=local}. Its test instruments
 * (fault injection, call observation) are in smainer-sdk's test-jar ({@code TestRpcNode}), not here.
 */
package io.smainer.escrow.local;
