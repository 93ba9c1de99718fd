package io.smainer.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreTest {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final int FAST = Keystore.MIN_ITERATIONS;
    private static final ContractAddress ADDRESS = ContractAddress.parse("0x7e57");
    private static final char[] PASS = "correct horse battery".toCharArray();

    @TempDir
    Path dir;

    private Path created(KeyPair keys) {
        Path file = dir.resolve("sub").resolve("provider.keystore");
        Keystore.create(file, ADDRESS, keys, PASS, FAST, new SecureRandom());
        return file;
    }

    @Test
    void stillOpensAVersion1KeystoreWithItsSixtyFourBytePbkdf2Output() throws Exception {
        Path file = dir.resolve("old.keystore");
        try (var in = KeystoreTest.class.getResourceAsStream("version1.keystore.json")) {
            Files.write(file, in.readAllBytes());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        Keystore.Unlocked unlocked = Keystore.open(file, "version one passphrase".toCharArray(), CRYPTO);

        assertThat(unlocked.keys().privateKey()).isEqualTo(Felt.parse("0x1234567890abcdef"));
        assertThatThrownBy(() -> Keystore.open(file, PASS, CRYPTO)).hasMessageContaining("wrong passphrase");
    }

    /**
     * Version 2: PBKDF2 derives 32 bytes (one HMAC-SHA256 block: a 64-byte output doubled the defender's work and
     * not an attacker's, who needs only the first block to test a guess); the AES key and the check key are
     * HKDF-Expand (RFC 5869) of it. This recomputes the scheme from the file alone.
     */
    @Test
    void version2DerivesThirtyTwoBytesAndExpandsTheCipherAndCheckKeysWithHkdf() throws Exception {
        KeyPair keys = KeyPair.generate(new SecureRandom(), CRYPTO);
        JsonObject json = JsonParser.parseString(Files.readString(created(keys))).getAsJsonObject();
        assertThat(json.get("version").getAsInt()).isEqualTo(2);

        byte[] salt = Base64.getDecoder().decode(json.get("salt").getAsString());
        byte[] prk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(PASS, salt, FAST, 256)).getEncoded();
        byte[] aesKey = hkdfExpand(prk, "smainer-keystore-aes-key");
        byte[] checkKey = hkdfExpand(prk, "smainer-keystore-check-key");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(checkKey, "HmacSHA256"));
        assertThat(Base64.getEncoder().encodeToString(mac.doFinal("smainer-keystore-passphrase-check"
                .getBytes(StandardCharsets.US_ASCII)))).isEqualTo(json.get("check").getAsString());
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aesKey, "AES"),
                new GCMParameterSpec(128, Base64.getDecoder().decode(json.get("iv").getAsString())));
        c.updateAAD(("2|" + json.get("address").getAsString() + "|" + json.get("public_key").getAsString() + "|"
                + json.get("kdf").getAsString() + "|" + FAST + "|" + json.get("salt").getAsString() + "|"
                + json.get("cipher").getAsString()).getBytes(StandardCharsets.UTF_8));
        byte[] secret = c.doFinal(Base64.getDecoder().decode(json.get("ciphertext").getAsString()));
        assertThat(new BigInteger(1, secret)).isEqualTo(keys.privateKey().value());
    }

    private static byte[] hkdfExpand(byte[] prk, String info) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(info.getBytes(StandardCharsets.US_ASCII));
        return mac.doFinal(new byte[] {1});
    }

    @Test
    void opensWhatItSealedWithTheSamePassphrase() {
        KeyPair keys = KeyPair.generate(new SecureRandom(), CRYPTO);
        Path file = created(keys);

        Keystore.Unlocked unlocked = Keystore.open(file, PASS, CRYPTO);

        assertThat(unlocked.address()).isEqualTo(ADDRESS);
        assertThat(unlocked.keys()).isEqualTo(keys);
        assertThat(unlocked.toString()).doesNotContain(keys.privateKey().hex()).contains("hidden");
        assertThat(Keystore.peek(file).publicKey()).isEqualTo(keys.publicKey());
    }

    @Test
    void neverWritesThePrivateKeyInPlainText() throws Exception {
        KeyPair keys = KeyPair.generate(new SecureRandom(), CRYPTO);
        String text = Files.readString(created(keys), StandardCharsets.UTF_8);
        String hex = keys.privateKey().value().toString(16);
        String b64 = Base64.getEncoder().encodeToString(keys.privateKey().toBytes32());

        assertThat(text).doesNotContainIgnoringCase(hex).doesNotContain(b64).doesNotContain(keys.privateKey().value().toString());
        assertThat(text).contains("\"kdf\":\"PBKDF2-HMAC-SHA256\"").contains("\"cipher\":\"AES-256-GCM\"");
    }

    @Test
    void writesTheFileReadableByItsOwnerOnly() throws Exception {
        Path file = created(KeyPair.generate(new SecureRandom(), CRYPTO));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void saysSoWhenThePassphraseIsWrong() {
        Path file = created(KeyPair.generate(new SecureRandom(), CRYPTO));

        assertThatThrownBy(() -> Keystore.open(file, "wrong horse battery".toCharArray(), CRYPTO))
                .isInstanceOf(Keystore.KeystoreException.class)
                .hasMessage("wrong passphrase for keystore " + file)
                .satisfies(e -> assertThat(((Keystore.KeystoreException) e).problem())
                        .isEqualTo(Keystore.Problem.WRONG_PASSPHRASE));
    }

    @Test
    void detectsATamperedCiphertextAddressOrPublicKey() throws Exception {
        Path file = created(KeyPair.generate(new SecureRandom(), CRYPTO));
        String original = Files.readString(file);
        for (String field : new String[] {"ciphertext", "address", "public_key"}) {
            JsonObject json = JsonParser.parseString(original).getAsJsonObject();
            String value = json.get(field).getAsString();
            char last = value.charAt(value.length() - 3);
            String changed = value.substring(0, value.length() - 3) + (last == 'A' ? 'B' : 'A') + value.substring(value.length() - 2);
            json.addProperty(field, changed);
            Files.writeString(file, json.toString());

            assertThatThrownBy(() -> Keystore.open(file, PASS, CRYPTO))
                    .as(field)
                    .isInstanceOf(Keystore.KeystoreException.class)
                    .hasMessageContaining("was modified");
        }
    }

    @Test
    void refusesAKeystoreOthersCanRead() throws Exception {
        Path file = created(KeyPair.generate(new SecureRandom(), CRYPTO));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> Keystore.open(file, PASS, CRYPTO))
                .isInstanceOf(Keystore.KeystoreException.class)
                .hasMessageContaining("readable by others")
                .hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void neverOverwritesAKeystore() {
        KeyPair first = KeyPair.generate(new SecureRandom(), CRYPTO);
        Path file = created(first);

        assertThatThrownBy(() -> Keystore.create(file, ADDRESS, KeyPair.generate(new SecureRandom(), CRYPTO), PASS, FAST,
                new SecureRandom())).hasMessageContaining("already exists");
        assertThat(Keystore.open(file, PASS, CRYPTO).keys()).isEqualTo(first);
    }

    @Test
    void refusesShortPassphrasesAndWeakKdfSettings() {
        KeyPair keys = KeyPair.generate(new SecureRandom(), CRYPTO);
        Path file = dir.resolve("k");

        assertThatThrownBy(() -> Keystore.create(file, ADDRESS, keys, "short".toCharArray(), FAST, new SecureRandom()))
                .hasMessageContaining("at least 8 characters");
        assertThatThrownBy(() -> Keystore.create(file, ADDRESS, keys, PASS, 1000, new SecureRandom()))
                .hasMessageContaining("iterations");
        assertThat(file).doesNotExist();
    }

    @Test
    void namesTheFileWhenItIsMissingOrNotAKeystore() throws Exception {
        Path missing = dir.resolve("none.keystore");
        assertThatThrownBy(() -> Keystore.open(missing, PASS, CRYPTO))
                .hasMessage("no keystore at " + missing)
                .satisfies(e -> assertThat(((Keystore.KeystoreException) e).problem()).isEqualTo(Keystore.Problem.MISSING));

        Path junk = dir.resolve("junk.keystore");
        Files.writeString(junk, "{\"hello\":1}");
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> Keystore.open(junk, PASS, CRYPTO))
                .isInstanceOf(Keystore.KeystoreException.class)
                .hasMessageContaining("keystore " + junk + " is damaged");
    }
}
