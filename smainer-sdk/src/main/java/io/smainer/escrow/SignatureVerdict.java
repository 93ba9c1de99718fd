package io.smainer.escrow;

import io.smainer.InvalidFieldException;
import io.smainer.chain.Felt;

/**
 * An account contract's answer when asked whether a signature over a message hash is its own (SNIP-6
 * {@code is_valid_signature}, see {@link StarknetEscrow#isValidSignature}). An account decides for itself
 * what a valid signature is, so this is the account's word, whatever its signer scheme (one key, a guardian,
 * several owners).
 *
 * <p>Accepted means the account returned {@link #VALID} (the short string {@code 'VALID'}, as SNIP-6 asks) or
 * {@link #LEGACY_TRUE} ({@code 1}, what Cairo 0 accounts' {@code is_valid_signature} and
 * {@code isValidSignature} returned for "true"). Refused means it returned anything else (usually
 * {@code 0}) or reverted while checking (e.g. {@code argent/invalid-signature}, a signature of the wrong
 * length). When the account could not be asked at all, no verdict exists:
 * {@link SignatureCheckUnavailableException} is thrown instead.
 *
 * @param accepted true when the account accepts the signature
 * @param answer what the account said, for messages and logs, e.g. {@code is_valid_signature returned 'VALID'}
 *     or {@code is_valid_signature reverted: argent/invalid-signature}
 */
public record SignatureVerdict(boolean accepted, String answer) {
    /** SNIP-6's answer for a valid signature: the short string {@code 'VALID'} ({@code 0x56414c4944}). */
    public static final Felt VALID = Felt.fromShortString("VALID");
    /** The "true" that Cairo 0 accounts returned from {@code is_valid_signature}/{@code isValidSignature}. */
    public static final Felt LEGACY_TRUE = Felt.ONE;

    /** Validates that the answer is described. */
    public SignatureVerdict {
        if (answer == null || answer.isBlank()) {
            throw new InvalidFieldException("answer", "what the account said", answer);
        }
    }

    /**
     * @param value the one felt an account's signature check returned
     * @return whether it means "valid": {@link #VALID} or {@link #LEGACY_TRUE}
     */
    public static boolean meansValid(Felt value) {
        return VALID.equals(value) || LEGACY_TRUE.equals(value);
    }
}
