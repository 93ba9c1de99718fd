package io.smainer.chain;

import io.smainer.InvalidFieldException;
import java.math.BigInteger;

/** Parsing and byte conversion shared by the chain value types. */
final class Numbers {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Numbers() {
    }

    /**
     * {@code 0x} and the value's lower-case hex digits, zero-padded to at least {@code minDigits}: what
     * {@code "0x" + value.toString(16)} gives (padded), from the value's bytes rather than BigInteger's radix
     * conversion, which divides and allocates several times over for each of the felts every JSON body carries.
     *
     * @param value at least 0
     * @param minDigits 1 for no padding
     * @return the text
     */
    static String hex(BigInteger value, int minDigits) {
        byte[] raw = value.toByteArray(); // big-endian; a leading zero byte when the top bit is set
        int nibbles = raw.length * 2;
        int first = 0;
        while (first < nibbles - 1 && nibble(raw, first) == 0) {
            first++;
        }
        int significant = nibbles - first;
        int pad = Math.max(0, minDigits - significant);
        char[] out = new char[2 + pad + significant];
        out[0] = '0';
        out[1] = 'x';
        for (int i = 0; i < pad; i++) {
            out[2 + i] = '0';
        }
        for (int i = 0; i < significant; i++) {
            out[2 + pad + i] = DIGITS[nibble(raw, first + i)];
        }
        return new String(out);
    }

    private static int nibble(byte[] bytes, int i) {
        int b = bytes[i >> 1];
        return (i & 1) == 0 ? (b >> 4) & 0xf : b & 0xf;
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
