/**
 * Not API: the escrow's shared call-based client ({@code CallEscrow}), the ledger's state machine and
 * snapshot, the Starknet session on starknet-jvm, the ABI names and the revert-reason parser.
 *
 * <p>Internal API: not covered by compatibility, may change without notice, and used by no other module of
 * this project (a test fails when one imports it).
 */
package io.smainer.escrow.internal;
