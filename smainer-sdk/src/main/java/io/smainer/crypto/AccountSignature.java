package io.smainer.crypto;

import io.smainer.InvalidFieldException;
import io.smainer.chain.Felt;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Starknet account's signature over a message hash: the array of felts its SNIP-6
 * {@code is_valid_signature(hash, signature: Array<felt252>)} reads. A plain account with one Stark key signs
 * {@code [r, s]} ({@link #of(Signature)}); Argent accounts with a guardian, Braavos hardware signers and multisig
 * accounts sign longer arrays whose meaning only the account knows (e.g. Argent's signer list
 * {@code [count, signer_type, pubkey, r, s, ...]}).
 *
 * <p>The length is bounded ({@value #MIN_FELTS} to {@value #MAX_FELTS} felts) because the array comes from
 * untrusted requests and is handed to an account contract as calldata; every felt is below the Stark prime
 * ({@link Felt} checks that).
 *
 * @param felts the signature felts, in the account's order
 */
public record AccountSignature(List<Felt> felts) {
    /** The fewest felts accepted: a Stark {@code (r, s)}. */
    public static final int MIN_FELTS = 2;
    /** The most felts accepted (an Argent account with a guardian signs 9, a 3-of-n multisig about 10). */
    public static final int MAX_FELTS = 32;

    /** Validates the length and every felt; keeps an unmodifiable copy. */
    public AccountSignature {
        if (felts == null || felts.size() < MIN_FELTS || felts.size() > MAX_FELTS) {
            throw new InvalidFieldException("signature", MIN_FELTS + " to " + MAX_FELTS + " felts",
                    felts == null ? null : felts.size() + " felts");
        }
        List<Felt> copy = new ArrayList<>(felts.size());
        for (int i = 0; i < felts.size(); i++) {
            Felt f = felts.get(i);
            if (f == null) {
                throw new InvalidFieldException("signature[" + i + "]", "a felt", null);
            }
            copy.add(f);
        }
        felts = List.copyOf(copy);
    }

    /**
     * @param signature a Stark signature
     * @return it as {@code [r, s]}
     */
    public static AccountSignature of(Signature signature) {
        if (signature == null) {
            throw new InvalidFieldException("signature", "a signature", null);
        }
        return new AccountSignature(signature.toList());
    }

    /**
     * @param felts the signature felts
     * @return the signature
     * @throws InvalidFieldException for a length outside {@value #MIN_FELTS} to {@value #MAX_FELTS} or a missing felt
     */
    public static AccountSignature of(List<Felt> felts) {
        return new AccountSignature(felts);
    }

    /**
     * Reads the comma-separated form a header carries ({@code 0x<r>,0x<s>}, or more felts), each felt hex or decimal.
     *
     * @param field the header's or field's name, for the error
     * @param text the text
     * @return the signature
     * @throws InvalidFieldException naming {@code field} for anything else
     */
    public static AccountSignature parse(String field, String text) {
        String expected = MIN_FELTS + " to " + MAX_FELTS + " comma-separated felts (0x<r>,0x<s> for a Stark key)";
        if (text == null || text.length() > MAX_FELTS * 68) {
            throw new InvalidFieldException(field, expected, text);
        }
        String[] parts = text.split(",", MAX_FELTS + 1);
        if (parts.length < MIN_FELTS || parts.length > MAX_FELTS) {
            throw new InvalidFieldException(field, expected, text);
        }
        List<Felt> felts = new ArrayList<>(parts.length);
        for (String p : parts) {
            try {
                felts.add(Felt.parse(p.trim()));
            } catch (RuntimeException e) {
                throw new InvalidFieldException(field, expected, text);
            }
        }
        return new AccountSignature(felts);
    }

    /** @return the comma-separated hex form {@link #parse} reads */
    public String toHeader() {
        StringBuilder b = new StringBuilder();
        for (Felt f : felts) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(f.hex());
        }
        return b.toString();
    }

    /** @return how many felts it has */
    public int size() {
        return felts.size();
    }

    /**
     * @return the Stark {@code (r, s)} when this is a two-felt signature (what a plain account signs); empty for
     *     any other length, which only the account's own {@code is_valid_signature} can judge
     */
    public Optional<Signature> stark() {
        return felts.size() == 2 ? Optional.of(new Signature(felts.get(0), felts.get(1))) : Optional.empty();
    }
}
