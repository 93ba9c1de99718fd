package io.smainer.crypto.internal;

import io.smainer.chain.Felt;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Starknet's {@code sn_keccak}: Keccak-256 (the original padding, as Ethereum's) of the bytes, its low 250 bits.
 * It names entry points and events ({@code sn_keccak(name)}) and SNIP-12 types. Not API.
 */
public final class SnKeccak {
    private static final BigInteger MASK_250 = BigInteger.ONE.shiftLeft(250).subtract(BigInteger.ONE);

    private SnKeccak() {
    }

    /**
     * @param bytes the input
     * @return {@code keccak256(bytes) & (2^250 - 1)}
     */
    public static Felt hash(byte[] bytes) {
        KeccakDigest keccak = new KeccakDigest(256);
        keccak.update(bytes, 0, bytes.length);
        byte[] out = new byte[32];
        keccak.doFinal(out, 0);
        return new Felt(new BigInteger(1, out).and(MASK_250));
    }

    /**
     * @param text ASCII text, e.g. an entry point's name
     * @return {@code sn_keccak} of its bytes
     */
    public static Felt hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }
}
