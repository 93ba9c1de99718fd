package io.smainer.crypto;

import io.smainer.InvalidFieldException;
import io.smainer.chain.Felt;
import java.util.List;

/**
 * A Stark-curve ECDSA signature.
 *
 * @param r the r component
 * @param s the s component
 */
public record Signature(Felt r, Felt s) {
    /** Validates presence. */
    public Signature {
        if (r == null) {
            throw new InvalidFieldException("signature.r", "a felt", null);
        }
        if (s == null) {
            throw new InvalidFieldException("signature.s", "a felt", null);
        }
    }

    /** @return {@code [r, s]}, as calldata and account signatures carry it */
    public List<Felt> toList() {
        return List.of(r, s);
    }
}
