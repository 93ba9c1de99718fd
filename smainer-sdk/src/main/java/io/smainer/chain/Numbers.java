package io.smainer.chain;

import io.smainer.InvalidFieldException;
import java.math.BigInteger;

/** Parsing and byte conversion shared by the chain value types. */
final class Numbers {
    private Numbers() {
    }

    static BigInteger parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidFieldException(field, "a 0x-prefixed hex or a decimal integer", text);
        }
        String t = text.trim();
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                if (t.length() == 2 || t.length() > 2 + 80) {
                    throw new NumberFormatException();
                }
                return new BigInteger(t.substring(2), 16);
            }
            if (t.length() > 80 || t.startsWith("+")) {
                throw new NumberFormatException();
            }
            return new BigInteger(t);
        } catch (NumberFormatException e) {
            throw new InvalidFieldException(field, "a 0x-prefixed hex or a decimal integer", text);
        }
    }

    static byte[] toBytes32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }
}
