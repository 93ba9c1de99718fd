/**
 * Stark-curve cryptography: {@link io.smainer.crypto.StarkCrypto} (keys, ECDSA, Pedersen) with a fast
 * implementation and starknet-jvm's, the receipt hashes in {@link io.smainer.crypto.Receipts}, and
 * SNIP-12 typed data for the messages only this protocol defines.
 */
package io.smainer.crypto;
