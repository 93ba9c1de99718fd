package io.smainer.seal;

import io.smainer.InvalidFieldException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An X25519 public key (RFC 7748, 32 bytes, little-endian u-coordinate); {@code 0x} and 64 hex digits on the wire.
 *
 * @param bytes the 32 bytes (copied in and out)
 */
public record SealPublicKey(byte[] bytes) {
    /** The length of a key. */
    public static final int LENGTH = 32;

    /** Checks the length and copies the bytes. */
    public SealPublicKey {
        if (bytes == null || bytes.length != LENGTH) {
            throw new InvalidFieldException("seal_key", LENGTH + " bytes", bytes == null ? null : bytes.length + " bytes");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * @param text {@code 0x} and 64 hex digits
     * @return the key
     * @throws InvalidFieldException when it is not that
     */
    public static SealPublicKey parse(String text) {
        if (text == null || !text.matches("0x[0-9a-fA-F]{64}")) {
            throw new InvalidFieldException("seal_key", "0x and 64 hex digits", text);
        }
        return new SealPublicKey(HexFormat.of().parseHex(text.substring(2)));
    }

    /** @return {@code 0x} and 64 lower-case hex digits */
    public String hex() {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealPublicKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
