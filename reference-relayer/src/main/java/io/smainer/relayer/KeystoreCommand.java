package io.smainer.relayer;

import io.smainer.InvalidFieldException;
import io.smainer.SmainerException;
import io.smainer.SmainerVersion;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.config.Settings;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.crypto.Web3Keystore;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * {@code relayer keystore --keystore FILE --address 0x…}: seals the settlement account's private key in an
 * encrypted keystore (the SDK's {@link Keystore}: PBKDF2-HMAC-SHA256, AES-256-GCM, file mode 0600) for
 * {@code chain=starknet}. The account already exists on Starknet and is the escrow's relayer, so the key is
 * imported, never generated: from {@value #IMPORT_KEY_ENV}, a prompt, or a starkli keystore ({@code --from-keystore},
 * its password from {@value #IMPORT_KEYSTORE_PASSWORD_ENV} or a prompt), never from the command line. The
 * passphrase comes from {@value Settings#PASSPHRASE_ENV} or is asked twice. Exit codes: 0 written, 1
 * failed, 2 bad usage.
 */
public final class KeystoreCommand {
    /** The environment variable the private key is read from (else it is asked for). */
    public static final String IMPORT_KEY_ENV = "SMAINER_IMPORT_PRIVATE_KEY";
    /** The environment variable the password of a starkli keystore to import is read from (else it is asked for). */
    public static final String IMPORT_KEYSTORE_PASSWORD_ENV = "SMAINER_IMPORT_KEYSTORE_PASSWORD";
    private static final String FROM_KEYSTORE = "--from-keystore";

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
     * @param args {@code --keystore FILE --address 0x… [--passphrase-file FILE]}
     * @return the exit code
     */
    public int run(String[] args) {
        return commandLine(env, prompt, out, err, iterations).execute(args);
    }

    /**
     * The {@code keystore} command's command line (the relayer's {@code Main} adds it as a subcommand).
     *
     * @param env the environment
     * @param prompt reads a secret without echo; empty when there is no terminal
     * @param out standard output
     * @param err standard error
     * @param iterations PBKDF2 iterations
     * @return the command line; {@code execute} returns the exit code
     */
    static CommandLine commandLine(Map<String, String> env, Function<String, Optional<char[]>> prompt, PrintStream out,
            PrintStream err, int iterations) {
        CommandSpec spec = CommandSpec.create().name("keystore").mixinStandardHelpOptions(true)
                .versionProvider(() -> new String[] {"relayer (Smainer for Java) " + SmainerVersion.current()});
        spec.addOption(OptionSpec.builder("--keystore").paramLabel("FILE").type(Path.class).required(true)
                .description("where to write it (never overwritten)").build());
        spec.addOption(OptionSpec.builder("--address").paramLabel("0x…").type(String.class).required(true)
                .description("the settlement account: the escrow contract's relayer").build());
        spec.addOption(OptionSpec.builder(FROM_KEYSTORE).paramLabel("FILE").type(Path.class)
                .description("take the key from a starkli (Web3 Secret Storage v3) JSON keystore instead; its password"
                        + " from " + IMPORT_KEYSTORE_PASSWORD_ENV + " or a prompt").build());
        spec.addOption(OptionSpec.builder(PASSPHRASE_FILE).paramLabel("FILE").type(Path.class)
                .description("read the new passphrase from this file (its first line) instead of "
                        + Settings.PASSPHRASE_ENV + " or a prompt").build());
        spec.usageMessage().header("seal the settlement account's key for chain=starknet").description(
                "Seals the settlement account's private key in an encrypted keystore (PBKDF2-HMAC-SHA256, AES-256-GCM, "
                        + "file mode 0600). The key is imported, never generated: from " + IMPORT_KEY_ENV
                        + ", a prompt, or a starkli keystore (" + FROM_KEYSTORE + "), never from the command line. The passphrase comes from "
                        + Settings.PASSPHRASE_ENV + ", " + PASSPHRASE_FILE + " or is asked twice.")
                .descriptionHeading("%n").optionListHeading("%nOptions:%n");
        List<String> sections = new ArrayList<>(spec.usageMessage().sectionKeys());
        sections.removeAll(List.of(UsageMessageSpec.SECTION_KEY_HEADER_HEADING, UsageMessageSpec.SECTION_KEY_HEADER));
        spec.usageMessage().sectionKeys(sections);
        CommandLine cl = new CommandLine(spec);
        cl.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        cl.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            ParseResult mine = parsed.subcommand() != null ? parsed.subcommand() : parsed;
            Path file = mine.matchedOptionValue("--keystore", null);
            String given = mine.matchedOptionValue("--address", null);
            ContractAddress address;
            try {
                address = ContractAddress.parse(given);
            } catch (InvalidFieldException e) {
                throw new ParameterException(mine.commandSpec().commandLine(),
                        "--address: expected a 0x-prefixed hex account address, got '" + given + "'");
            }
            Map<String, String> withPass = Main.withPassphraseFile(env, mine.matchedOptionValue(PASSPHRASE_FILE, null), err);
            if (withPass == null) {
                return 2;
            }
            return new KeystoreCommand(withPass, prompt, out, err, iterations).write(file, address,
                    Optional.ofNullable(mine.matchedOptionValue(FROM_KEYSTORE, null)));
        });
        return cl;
    }

    private static final String PASSPHRASE_FILE = "--passphrase-file";

    private int write(Path file, ContractAddress address, Optional<Path> from) {
        char[] pass = null;
        try {
            KeyPair keys = from.isPresent() ? fromKeystore(from.get()) : importedKey();
            pass = newPassphrase();
            Keystore.create(file, address, keys, pass, iterations, new SecureRandom());
            out.println("Created keystore " + file + " (readable by you only: permissions 0600).");
            out.println("  relayer account  " + address.hex());
            out.println("  public key       " + keys.publicKey().hex());
            out.println("Start the relayer with chain=starknet, keystore=" + file + " and the passphrase in "
                    + Settings.PASSPHRASE_ENV + " (or type it when asked). The account must be the escrow's relayer.");
            return 0;
        } catch (SmainerException e) {
            err.println("relayer keystore: " + e.getMessage());
            return 1;
        } finally {
            if (pass != null) {
                Arrays.fill(pass, '\0');
            }
        }
    }

    private KeyPair importedKey() {
        char[] text = Optional.ofNullable(env.get(IMPORT_KEY_ENV)).map(String::toCharArray)
                .or(() -> prompt.apply("The relayer account's private key (0x hex): "))
                .orElseThrow(() -> new SmainerException("no key to import: set " + IMPORT_KEY_ENV
                        + " or run this in a terminal to be asked"));
        try {
            return KeyPair.fromPrivateKey(Felt.parse(new String(text).trim()), StarkCrypto.defaultCrypto());
        } catch (InvalidFieldException e) {
            throw new SmainerException("the key to import is not a Stark private key (expected 0x hex in "
                    + "[1, n)); nothing was written");
        } finally {
            Arrays.fill(text, '\0');
        }
    }

    /** The key of a starkli keystore (Web3 Secret Storage v3: scrypt, AES-128-CTR, Keccak MAC). */
    private KeyPair fromKeystore(Path file) {
        char[] password = Optional.ofNullable(env.get(IMPORT_KEYSTORE_PASSWORD_ENV)).map(String::toCharArray)
                .or(() -> prompt.apply("Password of the keystore " + file + ": "))
                .orElseThrow(() -> new SmainerException("no password for " + file + ": set " + IMPORT_KEYSTORE_PASSWORD_ENV
                        + " or run this in a terminal to be asked"));
        try {
            return Web3Keystore.readKeyPair(file, password, StarkCrypto.defaultCrypto());
        } finally {
            Arrays.fill(password, '\0');
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
            throw new SmainerException("the two passphrases differ; nothing was written");
        }
        return first;
    }

    private char[] ask(String text) {
        return prompt.apply(text).orElseThrow(() -> new SmainerException("no keystore passphrase: set "
                + Settings.PASSPHRASE_ENV + " or run this in a terminal to be asked"));
    }
}
