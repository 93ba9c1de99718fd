/**
 * Task intake: the demander's signed request is checked (SNIP-12 signature, nonce, expiry), then its
 * escrow (exists, CREATED, created by the signer, allowed token, covers the price, never used before),
 * then the task is stored PENDING (the store signals it to the schedulers). Plain Java, no Jetty.
 */
package io.smainer.relayer.intake;
