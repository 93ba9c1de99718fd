/**
 * The escrow: one {@link io.smainer.escrow.Escrow} interface with two implementations that behave the
 * same way and pass one conformance suite: {@link io.smainer.escrow.Ledger} (in-process: STRK balances and
 * the SmainerContract's exact rules, the embedded default, savable to a file) and
 * {@link io.smainer.escrow.StarknetEscrow} (starknet-jvm against the deployed contract's ABI). Events come
 * with {@link io.smainer.escrow.EventCursor}s so that a restarted reader resumes exactly. The raw level
 * ({@link io.smainer.escrow.ContractCall}, {@link io.smainer.escrow.ChainEvent},
 * {@link io.smainer.escrow.LedgerTransaction}) is what the JSON-RPC test node drives.
 */
package io.smainer.escrow;
