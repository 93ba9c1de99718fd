/**
 * Completion and settlement: receipts checked against on-chain keys, pluggable result checks by job
 * kind, batched settlement that never pays twice, and signed webhooks once settled. Plain Java, no Jetty.
 */
package io.smainer.relayer.settlement;
