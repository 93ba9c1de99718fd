package io.smainer.crypto;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.smainer.InvalidFieldException;
import io.smainer.chain.Felt;
import io.smainer.crypto.Keystore.KeystoreException;
import io.smainer.crypto.Keystore.Problem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * Reads the keystores Starknet users already have: starkli's and starknet-rs's, which are Web3 Secret Storage v3
 * files (the Ethereum keystore format: scrypt or PBKDF2-HMAC-SHA256, AES-128-CTR, a Keccak-256 MAC). Only reads:
 * the key is then sealed in this project's own {@link Keystore}. BouncyCastle (already on the class path through
 * starknet-jvm) gives scrypt and Keccak; the JDK the rest.
 */
public final class Web3Keystore {
    /** The largest scrypt cost accepted (2^20, about 1 GiB with r=8): bounds what a hostile file can make us spend. */
    private static final long MAX_SCRYPT_MEMORY = 1L << 30;
    /** The most PBKDF2 iterations accepted. */
    private static final int MAX_PBKDF2_ITERATIONS = 10_000_000;

    private Web3Keystore() {
    }

    /**
     * Decrypts a Web3 Secret Storage v3 file.
     *
     * @param file the JSON keystore (for example one {@code starkli signer keystore new} wrote)
     * @param password its password
     * @return the 32-byte secret it holds (for starkli, the Stark private key, big-endian)
     * @throws KeystoreException naming the file: missing, unreadable, not a v3 keystore, or the wrong password
     */
    public static byte[] decrypt(Path file, char[] password) {
        return decrypt(Keystore.readText(file), password, file.toString());
    }

    /**
     * The Stark key a starkli keystore holds, as {@code starkli signer keystore new} or {@code from-key} wrote it.
     *
     * @param file the JSON keystore
     * @param password its password
     * @param crypto derives the public key
     * @return the key pair
     * @throws KeystoreException naming the file: missing, unreadable, not a v3 keystore, the wrong password, or a
     *     secret that is no Stark private key (an Ethereum key above the curve's order, for one)
     */
    public static KeyPair readKeyPair(Path file, char[] password, StarkCrypto crypto) {
        byte[] secret = decrypt(file, password);
        try {
            return KeyPair.fromPrivateKey(new Felt(new BigInteger(1, secret)), crypto);
        } catch (InvalidFieldException e) {
            throw new KeystoreException(Problem.DAMAGED, "keystore " + file + " holds no Stark private key (a key in "
                    + "[1, n) of the Stark curve; an Ethereum key is not one)");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Decrypts a Web3 Secret Storage v3 document.
     *
     * @param json the keystore's JSON
     * @param password its password
     * @param name what to call it in messages
     * @return the secret it holds
     * @throws KeystoreException when it is not a v3 keystore or the password does not open it
     */
    public static byte[] decrypt(String json, char[] password, String name) {
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            if (root.has("version") && root.get("version").getAsInt() != 3) {
                throw damaged(name, "version " + root.get("version") + ", expected 3");
            }
            JsonObject crypto = object(root, root.has("crypto") ? "crypto" : "Crypto", name);
            String cipher = crypto.get("cipher").getAsString();
            if (!cipher.equals("aes-128-ctr")) {
                throw damaged(name, "cipher " + cipher + ", expected aes-128-ctr");
            }
            byte[] iv = hex(object(crypto, "cipherparams", name).get("iv"));
            byte[] ciphertext = hex(crypto.get("ciphertext"));
            byte[] mac = hex(crypto.get("mac"));
            byte[] derived = derive(crypto.get("kdf").getAsString(), object(crypto, "kdfparams", name), password, name);
            try {
                if (derived.length < 32 || iv.length != 16) {
                    throw damaged(name, "a derived key of " + derived.length + " bytes and an IV of " + iv.length
                            + " bytes (expected at least 32 and 16)");
                }
                KeccakDigest keccak = new KeccakDigest(256);
                keccak.update(derived, 16, 16);
                keccak.update(ciphertext, 0, ciphertext.length);
                byte[] expected = new byte[32];
                keccak.doFinal(expected, 0);
                if (!MessageDigest.isEqual(expected, mac)) {
                    throw new KeystoreException(Problem.WRONG_PASSPHRASE, "the password does not open keystore " + name
                            + " (its MAC does not match)");
                }
                Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
                aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(derived, 0, 16, "AES"), new IvParameterSpec(iv));
                return aes.doFinal(ciphertext);
            } finally {
                Arrays.fill(derived, (byte) 0);
            }
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NullPointerException
                | IllegalArgumentException e) {
            throw damaged(name, "not a Web3 Secret Storage v3 keystore (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw damaged(name, "AES-128-CTR failed: " + e.getMessage());
        }
    }

    private static byte[] derive(String kdf, JsonObject params, char[] password, String name)
            throws GeneralSecurityException {
        int dklen = params.get("dklen").getAsInt();
        byte[] salt = hex(params.get("salt"));
        if (dklen < 32 || dklen > 64) {
            throw damaged(name, "dklen " + dklen + ", expected 32 to 64");
        }
        switch (kdf) {
            case "scrypt" -> {
                int n = params.get("n").getAsInt();
                int r = params.get("r").getAsInt();
                int p = params.get("p").getAsInt();
                if (n < 2 || Integer.bitCount(n) != 1 || r < 1 || p < 1 || 128L * r * n > MAX_SCRYPT_MEMORY
                        || (long) p * r > 1024) {
                    throw damaged(name, "scrypt parameters n=" + n + " r=" + r + " p=" + p + " out of bounds");
                }
                if (r == 1 && n >= 1 << 16) { // scrypt's own bound N < 2^(128 r / 8), which BouncyCastle enforces
                    throw damaged(name, "scrypt n=" + n + " with r=1 is past scrypt's bound N < 2^(16 r); starkli"
                            + " writes n=8192 r=8 p=1");
                }
                byte[] pass = new String(password).getBytes(StandardCharsets.UTF_8);
                try {
                    return SCrypt.generate(pass, salt, n, r, p, dklen);
                } finally {
                    Arrays.fill(pass, (byte) 0);
                }
            }
            case "pbkdf2" -> {
                int c = params.get("c").getAsInt();
                String prf = params.get("prf").getAsString();
                if (!prf.equals("hmac-sha256") || c < 1 || c > MAX_PBKDF2_ITERATIONS) {
                    throw damaged(name, "pbkdf2 with prf " + prf + " and c=" + c + " is not supported");
                }
                PBEKeySpec spec = new PBEKeySpec(password, salt, c, dklen * 8);
                try {
                    return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
                } finally {
                    spec.clearPassword();
                }
            }
            default -> throw damaged(name, "kdf " + kdf + ", expected scrypt or pbkdf2");
        }
    }

    private static JsonObject object(JsonObject in, String field, String name) {
        JsonElement e = in.get(field);
        if (e == null || !e.isJsonObject()) {
            throw damaged(name, "no object \"" + field + "\"");
        }
        return e.getAsJsonObject();
    }

    private static byte[] hex(JsonElement e) {
        String s = e.getAsString();
        return HexFormat.of().parseHex(s.startsWith("0x") ? s.substring(2) : s);
    }

    private static KeystoreException damaged(String name, String why) {
        return new KeystoreException(Problem.DAMAGED, "keystore " + name + ": " + why);
    }
}
