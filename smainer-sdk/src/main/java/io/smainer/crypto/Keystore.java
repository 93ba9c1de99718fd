package io.smainer.crypto;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.smainer.SmainerException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An account's signing key (a provider's, a relayer's), encrypted in a file. Never a plaintext key: the private key is sealed with
 * AES-256-GCM under a key derived from a passphrase by PBKDF2-HMAC-SHA256 ({@value #DEFAULT_ITERATIONS}
 * iterations, a random 16-byte salt, 32 bytes out) and HKDF-Expand (version 2; version 1 files, where PBKDF2
 * derived 64 bytes, still open). The file's other fields (version, address, public key, KDF
 * parameters) are the cipher's associated data, so changing any of them breaks decryption. A separate
 * HMAC check value, derived from the same passphrase, tells a wrong passphrase apart from a modified file.
 * Files are written atomically with permissions {@code 0600} and refused when group or others can read
 * them. JDK and Gson only; the passphrase is a {@code char[]} the caller obtains (the SDK reads no
 * environment and prompts no one). Each {@link KeystoreException} says which {@link Problem} it is, so an
 * application can name the setting to fix.
 *
 * <pre>{@code
 * {"version":2, "address":"0x…", "public_key":"0x…", "kdf":"PBKDF2-HMAC-SHA256", "iterations":600000,
 *  "salt":"…", "check":"…", "cipher":"AES-256-GCM", "iv":"…", "ciphertext":"…"}
 * }</pre>
 */
public final class Keystore {
    /** PBKDF2 iterations for new keystores (OWASP's 2023 figure for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_ITERATIONS = 600_000;
    /** The fewest iterations a keystore may use. */
    public static final int MIN_ITERATIONS = 10_000;
    /** The shortest passphrase accepted for a new keystore. */
    public static final int MIN_PASSPHRASE_LENGTH = 8;
    /** Written now: PBKDF2 derives 32 bytes, HKDF-Expand makes the cipher and check keys from them. */
    private static final int VERSION = 2;
    /** Still read: PBKDF2 derived 64 bytes, the first half the cipher key, the second the check key. */
    private static final int VERSION_1 = 1;
    private static final byte[] AES_KEY_INFO = "smainer-keystore-aes-key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_KEY_INFO = "smainer-keystore-check-key".getBytes(StandardCharsets.US_ASCII);
    private static final String KDF = "PBKDF2-HMAC-SHA256";
    private static final String CIPHER = "AES-256-GCM";
    private static final byte[] CHECK_LABEL = "smainer-keystore-passphrase-check".getBytes(StandardCharsets.US_ASCII);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private Keystore() {
    }

    /**
     * What a keystore holds once opened.
     *
     * @param address the account's address
     * @param keys the key pair
     */
    public record Unlocked(ContractAddress address, KeyPair keys) {
        @Override
        public String toString() {
            return "Unlocked[address=" + address.hex() + ", publicKey=" + keys.publicKey().hex() + ", privateKey=(hidden)]";
        }
    }

    /** What kind of trouble a {@link KeystoreException} reports. */
    public enum Problem {
        /** No file at the path. */
        MISSING,
        /** The file exists but could not be read or written (I/O). */
        UNREADABLE,
        /** Group or others may read the file. */
        EXPOSED,
        /** Not a keystore, an unknown version, or bad parameters. */
        DAMAGED,
        /** The passphrase does not open it. */
        WRONG_PASSPHRASE,
        /** It was changed after it was written (integrity check failed). */
        MODIFIED,
        /** A new keystore would overwrite a file. */
        EXISTS,
        /** A new keystore's passphrase or parameters are too weak. */
        WEAK
    }

    /**
     * A keystore could not be written or opened: names the file and says what is wrong.
     */
    public static final class KeystoreException extends SmainerException {
        private static final long serialVersionUID = 1L;

        private final Problem problem;

        /**
         * @param problem the kind of trouble
         * @param message what went wrong and what to do
         */
        public KeystoreException(Problem problem, String message) {
            super(message);
            this.problem = problem;
        }

        /** @return the kind of trouble */
        public Problem problem() {
            return problem;
        }
    }

    /**
     * Writes a new keystore, refusing to overwrite one.
     *
     * @param file where
     * @param address the account's address
     * @param keys the key pair to seal
     * @param passphrase the passphrase, at least {@value #MIN_PASSPHRASE_LENGTH} characters; not cleared
     * @param iterations PBKDF2 iterations, at least {@value #MIN_ITERATIONS}
     * @param random the salt and IV source
     * @throws KeystoreException when the file exists, the passphrase is short, or writing fails
     */
    public static void create(Path file, ContractAddress address, KeyPair keys, char[] passphrase, int iterations,
            SecureRandom random) {
        if (passphrase == null || passphrase.length < MIN_PASSPHRASE_LENGTH) {
            throw new KeystoreException(Problem.WEAK, "the passphrase must have at least " + MIN_PASSPHRASE_LENGTH + " characters");
        }
        if (iterations < MIN_ITERATIONS) {
            throw new KeystoreException(Problem.WEAK, "iterations: expected at least " + MIN_ITERATIONS + ", got " + iterations);
        }
        if (Files.exists(file)) {
            throw new KeystoreException(Problem.EXISTS, "keystore " + file + " already exists; move it away or choose another file");
        }
        byte[] salt = new byte[16];
        byte[] iv = new byte[12];
        random.nextBytes(salt);
        random.nextBytes(iv);
        JsonObject json = new JsonObject();
        json.addProperty("version", VERSION);
        json.addProperty("address", address.hex());
        json.addProperty("public_key", keys.publicKey().hex());
        json.addProperty("kdf", KDF);
        json.addProperty("iterations", iterations);
        json.addProperty("salt", b64(salt));
        json.addProperty("cipher", CIPHER);
        json.addProperty("iv", b64(iv));
        byte[] derived = derive(VERSION, passphrase, salt, iterations);
        byte[] secret = keys.privateKey().toBytes32();
        try {
            json.addProperty("check", b64(check(derived)));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derived, 0, 32, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad(json));
            json.addProperty("ciphertext", b64(c.doFinal(secret)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        } finally {
            Arrays.fill(derived, (byte) 0);
            Arrays.fill(secret, (byte) 0);
        }
        write(file, json.toString());
    }

    /**
     * Opens a keystore.
     *
     * @param file the keystore
     * @param passphrase its passphrase; not cleared
     * @param crypto derives the public key, which must match the stored one
     * @return the address and key pair
     * @throws KeystoreException naming the file: missing, readable by others, malformed, wrong passphrase,
     *     or modified
     */
    public static Unlocked open(Path file, char[] passphrase, StarkCrypto crypto) {
        String text = readText(file);
        checkPermissions(file);
        JsonObject json;
        ContractAddress address;
        Felt publicKey;
        int iterations;
        int version;
        byte[] salt;
        byte[] iv;
        byte[] check;
        byte[] sealed;
        try {
            json = JsonParser.parseString(text).getAsJsonObject();
            version = json.get("version").getAsInt();
            if ((version != VERSION && version != VERSION_1) || !KDF.equals(json.get("kdf").getAsString())
                    || !CIPHER.equals(json.get("cipher").getAsString())) {
                throw new KeystoreException(Problem.DAMAGED, "keystore " + file + " is of an unknown version or scheme");
            }
            address = ContractAddress.parse(json.get("address").getAsString());
            publicKey = Felt.parse(json.get("public_key").getAsString());
            iterations = json.get("iterations").getAsInt();
            salt = unb64(json.get("salt").getAsString());
            iv = unb64(json.get("iv").getAsString());
            check = unb64(json.get("check").getAsString());
            sealed = unb64(json.get("ciphertext").getAsString());
        } catch (KeystoreException e) {
            throw e;
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                | IllegalArgumentException | SmainerException e) {
            throw new KeystoreException(Problem.DAMAGED, "keystore " + file + " is damaged (not a Smainer keystore: " + e.getMessage() + ")");
        }
        if (iterations < MIN_ITERATIONS || salt.length != 16 || iv.length != 12) {
            throw new KeystoreException(Problem.DAMAGED, "keystore " + file + " is damaged (bad KDF or cipher parameters)");
        }
        byte[] derived = derive(version, passphrase, salt, iterations);
        byte[] secret = null;
        try {
            if (!MessageDigest.isEqual(check(derived), check)) {
                throw new KeystoreException(Problem.WRONG_PASSPHRASE, "wrong passphrase for keystore " + file);
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(derived, 0, 32, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad(json));
            secret = c.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new KeystoreException(Problem.MODIFIED, "keystore " + file + " was modified after it was written (integrity check failed)");
        } catch (GeneralSecurityException e) {
            throw new KeystoreException(Problem.DAMAGED, "keystore " + file + " is damaged: " + e.getMessage());
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
        try {
            KeyPair keys = KeyPair.fromPrivateKey(new Felt(new BigInteger(1, secret)), crypto);
            if (!keys.publicKey().equals(publicKey)) {
                throw new KeystoreException(Problem.MODIFIED, "keystore " + file + " was modified: its public key does not match its key");
            }
            return new Unlocked(address, keys);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Reads a passphrase kept in a file (a systemd credential, a secrets mount): its first line, without the line
     * break. The CLIs' {@code --passphrase-file} option.
     *
     * @param file the file
     * @return the passphrase
     * @throws IOException when it cannot be read
     */
    public static String readPassphraseFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /**
     * Reads the public fields of a keystore without its passphrase.
     *
     * @param file the keystore
     * @return the address and public key
     * @throws KeystoreException when missing or malformed
     */
    public static PublicPart peek(Path file) {
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            return new PublicPart(ContractAddress.parse(json.get("address").getAsString()),
                    Felt.parse(json.get("public_key").getAsString()));
        } catch (NoSuchFileException e) {
            throw new KeystoreException(Problem.MISSING, "no keystore at " + file);
        } catch (IOException | RuntimeException e) {
            throw new KeystoreException(Problem.DAMAGED, "keystore " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * A keystore's unencrypted fields.
     *
     * @param address the account's address
     * @param publicKey the public key
     */
    public record PublicPart(ContractAddress address, Felt publicKey) {
    }

    /** A keystore file's text, for this format and {@link Web3Keystore}'s: missing and unreadable named apart. */
    static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KeystoreException(Problem.MISSING, "no keystore at " + file);
        } catch (IOException e) {
            throw new KeystoreException(Problem.UNREADABLE, "cannot read keystore " + file + ": " + e.getMessage());
        }
    }

    private static void checkPermissions(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            for (PosixFilePermission p : perms) {
                if (!OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE) {
                    throw new KeystoreException(Problem.EXPOSED, "keystore " + file + " is readable by others (permissions "
                            + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
                }
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): its ACLs are the user's to set
        } catch (IOException e) {
            throw new KeystoreException(Problem.UNREADABLE, "cannot read the permissions of keystore " + file + ": " + e.getMessage());
        }
    }

    private static void write(Path file, String text) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            try {
                tmp = Files.createTempFile(dir, ".keystore-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException e) {
                tmp = Files.createTempFile(dir, ".keystore-", ".tmp");
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
            if (Files.isSymbolicLink(file)) {
                throw new KeystoreException(Problem.DAMAGED, "keystore " + file + " is a symbolic link");
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeystoreException(Problem.EXISTS, "keystore " + file + " already exists; move it away or choose another file");
        } catch (IOException e) {
            throw new KeystoreException(Problem.UNREADABLE, "cannot write keystore " + file + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file holds only ciphertext
                }
            }
        }
    }

    /**
     * The cipher key (bytes 0 to 31) and the check key (32 to 63). Version 2: PBKDF2 derives one 32-byte block
     * and HKDF-Expand (RFC 5869, one block each) makes the two keys from it. Version 1 had PBKDF2 derive 64 bytes,
     * which ran the iterations twice for the defender while an attacker needs only the first block to test a guess.
     */
    private static byte[] derive(int version, char[] passphrase, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, version == VERSION_1 ? 512 : 256);
        byte[] prk = null;
        try {
            prk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            if (version == VERSION_1) {
                return prk;
            }
            byte[] keys = new byte[64];
            System.arraycopy(hkdfExpand(prk, AES_KEY_INFO), 0, keys, 0, 32);
            System.arraycopy(hkdfExpand(prk, CHECK_KEY_INFO), 0, keys, 32, 32);
            Arrays.fill(prk, (byte) 0);
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 and HmacSHA256 are part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** HKDF-Expand with SHA-256 for 32 bytes: T(1) = HMAC(prk, info || 0x01). */
    private static byte[] hkdfExpand(byte[] prk, byte[] info) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(info);
        return mac.doFinal(new byte[] {1});
    }

    /** HMAC-SHA256 under the second half of the derived key: tells a wrong passphrase from a modified file. */
    private static byte[] check(byte[] derived) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(derived, 32, 32, "HmacSHA256"));
        return mac.doFinal(CHECK_LABEL);
    }

    private static byte[] aad(JsonObject json) {
        String s = json.get("version").getAsInt() + "|" + json.get("address").getAsString() + "|"
                + json.get("public_key").getAsString() + "|" + json.get("kdf").getAsString() + "|"
                + json.get("iterations").getAsInt() + "|" + json.get("salt").getAsString() + "|"
                + json.get("cipher").getAsString();
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(String s) {
        return Base64.getDecoder().decode(s);
    }
}
