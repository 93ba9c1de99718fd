package io.smainer.seal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * The primitives of this package, each a thin call: HKDF-SHA256 (Bouncy Castle), X25519 (Bouncy Castle, refusing an
 * all-zero shared secret), ChaCha20-Poly1305 with a key used once and a zero nonce (JDK), HMAC-SHA256 (JDK).
 */
final class Primitives {
    /** ChaCha20-Poly1305's tag length. */
    static final int TAG = 16;
    private static final byte[] ZERO_NONCE = new byte[12];

    private Primitives() {
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, String info, int length) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, salt, info.getBytes(StandardCharsets.US_ASCII)));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    /** @return the X25519 shared secret, or null when it is all zero (a low-order public key) */
    static byte[] agree(byte[] privateKey, byte[] publicKey) {
        X25519Agreement a = new X25519Agreement();
        a.init(new X25519PrivateKeyParameters(privateKey, 0));
        byte[] out = new byte[a.getAgreementSize()];
        try {
            a.calculateAgreement(new X25519PublicKeyParameters(publicKey, 0), out, 0);
        } catch (IllegalStateException e) {
            return null; // Bouncy Castle refuses an all-zero result
        }
        return out;
    }

    static byte[] publicKey(byte[] privateKey) {
        return new X25519PrivateKeyParameters(privateKey, 0).generatePublicKey().getEncoded();
    }

    /** Encrypts under a key that is never used for anything else (so the zero nonce is safe). */
    static byte[] encrypt(byte[] key, byte[] plaintext, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(ZERO_NONCE));
            if (aad.length > 0) {
                c.updateAAD(aad);
            }
            return c.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 is not available in this JDK", e);
        }
    }

    /** @return the plaintext, or null when the tag does not verify */
    static byte[] decrypt(byte[] key, byte[] ciphertext, int offset, int length, byte[] aad) {
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(ZERO_NONCE));
            if (aad.length > 0) {
                c.updateAAD(aad);
            }
            return c.doFinal(ciphertext, offset, length);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 is not available in this JDK", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data, int offset, int length) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update(data, offset, length);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
