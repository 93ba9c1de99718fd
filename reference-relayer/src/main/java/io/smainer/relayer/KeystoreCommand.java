package io.smainer.relayer;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.config.Settings;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code relayer keystore --keystore FILE --address 0x…}: seals the settlement account's private key in an
 * encrypted keystore (the SDK's {@link Keystore}: PBKDF2-HMAC-SHA256, AES-256-GCM, file mode 0600) for
 * {@code chain=starknet}. The account already exists on Starknet and is the escrow's relayer, so the key is
 * imported, never generated: from {@value #IMPORT_KEY_ENV} or a prompt, never from the command line. The
 * passphrase comes from {@value Settings#PASSPHRASE_ENV} or is asked twice. Exit codes: 0 written, 1
 * failed, 2 bad usage.
 */
public final class KeystoreCommand {
    /** The environment variable the private key is read from (else it is asked for). */
    public static final String IMPORT_KEY_ENV = "SMAINER_IMPORT_PRIVATE_KEY";

    private final Map<String, String> env;
    private final Function<String, Optional<char[]>> prompt;
    private final PrintStream out;
    private final PrintStream err;
    private final int iterations;

    /**
     * @param env the environment
     * @param prompt reads a secret without echo; empty when there is no terminal
     * @param out standard output
     * @param err standard error
     * @param iterations PBKDF2 iterations ({@link Keystore#DEFAULT_ITERATIONS} outside tests)
     */
    public KeystoreCommand(Map<String, String> env, Function<String, Optional<char[]>> prompt, PrintStream out,
            PrintStream err, int iterations) {
        this.env = Map.copyOf(env);
        this.prompt = prompt;
        this.out = out;
        this.err = err;
        this.iterations = iterations;
    }

    /**
     * @param args {@code --keystore FILE --address 0x…}
     * @return the exit code
     */
    public int run(String[] args) {
        Optional<Path> file = Optional.empty();
        Optional<ContractAddress> address = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!(a.equals("--keystore") || a.equals("--address")) || i + 1 >= args.length) {
                err.println("relayer keystore: " + (a.equals("--keystore") || a.equals("--address")
                        ? "option " + a + " needs a value" : "unknown argument '" + a + "'"));
                err.println(USAGE);
                return 2;
            }
            String v = args[++i];
            if (a.equals("--keystore")) {
                file = Optional.of(Path.of(v));
            } else {
                try {
                    address = Optional.of(ContractAddress.parse(v));
                } catch (InvalidFieldException e) {
                    err.println("relayer keystore: --address: expected a 0x-prefixed hex account address, got '" + v + "'");
                    return 2;
                }
            }
        }
        if (file.isEmpty() || address.isEmpty()) {
            err.println("relayer keystore: " + (file.isEmpty() ? "--keystore FILE" : "--address 0x…") + " is required");
            err.println(USAGE);
            return 2;
        }
        char[] pass = null;
        try {
            KeyPair keys = importedKey();
            pass = newPassphrase();
            Keystore.create(file.get(), address.get(), keys, pass, iterations, new SecureRandom());
            out.println("Created keystore " + file.get() + " (readable by you only: permissions 0600).");
            out.println("  relayer account  " + address.get().hex());
            out.println("  public key       " + keys.publicKey().hex());
            out.println("Start the relayer with chain=starknet, keystore=" + file.get() + " and the passphrase in "
                    + Settings.PASSPHRASE_ENV + " (or type it when asked). The account must be the escrow's relayer.");
            return 0;
        } catch (io.smainer.SmainerException e) {
            err.println("relayer keystore: " + e.getMessage());
            return 1;
        } finally {
            if (pass != null) {
                Arrays.fill(pass, '\0');
            }
        }
    }

    /** One line of usage. */
    static final String USAGE = "Usage: relayer keystore --keystore FILE --address 0x<relayer account>  (the key from "
            + IMPORT_KEY_ENV + " or a prompt, the passphrase from " + Settings.PASSPHRASE_ENV + " or a prompt)";

    private KeyPair importedKey() {
        char[] text = Optional.ofNullable(env.get(IMPORT_KEY_ENV)).map(String::toCharArray)
                .or(() -> prompt.apply("The relayer account's private key (0x hex): "))
                .orElseThrow(() -> new io.smainer.SmainerException("no key to import: set " + IMPORT_KEY_ENV
                        + " or run this in a terminal to be asked"));
        try {
            return KeyPair.fromPrivateKey(Felt.parse(new String(text).trim()), StarkCrypto.defaultCrypto());
        } catch (InvalidFieldException e) {
            throw new io.smainer.SmainerException("the key to import is not a Stark private key (expected 0x hex in "
                    + "[1, n)); nothing was written");
        } finally {
            Arrays.fill(text, '\0');
        }
    }

    private char[] newPassphrase() {
        String given = env.get(Settings.PASSPHRASE_ENV);
        if (given != null) {
            return given.toCharArray(); // Keystore.create refuses one that is too short
        }
        char[] first = ask("New keystore passphrase (at least " + Keystore.MIN_PASSPHRASE_LENGTH + " characters): ");
        char[] again = ask("Repeat the passphrase: ");
        boolean same = Arrays.equals(first, again);
        Arrays.fill(again, '\0');
        if (!same) {
            Arrays.fill(first, '\0');
            throw new io.smainer.SmainerException("the two passphrases differ; nothing was written");
        }
        return first;
    }

    private char[] ask(String text) {
        return prompt.apply(text).orElseThrow(() -> new io.smainer.SmainerException("no keystore passphrase: set "
                + Settings.PASSPHRASE_ENV + " or run this in a terminal to be asked"));
    }
}
