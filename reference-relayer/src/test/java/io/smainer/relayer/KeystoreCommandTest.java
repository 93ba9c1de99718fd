package io.smainer.relayer;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.config.Settings;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
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
}
