package io.smainer.relayer;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.config.Settings;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.crypto.StarkliKeystores;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relayer keystore}: seals an existing account's key for {@code chain=starknet}. */
class KeystoreCommandTest {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final String PASS = "relayer passphrase 1";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final KeyPair key = KeyPair.generate(new SecureRandom(), CRYPTO);

    @TempDir
    Path dir;

    private int run(Map<String, String> env, Function<String, Optional<char[]>> prompt, String... args) {
        return new KeystoreCommand(env, prompt, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Keystore.MIN_ITERATIONS).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sealsTheKeyFromTheEnvironmentOwnerOnlyAndNeverPrintsIt() throws Exception {
        Path file = dir.resolve("relayer.keystore");
        int code = run(Map.of(KeystoreCommand.IMPORT_KEY_ENV, key.privateKey().hex(), Settings.PASSPHRASE_ENV, PASS),
                text -> Optional.empty(), "--keystore", file.toString(), "--address", "0x5e1a7e5");

        assertThat(code).isZero();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Keystore.Unlocked opened = Keystore.open(file, PASS.toCharArray(), CRYPTO);
        assertThat(opened.address()).isEqualTo(ContractAddress.of(0x5e1a7e5));
        assertThat(opened.keys()).isEqualTo(key);
        assertThat(out()).contains("Created keystore " + file, "chain=starknet").doesNotContain(key.privateKey().hex());
    }

    @Test
    void asksForTheKeyAndThePassphraseTwiceOnATerminal() throws Exception {
        Path file = dir.resolve("relayer.keystore");
        Deque<String> answers = new ArrayDeque<>(List.of(key.privateKey().hex(), PASS, PASS));
        int code = run(Map.of(), text -> Optional.of(answers.removeFirst().toCharArray()), "--keystore", file.toString(),
                "--address", "0x5e1a7e5");

        assertThat(code).isZero();
        assertThat(answers).isEmpty();
        assertThat(Keystore.open(file, PASS.toCharArray(), CRYPTO).keys()).isEqualTo(key);
    }

    @Test
    void writesNothingWhenThePassphrasesDiffer() {
        Path file = dir.resolve("relayer.keystore");
        Deque<String> answers = new ArrayDeque<>(List.of(key.privateKey().hex(), PASS, PASS + "x"));
        int code = run(Map.of(), text -> Optional.of(answers.removeFirst().toCharArray()), "--keystore", file.toString(),
                "--address", "0x5e1a7e5");

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("the two passphrases differ; nothing was written");
        assertThat(file).doesNotExist();
    }

    @Test
    void needsTheKeystoreAndTheAddressAndRefusesOtherArguments() {
        assertThat(run(Map.of(), text -> Optional.empty(), "--keystore", "x")).isEqualTo(2);
        assertThat(err()).contains("Missing required option: '--address=0x…'").contains("keystore [-hV] --address=0x…");
        assertThat(run(Map.of(), text -> Optional.empty(), "--keystore", "x", "--address", "0x1", "--key", "0x1"))
                .isEqualTo(2);
        assertThat(err()).contains("Unknown options: '--key', '0x1'");
        assertThat(run(Map.of(), text -> Optional.empty(), "--keystore", "x", "--address", "0x1", "extra")).isEqualTo(2);
        assertThat(err()).contains("Unmatched argument at index 4: 'extra'");
        assertThat(run(Map.of(), text -> Optional.empty(), "--keystore", "x", "--address", "relayer")).isEqualTo(2);
        assertThat(err()).contains("--address: expected a 0x-prefixed hex account address, got 'relayer'");
    }

    @Test
    void refusesAKeyThatIsNotAStarkKeyAndAShortPassphrase() {
        Path file = dir.resolve("relayer.keystore");
        assertThat(run(Map.of(KeystoreCommand.IMPORT_KEY_ENV, "hello", Settings.PASSPHRASE_ENV, PASS), text -> Optional.empty(),
                "--keystore", file.toString(), "--address", "0x1")).isEqualTo(1);
        assertThat(err()).contains("not a Stark private key").doesNotContain("hello");
        assertThat(run(Map.of(KeystoreCommand.IMPORT_KEY_ENV, key.privateKey().hex(), Settings.PASSPHRASE_ENV, "short"),
                text -> Optional.empty(), "--keystore", file.toString(), "--address", "0x1")).isEqualTo(1);
        assertThat(err()).contains("at least 8 characters");
        assertThat(file).doesNotExist();
    }

    /** A Web3 Secret Storage v3 file as starkli writes one (scrypt, AES-128-CTR, Keccak-256 MAC over key[16..32]). */
    @Test
    void importsTheKeyOfAStarkliKeystoreWithoutItEverBeingTyped() throws Exception {
        Path starkli = dir.resolve("starkli-signer.json");
        Files.writeString(starkli, StarkliKeystores.of(key, "starkli password"));
        Path file = dir.resolve("relayer.keystore");

        int code = run(Map.of(KeystoreCommand.IMPORT_KEYSTORE_PASSWORD_ENV, "starkli password", Settings.PASSPHRASE_ENV,
                PASS), text -> Optional.empty(), "--keystore", file.toString(), "--address", "0x5e1a7e5",
                "--from-keystore", starkli.toString());

        assertThat(code).as(err()).isZero();
        assertThat(Keystore.open(file, PASS.toCharArray(), CRYPTO).keys()).isEqualTo(key);
        assertThat(out() + err()).doesNotContain(key.privateKey().hex());
    }

    @Test
    void aKeystoreWithTheWrongPasswordOrAnEthereumKeyWritesNothing() throws Exception {
        Path starkli = dir.resolve("starkli-signer.json");
        // the Web3 Secret Storage definition's vector: its secret 0x7a28... is above the Stark curve's order
        Files.writeString(starkli, "{\"crypto\":{\"cipher\":\"aes-128-ctr\",\"cipherparams\":{\"iv\":"
                + "\"6087dab2f9fdbbfaddc31a909735c1e6\"},\"ciphertext\":"
                + "\"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\",\"kdf\":\"pbkdf2\","
                + "\"kdfparams\":{\"c\":262144,\"dklen\":32,\"prf\":\"hmac-sha256\",\"salt\":"
                + "\"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd\"},\"mac\":"
                + "\"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2\"},\"version\":3}");
        Path file = dir.resolve("relayer.keystore");

        int wrong = run(Map.of(KeystoreCommand.IMPORT_KEYSTORE_PASSWORD_ENV, "not it", Settings.PASSPHRASE_ENV, PASS),
                text -> Optional.empty(), "--keystore", file.toString(), "--address", "0x5e1a7e5", "--from-keystore",
                starkli.toString());
        assertThat(wrong).isEqualTo(1);
        assertThat(err()).contains("the password does not open keystore " + starkli);
        int ethereum = run(Map.of(KeystoreCommand.IMPORT_KEYSTORE_PASSWORD_ENV, "testpassword", Settings.PASSPHRASE_ENV,
                PASS), text -> Optional.empty(), "--keystore", file.toString(), "--address", "0x5e1a7e5",
                "--from-keystore", starkli.toString());
        assertThat(ethereum).isEqualTo(1);
        assertThat(err()).contains("holds no Stark private key");
        assertThat(file).doesNotExist();
    }
}
