/**
 * The escrow: one {@link io.smainer.escrow.Escrow} interface with two implementations that behave the
 * same way, the in-process ledger (the contract's exact rules, the embedded default) and the Starknet
 * client (starknet-jvm, the deployed contract's ABI).
 */
package io.smainer.escrow;
