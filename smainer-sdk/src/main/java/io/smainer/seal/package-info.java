/**
 * Sealed tasks: a job's payload encrypted so that only the providers its demander chose can read it, and its
 * result encrypted so that only the demander can. X25519 keys ({@link io.smainer.seal.SealKeyPair}), a provider's
 * public key bound to its Stark key by a SNIP-12 signature ({@link io.smainer.seal.SealBinding}), an envelope in
 * the style of {@code age} ({@link io.smainer.seal.Envelope}: one content key, the payload encrypted once, the key
 * wrapped for each recipient), and the job and result forms that travel through a relayer
 * ({@link io.smainer.seal.SealedJobs}). Primitives from the JDK (ChaCha20-Poly1305, HMAC-SHA256) and Bouncy Castle
 * (X25519, HKDF-SHA256).
 */
package io.smainer.seal;
