package io.smainer.provider.app;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.InvalidFieldException;
import io.smainer.SmainerException;
import io.smainer.SmainerVersion;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.config.ConfigException;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.crypto.Web3Keystore;
import io.smainer.escrow.ActiveSlash;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.NodeStatus;
import io.smainer.escrow.Staking;
import io.smainer.escrow.TxResult;
import io.smainer.fee.Tier;
import io.smainer.protocol.NodeCapabilities.GpuInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParseResult;

/**
 * The reference provider's command line: {@code init}, {@code detect}, {@code register}, {@code run},
 * {@code status} and {@code help}. Everything it touches from outside (streams, environment, home
 * directory, passphrase prompt, GPU discovery, runners, shutdown hook) comes in through the constructor, so
 * tests run it in-process. Exit codes: 0 done, 1 failed (the message says why), 2 bad usage.
 */
public final class ProviderCli {
    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: failed; the message says why. */
    public static final int FAILED = 1;
    /** Exit code: the command line was wrong. */
    public static final int USAGE = 2;
    /** The environment variable {@code init --import yes} reads the private key from. */
    public static final String IMPORT_KEY_ENV = "SMAINER_IMPORT_PRIVATE_KEY";
    /** The environment variable {@code init --from-keystore} reads the starkli keystore's password from. */
    public static final String IMPORT_KEYSTORE_PASSWORD_ENV = "SMAINER_IMPORT_KEYSTORE_PASSWORD";
    /** The option naming a file that holds the keystore passphrase. */
    public static final String PASSPHRASE_FILE_OPTION = "--passphrase-file";
    /** The {@code nvidia-smi} command unless {@code --nvidia-smi} names another. */
    public static final String DEFAULT_NVIDIA_SMI = "nvidia-smi";

    private static final int USAGE_WIDTH = 100;
    private static final Logger LOG = LoggerFactory.getLogger(ProviderCli.class);

    /** Reads a passphrase without echo. */
    @FunctionalInterface
    public interface Prompt {
        /** A prompt for when there is no terminal. */
        Prompt NONE = text -> Optional.empty();

        /**
         * @param text what to ask
         * @return the answer, or empty when no one can be asked (no terminal)
         */
        Optional<char[]> readPassword(String text);
    }

    /** Opens the escrow client that {@code register} uses. */
    @FunctionalInterface
    public interface EscrowOpener {
        /**
         * @param config the settings (RPC URL or local ledger file)
         * @param account the unlocked keystore
         * @return the client and what to do after the writes (e.g. save the local ledger)
         */
        Connection open(ProviderConfig config, Keystore.Unlocked account);

        /**
         * An open escrow client.
         *
         * @param escrow the client, acting as the provider's account
         * @param where a description for messages, e.g. the ledger file
         * @param commit run after successful writes
         * @param staking a staking client on the same account, when the network has SmainerStakingContract
         */
        record Connection(Escrow escrow, String where, Runnable commit, Optional<Staking> staking) {
            /**
             * A connection without a staking contract.
             *
             * @param escrow the client, acting as the provider's account
             * @param where a description for messages
             * @param commit run after successful writes
             */
            public Connection(Escrow escrow, String where, Runnable commit) {
                this(escrow, where, commit, Optional.empty());
            }
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Path home;
    private final Prompt prompt;
    private final GpuDiscovery discovery;
    private final JobRunners.Factory runners;
    private final EscrowOpener escrows;
    private final Consumer<Runnable> shutdownHooks;
    private final StarkCrypto crypto;
    private final Clock clock;
    private volatile ProviderDaemon daemon;

    /**
     * @param out standard output
     * @param err standard error
     * @param env the environment
     * @param home the user's home directory
     * @param prompt asks for passphrases
     * @param discovery finds GPUs
     * @param runners builds the job runners for {@code run}
     * @param escrows opens the escrow client for {@code register}
     * @param shutdownHooks registers what runs on SIGTERM
     * @param crypto signs
     * @param clock time
     */
    public ProviderCli(PrintStream out, PrintStream err, Map<String, String> env, Path home, Prompt prompt,
            GpuDiscovery discovery, JobRunners.Factory runners, EscrowOpener escrows, Consumer<Runnable> shutdownHooks,
            StarkCrypto crypto, Clock clock) {
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.home = home;
        this.prompt = prompt;
        this.discovery = discovery;
        this.runners = runners;
        this.escrows = escrows;
        this.shutdownHooks = shutdownHooks;
        this.crypto = crypto;
        this.clock = clock;
    }

    /** @return the daemon {@code run} started, while it runs (for tests and the shutdown hook) */
    public Optional<ProviderDaemon> daemon() {
        return Optional.ofNullable(daemon);
    }

    /**
     * Runs one command.
     *
     * @param args the command line
     * @return the exit code
     */
    public int run(String... args) {
        CommandLine cl = commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            if (!parsed.hasSubcommand()) {
                cl.usage(out);
                return OK;
            }
            ParseResult sub = parsed.subcommand();
            Optional<Path> configFile = Optional.ofNullable(parsed.matchedOptionValue("--config", null));
            return execute(sub.commandSpec().name(), configFile, Options.of(sub));
        });
        return cl.execute(args);
    }

    /**
     * The command line's shape: {@code provider [--config FILE] <command>}, every setting a flag of the commands
     * that read settings, {@code -h/--help} and {@code -V/--version} everywhere, and {@code help <command>}.
     * Usage errors exit {@value #USAGE} with picocli's message and the command's usage.
     */
    static CommandLine commandLine() {
        CommandSpec root = command("provider", "", Help.MAIN, Help.MAIN_FOOTER);
        root.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(Path.class)
                .description("a properties file with settings (default: SMAINER_PROVIDER_CONFIG, else SMAINER_CONFIG, "
                        + "else none)").build());
        CommandLine cl = new CommandLine(root).setUsageHelpWidth(USAGE_WIDTH);
        cl.addSubcommand(withPassphraseFile(withSettings(command("init", "create a new provider key in an encrypted keystore file", Help.INIT, Help.SETTINGS_FOOTER)
                .addOption(extra("--address", "0x...", "your Starknet account's address; without it the public key "
                        + "doubles as the address, which suits the local network"))
                .addOption(extra("--import", "yes", "keep your account's existing key instead of a new one: it is read "
                        + "from " + IMPORT_KEY_ENV + " or asked for (never from the command line)"))
                .addOption(extra("--from-keystore", "FILE", "keep the key of a starkli (Web3 v3 JSON) keystore instead of a "
                        + "new one; its password from " + IMPORT_KEYSTORE_PASSWORD_ENV + " or asked for")))));
        cl.addSubcommand(command("detect", "show this machine's CPU, memory and GPUs, and the tier it qualifies for", Help.DETECT, "")
                .addOption(extra("--nvidia-smi", "COMMAND", "the nvidia-smi to ask (default: nvidia-smi on the PATH)")));
        cl.addSubcommand(withPassphraseFile(withSettings(command("register", "register the node on-chain and publish its key", Help.REGISTER, Help.SETTINGS_FOOTER))));
        cl.addSubcommand(withPassphraseFile(withSettings(command("run", "serve tasks from the relayer, with a local status endpoint", Help.RUN, Help.SETTINGS_FOOTER))));
        cl.addSubcommand(withPassphraseFile(withSettings(command("stake", "stake STRK in SmainerStakingContract", Help.STAKE,
                Help.SETTINGS_FOOTER).addOption(extra("--amount", "STRK", "how much to add, e.g. 10 or 12.5 (STRK)")))));
        cl.addSubcommand(withPassphraseFile(withSettings(command("unstake", "ask to withdraw the stake in 7 days", Help.UNSTAKE,
                Help.SETTINGS_FOOTER))));
        cl.addSubcommand(withPassphraseFile(withSettings(command("withdraw", "withdraw the stake after the lockup", Help.WITHDRAW,
                Help.SETTINGS_FOOTER))));
        cl.addSubcommand(withPassphraseFile(withSettings(command("appeal", "appeal this provider's pending slash", Help.APPEAL,
                Help.SETTINGS_FOOTER))));
        cl.addSubcommand(withSettings(command("status", "ask a running provider how it is doing", Help.STATUS, Help.SETTINGS_FOOTER)
                .addOption(extra("--url", "URL", "the status endpoint (default from status.host and status.port)"))));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.setUsageHelpWidth(USAGE_WIDTH); // again: the subcommands added since take it too
        return cl;
    }

    /**
     * @param summary the one line the command list shows
     * @param description paragraphs (blank-line separated), rewrapped to the terminal's width
     * @param footer shown as written
     */
    private static CommandSpec command(String name, String summary, String description, String footer) {
        CommandSpec spec = CommandSpec.create().name(name).mixinStandardHelpOptions(true)
                .versionProvider(() -> new String[] {"provider (Smainer for Java) " + SmainerVersion.current()});
        spec.usageMessage().header(summary.isEmpty() ? new String[0] : new String[] {summary})
                .description(paragraphs(description)).footer(footer.isEmpty() ? new String[0] : paragraphs("\n" + footer)).abbreviateSynopsis(true)
                .descriptionHeading("%n").footerHeading("%n").optionListHeading("%nOptions:%n").commandListHeading("%nCommands:%n");
        // the summary is for the command list; a command's own help starts with its usage line
        List<String> sections = new ArrayList<>(spec.usageMessage().sectionKeys());
        sections.removeAll(List.of(UsageMessageSpec.SECTION_KEY_HEADER_HEADING, UsageMessageSpec.SECTION_KEY_HEADER));
        spec.usageMessage().sectionKeys(sections);
        return spec;
    }

    private static String[] paragraphs(String text) {
        List<String> lines = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        for (String line : text.strip().split("\n", -1)) {
            if (line.isBlank() || line.startsWith(" ")) {
                if (paragraph.length() > 0) {
                    lines.add(paragraph.toString());
                    paragraph.setLength(0);
                }
                lines.add(line);
            } else {
                paragraph.append(paragraph.length() > 0 ? " " : "").append(line.strip());
            }
        }
        if (paragraph.length() > 0) {
            lines.add(paragraph.toString());
        }
        return lines.toArray(String[]::new);
    }

    /** Adds every setting as a flag: {@code status.port} is {@code --status-port}. */
    private static CommandSpec withSettings(CommandSpec spec) {
        for (String key : ProviderConfig.KNOWN) {
            if (!spec.optionsMap().containsKey(flag(key))) {
                spec.addOption(OptionSpec.builder(flag(key)).paramLabel(key.toUpperCase(Locale.ROOT).replace('.', '_'))
                        .type(String.class).description(Help.SETTINGS.get(key)).build());
            }
        }
        return spec;
    }

    private static CommandSpec withPassphraseFile(CommandSpec spec) {
        return spec.addOption(extra(PASSPHRASE_FILE_OPTION, "FILE", "read the keystore passphrase from this file "
                + "(its first line), e.g. a systemd credential; instead of " + ProviderConfig.PASSPHRASE_ENV
                + " or a prompt"));
    }

    private static OptionSpec extra(String name, String label, String description) {
        return OptionSpec.builder(name).paramLabel(label).type(String.class).description(description).build();
    }

    private static String flag(String key) {
        return "--" + key.replace('.', '-').replace('_', '-');
    }

    private int execute(String command, Optional<Path> configFile, Options opts) {
        try {
            return switch (command) {
                case "init" -> init(load(configFile, opts), opts);
                case "detect" -> detect(opts);
                case "register" -> register(load(configFile, opts), opts);
                case "run" -> runNode(load(configFile, opts), opts);
                case "status" -> status(configFile, opts);
                case "stake", "unstake", "withdraw", "appeal" -> staking(command, load(configFile, opts), opts);
                default -> throw new IllegalStateException(command);
            };
        } catch (ConfigException e) { // a setting refused: a usage error, as the relayer's (exit 2, not restarted by systemd)
            err.println("provider " + command + ": " + e.getMessage());
            return USAGE;
        } catch (Keystore.KeystoreException e) {
            err.println("provider " + command + ": " + e.getMessage() + switch (e.problem()) {
                case MISSING -> "; create one with 'provider init'";
                case EXISTS -> " (use --keystore FILE for another one)";
                default -> "";
            });
            return FAILED;
        } catch (SmainerException e) {
            err.println("provider " + command + ": " + e.getMessage());
            return FAILED;
        } catch (Exception e) {
            err.println("provider " + command + ": " + e.getMessage());
            LOG.debug("provider {} failed", command, e);
            return FAILED;
        }
    }

    private ProviderConfig load(Optional<Path> file, Options opts) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        for (Map.Entry<String, String> e : opts.settings.entrySet()) {
            merged.put(ProviderConfig.ENV_PREFIX + e.getKey().replace('.', '_').toUpperCase(Locale.ROOT), e.getValue());
        }
        return ProviderConfig.load(file, merged, home);
    }

    // ------------------------------------------------------------------ init

    private int init(ProviderConfig config, Options opts) {
        Path file = config.node().keystore();
        if (Files.exists(file)) {
            err.println("provider init: keystore " + file + " already exists; it was left as it is."
                    + " Use --keystore FILE for another one.");
            return FAILED;
        }
        Optional<KeyPair> imported = Optional.empty();
        if (opts.extra.containsKey("import") && opts.extra.containsKey("from-keystore")) {
            err.println("provider init: --import and --from-keystore: give one of them");
            return USAGE;
        }
        if (opts.extra.containsKey("from-keystore")) {
            imported = Optional.of(starkliKey(Path.of(opts.extra.get("from-keystore"))));
        }
        if (opts.extra.containsKey("import")) {
            if (!opts.extra.get("import").equals("yes")) {
                err.println("provider init: --import: expected 'yes', got '" + opts.extra.get("import") + "'");
                return USAGE;
            }
            imported = Optional.of(importedKey());
        }
        char[] pass = newPassphrase(opts);
        try {
            KeyPair keys = imported.orElseGet(() -> KeyPair.generate(new SecureRandom(), crypto));
            ContractAddress address;
            boolean derived = false;
            if (opts.extra.containsKey("address")) {
                try {
                    address = ContractAddress.parse(opts.extra.get("address"));
                } catch (InvalidFieldException e) {
                    err.println("provider init: --address: expected a 0x-prefixed hex account address, got '"
                            + opts.extra.get("address") + "'");
                    return USAGE;
                }
            } else {
                address = new ContractAddress(keys.publicKey());
                derived = true;
            }
            Keystore.create(file, address, keys, pass, Keystore.DEFAULT_ITERATIONS, new SecureRandom());
            out.println("Created keystore " + file + " (readable by you only: permissions 0600).");
            out.println("  address     " + address.hex());
            out.println("  public key  " + keys.publicKey().hex());
            if (derived) {
                out.println("No --address given: the public key doubles as the address, which suits the local network."
                        + " On Starknet, run init again with --address <your account contract>.");
            }
            out.println("The private key is encrypted (PBKDF2-HMAC-SHA256, " + Keystore.DEFAULT_ITERATIONS
                    + " iterations, AES-256-GCM); keep the passphrase: without it the key is lost.");
            out.println("Next: 'provider register' publishes the key on-chain, then 'provider run'.");
            return OK;
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    /** The key of a starkli keystore (Web3 Secret Storage v3), its password from the environment or a prompt. */
    private KeyPair starkliKey(Path file) {
        char[] password = Optional.ofNullable(env.get(IMPORT_KEYSTORE_PASSWORD_ENV)).map(String::toCharArray)
                .or(() -> prompt.readPassword("Password of the keystore " + file + ": "))
                .orElseThrow(() -> new SmainerException("no password for " + file + ": set "
                        + IMPORT_KEYSTORE_PASSWORD_ENV + " or run this in a terminal to be asked"));
        try {
            return Web3Keystore.readKeyPair(file, password, crypto);
        } catch (Keystore.KeystoreException e) {
            if (e.problem() == Keystore.Problem.MISSING) {
                throw new SmainerException("--from-keystore: no starkli keystore at " + file + "; nothing was written");
            }
            throw e;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The key to import: from {@value #IMPORT_KEY_ENV} or a prompt, never from the command line. */
    private KeyPair importedKey() {
        String text = env.get(IMPORT_KEY_ENV);
        if (text == null) {
            char[] typed = prompt.readPassword("Your account's private key (0x hex): ")
                    .orElseThrow(() -> new SmainerException("no key to import: set " + IMPORT_KEY_ENV
                            + " or run this in a terminal to be asked"));
            text = new String(typed);
            Arrays.fill(typed, '\0');
        }
        try {
            return KeyPair.fromPrivateKey(Felt.parse(text.trim()), crypto);
        } catch (InvalidFieldException e) {
            throw new SmainerException("the key to import is not a Stark private key (expected 0x hex in [1, n)); "
                    + "nothing was written");
        }
    }

    private char[] newPassphrase(Options opts) {
        String fromEnv = givenPassphrase(opts);
        if (fromEnv != null) {
            if (fromEnv.length() < Keystore.MIN_PASSPHRASE_LENGTH) {
                throw new SmainerException((opts.extra.containsKey(PASSPHRASE_FILE_OPTION.substring(2))
                        ? "the passphrase in " + PASSPHRASE_FILE_OPTION : ProviderConfig.PASSPHRASE_ENV)
                        + " is too short: a passphrase needs at least "
                        + Keystore.MIN_PASSPHRASE_LENGTH + " characters");
            }
            return fromEnv.toCharArray();
        }
        char[] first = prompt.readPassword("New keystore passphrase (at least " + Keystore.MIN_PASSPHRASE_LENGTH
                + " characters): ").orElseThrow(ProviderCli::noPassphrase);
        if (first.length < Keystore.MIN_PASSPHRASE_LENGTH) {
            Arrays.fill(first, '\0');
            throw new SmainerException("the passphrase must have at least " + Keystore.MIN_PASSPHRASE_LENGTH
                    + " characters");
        }
        char[] second = prompt.readPassword("Repeat the passphrase: ").orElseThrow(ProviderCli::noPassphrase);
        try {
            if (!Arrays.equals(first, second)) {
                Arrays.fill(first, '\0');
                throw new SmainerException("the two passphrases differ; nothing was written");
            }
            return first;
        } finally {
            Arrays.fill(second, '\0');
        }
    }

    /**
     * The passphrase given without a prompt: the first line of {@code --passphrase-file} (a systemd credential,
     * a secrets mount), else {@value ProviderConfig#PASSPHRASE_ENV}; null when neither is given.
     */
    private String givenPassphrase(Options opts) {
        String file = opts.extra.get(PASSPHRASE_FILE_OPTION.substring(2));
        if (file == null) {
            return env.get(ProviderConfig.PASSPHRASE_ENV);
        }
        try {
            return Keystore.readPassphraseFile(Path.of(file));
        } catch (IOException e) {
            throw new SmainerException(PASSPHRASE_FILE_OPTION + " " + file + ": cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private Keystore.Unlocked unlock(ProviderConfig config, Options opts) {
        Keystore.PublicPart pub = Keystore.peek(config.node().keystore());
        String fromEnv = givenPassphrase(opts);
        char[] pass = fromEnv != null ? fromEnv.toCharArray()
                : prompt.readPassword("Passphrase for keystore " + config.node().keystore() + " (" + pub.address().hex() + "): ")
                        .orElseThrow(ProviderCli::noPassphrase);
        try {
            return Keystore.open(config.node().keystore(), pass, crypto);
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    private static SmainerException noPassphrase() {
        return new SmainerException("no keystore passphrase: set " + ProviderConfig.PASSPHRASE_ENV
                + " or run this in a terminal to be asked");
    }

    // ------------------------------------------------------------------ detect

    private int detect(Options opts) {
        Hardware hw = Hardware.detect(discovery, opts.extra.getOrDefault("nvidia-smi", DEFAULT_NVIDIA_SMI));
        out.println("CPU      " + hw.cpuCores() + " cores");
        out.println("Memory   " + (hw.memoryBytes() > 0 ? gib(hw.memoryBytes()) : "unknown"));
        if (hw.hasGpu()) {
            for (int i = 0; i < hw.gpus().size(); i++) {
                GpuInfo g = hw.gpus().get(i);
                out.println("GPU " + i + "    " + g.name() + ", " + gib(g.memoryBytes()) + ", compute capability "
                        + g.computeCapability() + " (found by " + hw.gpuSource() + ")");
            }
            out.println("Runner   gpu (the CUDA runner; the Java runner takes the kinds it lacks)");
        } else {
            out.println("GPU      none usable: " + hw.noGpuReason().orElse("none found"));
            out.println("Runner   java: without a GPU, 'provider run' serves jobs on the pure-Java runner (CPU)");
        }
        Tier tier = hw.qualifyingTier();
        out.println("Tier     " + tier.wireName() + " (" + tierWhy(tier) + ")");
        return OK;
    }

    private static String tierWhy(Tier tier) {
        return switch (tier) {
            case PREMIUM -> "a GPU with at least " + (Hardware.PREMIUM_GPU_MEMORY_BYTES >> 30) + " GiB";
            case PRO -> "a GPU with at least " + (Hardware.PRO_GPU_MEMORY_BYTES >> 30) + " GiB; premium needs "
                    + (Hardware.PREMIUM_GPU_MEMORY_BYTES >> 30) + " GiB";
            case BASIC -> "pro needs a GPU with at least " + (Hardware.PRO_GPU_MEMORY_BYTES >> 30) + " GiB";
        };
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    // ------------------------------------------------------------------ register

    private int register(ProviderConfig config, Options opts) {
        Keystore.Unlocked account = unlock(config, opts);
        EscrowOpener.Connection c = escrows.open(config, account);
        try (Escrow escrow = c.escrow()) {
            ContractAddress me = account.address();
            out.println("Registering " + me.hex() + " on " + c.where());
            NodeStatus status = escrow.nodeStatus(me);
            switch (status) {
                case SUSPENDED -> {
                    err.println("provider register: node " + me.hex() + " is suspended by the contract owner;"
                            + " it cannot publish a key or be paid");
                    return FAILED;
                }
                case INACTIVE -> {
                    TxResult tx = escrow.registerNode();
                    out.println("  register_node            tx " + tx.hash().hex() + " (block " + tx.blockNumber() + ")");
                }
                case ACTIVE -> out.println("  register_node            already active");
                default -> throw new IllegalStateException(status.name());
            }
            Optional<Felt> published = escrow.providerPublicKey(me);
            if (published.isPresent() && published.get().equals(account.keys().publicKey())) {
                out.println("  set_provider_public_key  already " + published.get().hex());
            } else {
                TxResult tx = escrow.setProviderPublicKey(account.keys().publicKey());
                out.println("  set_provider_public_key  tx " + tx.hash().hex() + " (block " + tx.blockNumber() + ")"
                        + (published.isPresent() ? ", replacing " + published.get().hex() : ""));
            }
            c.commit().run();
            out.println("Node " + escrow.nodeStatus(me).name().toLowerCase(Locale.ROOT) + ", key "
                    + escrow.providerPublicKey(me).map(Felt::hex).orElse("(none)")
                    + ". Receipts signed with this key will settle. Next: 'provider run'.");
            return OK;
        } catch (EscrowRevertedException e) {
            err.println("provider register: the contract refused: " + e.getMessage());
            return FAILED;
        } catch (ChainException e) {
            if (e.rpcCode() != ACCOUNT_VALIDATION_FAILED) {
                throw e;
            }
            err.println("provider register: the node refused the transaction's signature: the key in "
                    + config.node().keystore() + " is not the key of account " + account.address().hex() + " on " + c.where()
                    + ". On the local network, import that account's key from " + ProviderConfig.DEFAULT_LOCAL_ACCOUNTS_FILE
                    + ": provider init --import yes --address " + account.address().hex() + " --keystore NEW_FILE");
            return FAILED;
        }
    }

    // ------------------------------------------------------------------ staking

    private int staking(String command, ProviderConfig config, Options opts) {
        Optional<TokenAmount> amount = Optional.empty();
        if (command.equals("stake")) {
            String text = opts.extra.get("amount");
            if (text == null) {
                err.println("provider stake: --amount: expected the STRK to stake, e.g. --amount 10, got nothing");
                return USAGE;
            }
            try {
                amount = Optional.of(TokenAmount.parseStrk(text));
            } catch (InvalidFieldException e) {
                err.println("provider stake: --amount: expected " + e.expected() + ", got '" + text + "'");
                return USAGE;
            }
        }
        Keystore.Unlocked account = unlock(config, opts);
        EscrowOpener.Connection c = escrows.open(config, account);
        try (Escrow escrow = c.escrow()) {
            if (c.staking().isEmpty()) {
                err.println("provider " + command + ": " + c.where() + " has no SmainerStakingContract");
                return FAILED;
            }
            Staking staking = c.staking().get();
            ContractAddress me = account.address();
            TxResult tx = switch (command) {
                case "stake" -> staking.depositStake(amount.orElseThrow());
                case "unstake" -> staking.requestUnstake();
                case "withdraw" -> staking.withdrawStake();
                default -> staking.appealSlash();
            };
            c.commit().run();
            out.println(command + " for " + me.hex() + " on " + c.where() + ": tx " + tx.hash().hex() + " (block "
                    + tx.blockNumber() + ")");
            printStake(staking, me);
            return OK;
        } catch (EscrowRevertedException e) {
            err.println("provider " + command + ": the staking contract refused: " + e.reason());
            return FAILED;
        }
    }

    /** The provider's stake and slash state, as the chain has them. */
    private void printStake(Staking staking, ContractAddress me) {
        out.println("  stake      " + staking.stake(me).toStrkString() + " (contract " + staking.contract().hex()
                + ", minimum " + staking.minStake().toStrkString() + ")" + (staking.canUnstake(me)
                        ? "; can be withdrawn now" : ""));
        Optional<ActiveSlash> slash = staking.activeSlash(me);
        out.println("  slashes    " + staking.slashCount(me) + " in the contract's 90-day window" + slash.map(s -> "; pending: "
                + s.percent() + "% for reason " + s.reasonHash().hex() + (s.appealPending() ? ", appealed (paused)"
                        : ", executable from " + s.appealDeadline())).orElse("; none pending"));
    }

    /** Starknet JSON-RPC {@code 55 VALIDATION_FAILURE}: the account's {@code __validate__} refused the transaction. */
    private static final int ACCOUNT_VALIDATION_FAILED = 55;

    // ------------------------------------------------------------------ run

    private int runNode(ProviderConfig config, Options opts) throws Exception {
        LOG.info("effective configuration:\n  {}", config.describe().replace("\n", "\n  "));
        Keystore.Unlocked account = unlock(config, opts);
        LOG.info("keystore {} unlocked: provider {} with public key {}", config.node().keystore(), account.address().hex(),
                account.keys().publicKey().hex());
        Hardware hw = Hardware.detect(discovery, DEFAULT_NVIDIA_SMI);
        JobRunners.Chosen chosen = runners.create(config, hw);
        // the hardware's tier only when its GPU serves; a node on the Java runner is basic unless told otherwise
        Tier tier = config.node().tier().orElse(chosen.usesGpu() ? hw.qualifyingTier() : Tier.BASIC);
        int concurrency = config.node().concurrency().orElse(Math.max(1, hw.gpus().size()));
        if (!hw.hasGpu()) {
            LOG.info("no usable GPU ({}); jobs run on the Java runner", hw.noGpuReason().orElse("none found"));
        }
        // with rpc_url the node reads escrows live before running tasks; the local ledger file is only a snapshot
        Optional<Escrow> chain = config.chain().rpcUrl().isPresent() ? Optional.of(escrows.open(config, account).escrow())
                : Optional.empty();
        ProviderDaemon d = ProviderDaemon.start(config, account, chosen.runners(), chosen.name(),
                chosen.usesGpu() ? hw.gpus() : List.of(), tier, concurrency, crypto, clock, chain);
        daemon = d;
        shutdownHooks.accept(d::close);
        out.println("Provider running (status: http://" + config.status().host() + ":" + d.statusPort()
                + "/status). Stop it with Ctrl-C or SIGTERM.");
        while (!d.awaitClosed(Duration.ofSeconds(1))) {
            // the shutdown hook closes the daemon
        }
        return OK;
    }

    // ------------------------------------------------------------------ status

    private int status(Optional<Path> file, Options opts) throws InterruptedException {
        String base;
        if (opts.extra.containsKey("url")) {
            base = opts.extra.get("url");
        } else {
            base = load(file, opts).statusUrl();
        }
        URI uri;
        try {
            uri = URI.create(base.endsWith("/") ? base + "status" : base + "/status");
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            err.println("provider status: --url: expected an http(s) URL such as http://127.0.0.1:"
                    + ProviderConfig.DEFAULT_STATUS_PORT + ", got '" + base + "'");
            return USAGE;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> res;
        try {
            res = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            err.println("provider status: nothing answers at " + base + " (connection refused). Is 'provider run' running,"
                    + " and on this status.port?");
            return FAILED;
        } catch (HttpTimeoutException e) {
            err.println("provider status: " + base + " did not answer within 5 s");
            return FAILED;
        } catch (IOException e) {
            err.println("provider status: cannot reach " + base + ": " + e.getMessage());
            return FAILED;
        }
        if (res.statusCode() != 200) {
            err.println("provider status: " + uri + " answered HTTP " + res.statusCode() + "; is that a Smainer provider?");
            return FAILED;
        }
        JsonObject s;
        try {
            s = JsonParser.parseString(res.body()).getAsJsonObject();
        } catch (RuntimeException e) {
            err.println("provider status: " + uri + " did not answer with a provider status");
            return FAILED;
        }
        String state = str(s, "state");
        out.println("Provider " + str(s, "name") + ": " + state + (str(s, "node_id").isEmpty() ? ""
                : " (node " + str(s, "node_id") + ")"));
        out.println("  relayer    " + str(s, "relayer"));
        out.println("  address    " + str(s, "address"));
        out.println("  runner     " + str(s, "runner") + ", tier " + str(s, "tier") + ", kinds " + s.get("job_kinds"));
        out.println("  tasks      " + str(s, "running") + " running of " + str(s, "capacity") + "; " + str(s, "completed")
                + " completed, " + str(s, "failed") + " failed, " + str(s, "refused") + " refused, " + str(s, "revoked")
                + " revoked");
        out.println("  reports    " + str(s, "pending_reports") + " awaiting the relayer's ack; " + str(s, "logins")
                + " login(s)");
        if (!str(s, "last_error").isEmpty()) {
            out.println("  last error " + str(s, "last_error"));
        }
        stakeStatus(file, opts, str(s, "address"));
        return state.equals("ready") ? OK : FAILED;
    }

    /** The stake lines of {@code status}: read from the chain the settings name; a problem there is only shown. */
    private void stakeStatus(Optional<Path> file, Options opts, String address) {
        try {
            ContractAddress me = ContractAddress.parse(address);
            ProviderConfig config = load(file, opts);
            try (Escrows.StakingView view = Escrows.stakingView(config)) {
                Optional<Staking> staking = view.staking();
                if (staking.isEmpty()) {
                    out.println("  stake      " + view.where() + " has no SmainerStakingContract");
                    return;
                }
                printStake(staking.get(), me);
            }
        } catch (RuntimeException e) {
            out.println("  stake      unknown: " + e.getMessage());
        }
    }

    private static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    // ------------------------------------------------------------------ options

    /** A command's options as parsed: settings flags (any setting, as {@code --status-port 0}) and its own extras. */
    static final class Options {
        final Map<String, String> settings = new LinkedHashMap<>();
        final Map<String, String> extra = new LinkedHashMap<>();

        static Options of(ParseResult parsed) {
            Map<String, String> keys = new LinkedHashMap<>();
            for (String k : ProviderConfig.KNOWN) {
                keys.put(flag(k), k);
            }
            Options o = new Options();
            for (OptionSpec option : parsed.matchedOptions()) {
                String name = option.longestName();
                String value = option.getValue();
                if (keys.containsKey(name)) {
                    o.settings.put(keys.get(name), value);
                } else {
                    o.extra.put(name.substring(2), value);
                }
            }
            return o;
        }
    }
}
