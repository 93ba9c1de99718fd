package io.smainer.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.generators.SCrypt;

/** Writes Web3 Secret Storage v3 keystores as starkli does (scrypt, AES-128-CTR, Keccak MAC), for import tests. */
public final class StarkliKeystores {
    private StarkliKeystores() {
    }

    /**
     * @param key the Stark key to seal
     * @param password the keystore's password
     * @return the keystore's JSON (scrypt n=4096, r=8, p=1: starkli's shape, a cheaper cost)
     */
    public static String of(KeyPair key, String password) {
        return of(HexFormat.of().parseHex(String.format("%064x", key.privateKey().value())), password);
    }

    /**
     * @param secret the 32 bytes to seal
     * @param password the keystore's password
     * @return the keystore's JSON
     */
    public static String of(byte[] secret, String password) {
        byte[] salt = new byte[32];
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(salt);
        new SecureRandom().nextBytes(iv);
        byte[] derived = SCrypt.generate(password.getBytes(StandardCharsets.UTF_8), salt, 1 << 12, 8, 1, 32);
        byte[] ciphertext;
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derived, 0, 16, "AES"), new IvParameterSpec(iv));
            ciphertext = aes.doFinal(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-128-CTR is missing from this JVM", e);
        }
        KeccakDigest keccak = new KeccakDigest(256);
        keccak.update(derived, 16, 16);
        keccak.update(ciphertext, 0, ciphertext.length);
        byte[] mac = new byte[32];
        keccak.doFinal(mac, 0);
        HexFormat hex = HexFormat.of();
        return "{\"crypto\":{\"cipher\":\"aes-128-ctr\",\"cipherparams\":{\"iv\":\"" + hex.formatHex(iv)
                + "\"},\"ciphertext\":\"" + hex.formatHex(ciphertext) + "\",\"kdf\":\"scrypt\",\"kdfparams\":"
                + "{\"dklen\":32,\"n\":4096,\"p\":1,\"r\":8,\"salt\":\"" + hex.formatHex(salt) + "\"},\"mac\":\""
                + hex.formatHex(mac) + "\"},\"id\":\"c7f4e1f0-0000-4000-8000-000000000001\",\"version\":3}";
    }
}
