/**
 * Not API: the escrow's shared call-based client ({@code CallEscrow}), the ledger's state machine and
 * snapshot, the Starknet session on starknet-jvm, the ABI names and the revert-reason parser.
 */
package io.smainer.escrow.internal;
