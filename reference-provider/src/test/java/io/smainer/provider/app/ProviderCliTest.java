package io.smainer.provider.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.SmainerVersion;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.crypto.StarkliKeystores;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.NodeStatus;
import io.smainer.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process, as a new user would meet it: help, mistakes, and their messages. */
class ProviderCliTest {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final String PASS = "a long enough passphrase";

    @TempDir
    Path home;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();
    private final Deque<String> answers = new ArrayDeque<>();
    private ProviderCli.Prompt prompt = text -> answers.isEmpty() ? Optional.empty()
            : Optional.of(answers.removeFirst().toCharArray());

    private int cli(String... args) {
        outBytes.reset();
        errBytes.reset();
        ProviderCli cli = new ProviderCli(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8), env, home, prompt, Main.gpuDiscovery(),
                Main::runners, Escrows::open, hook -> { }, CRYPTO, Clock.systemUTC());
        return cli.run(args);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsUsageWithEveryCommandWhenRunWithoutArgumentsOrWithHelp() {
        for (String[] args : List.of(new String[0], new String[] {"help"}, new String[] {"--help"}, new String[] {"-h"})) {
            assertThat(cli(args)).isEqualTo(ProviderCli.OK);
            assertThat(out()).contains("Usage: provider [OPTIONS] [COMMAND]")
                    .contains("init", "detect", "register", "run", "status");
        }
    }

    @Test
    void hasHelpForEveryCommand() {
        for (String command : List.of("init", "detect", "register", "run", "status")) {
            assertThat(cli("help", command)).isEqualTo(ProviderCli.OK);
            String viaHelp = out();
            assertThat(viaHelp).startsWith("Usage: provider " + command);
            assertThat(cli(command, "--help")).isEqualTo(ProviderCli.OK);
            assertThat(out()).isEqualTo(viaHelp);
            assertThat(cli(command, "-h")).isEqualTo(ProviderCli.OK);
            assertThat(out()).isEqualTo(viaHelp);
        }
        cli("help", "run");
        assertThat(out()).contains("--relayer-url", "--status-port", "--ollama-url", "--passphrase-file",
                "SMAINER_KEYSTORE_PASSPHRASE", "SIGTERM");
    }

    @Test
    void printsItsVersionFromEveryCommand() {
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"-V"}, new String[] {"run", "--version"},
                new String[] {"detect", "-V"})) {
            assertThat(cli(args)).isEqualTo(ProviderCli.OK);
            assertThat(out().trim()).isEqualTo("provider (Smainer for Java) " + SmainerVersion.current());
        }
        assertThat(SmainerVersion.current()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void refusesAnUnknownCommandOptionOrExtraArgumentWithUsageAndExitCode2() {
        assertThat(cli("serve")).isEqualTo(ProviderCli.USAGE);
        assertThat(err()).contains("Unmatched argument at index 0: 'serve'");

        assertThat(cli("detect", "--gpu", "yes")).isEqualTo(ProviderCli.USAGE);
        assertThat(err()).contains("Unknown options: '--gpu', 'yes'").contains("Usage: provider detect");

        assertThat(cli("run", "--status-port")).isEqualTo(ProviderCli.USAGE);
        assertThat(err()).contains("Missing required parameter for option '--status-port'");

        assertThat(cli("status", "--url", "http://127.0.0.1:1", "now")).isEqualTo(ProviderCli.USAGE);
        assertThat(err()).contains("Unmatched argument at index 3: 'now'");
        assertThat(out()).isEmpty();
    }

    @Test
    void takesTheSettingsFlagsInBothForms() {
        env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
        Path keystore = home.resolve("other.keystore");

        assertThat(cli("init", "--keystore=" + keystore)).isEqualTo(ProviderCli.OK);
        assertThat(keystore).exists();
        assertThat(cli("init", "--keystore", keystore.toString())).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("keystore " + keystore + " already exists");
    }

    @Test
    void readsThePassphraseFromAFileWhenGivenOne() throws Exception {
        Path passFile = home.resolve("pass");
        Files.writeString(passFile, PASS + "\n");
        env.put(ProviderConfig.PASSPHRASE_ENV, "not the passphrase");

        assertThat(cli("init", "--passphrase-file", passFile.toString())).as(err()).isEqualTo(ProviderCli.OK);

        Path file = home.resolve(".smainer/provider.keystore");
        assertThat(Keystore.open(file, PASS.toCharArray(), CRYPTO).keys()).isNotNull();
        assertThat(cli("register", "--passphrase-file", home.resolve("missing").toString())).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("--passphrase-file " + home.resolve("missing") + ": cannot be read");
    }

    @Test
    void initWritesAnEncryptedKeystoreReadableByItsOwnerOnly() throws Exception {
        env.put(ProviderConfig.PASSPHRASE_ENV, PASS);

        assertThat(cli("init", "--address", "0x1234")).isEqualTo(ProviderCli.OK);

        Path file = home.resolve(".smainer/provider.keystore");
        assertThat(out()).contains("Created keystore " + file).contains("0x" + "0".repeat(60) + "1234");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Keystore.open(file, PASS.toCharArray(), CRYPTO).address()).isEqualTo(ContractAddress.parse("0x1234"));

        assertThat(cli("init")).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("already exists");
    }

    @Test
    void initKeepsTheKeyOfAStarkliKeystoreWithoutItEverBeingTyped() throws Exception {
        KeyPair key = KeyPair.generate(new SecureRandom(), CRYPTO);
        Path starkli = home.resolve("starkli-signer.json");
        Files.writeString(starkli, StarkliKeystores.of(key, "starkli password"));
        env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
        env.put(ProviderCli.IMPORT_KEYSTORE_PASSWORD_ENV, "not it");
        Path file = home.resolve(".smainer/provider.keystore");

        assertThat(cli("init", "--address", "0x1234", "--from-keystore", starkli.toString())).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("the password does not open keystore " + starkli);
        assertThat(file).doesNotExist();
        assertThat(cli("init", "--from-keystore", home.resolve("none.json").toString())).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("--from-keystore: no starkli keystore at " + home.resolve("none.json"));
        assertThat(cli("init", "--import", "yes", "--from-keystore", starkli.toString())).isEqualTo(ProviderCli.USAGE);
        assertThat(file).doesNotExist();

        env.put(ProviderCli.IMPORT_KEYSTORE_PASSWORD_ENV, "starkli password");
        assertThat(cli("init", "--address", "0x1234", "--from-keystore", starkli.toString())).as(err())
                .isEqualTo(ProviderCli.OK);

        assertThat(Keystore.open(file, PASS.toCharArray(), CRYPTO).keys()).isEqualTo(key);
        assertThat(out()).contains(key.publicKey().hex());
        assertThat(out() + err()).doesNotContain(key.privateKey().hex());
    }

    @Test
    void initAsksForThePassphraseTwiceAndRefusesTwoDifferentAnswers() {
        answers.add(PASS);
        answers.add(PASS + "!");

        assertThat(cli("init")).isEqualTo(ProviderCli.FAILED);

        assertThat(err()).contains("the two passphrases differ; nothing was written");
        assertThat(home.resolve(".smainer/provider.keystore")).doesNotExist();
    }

    @Test
    void saysHowToGiveAPassphraseWhenThereIsNoTerminal() {
        prompt = ProviderCli.Prompt.NONE;

        assertThat(cli("init")).isEqualTo(ProviderCli.FAILED);

        assertThat(err()).contains("no keystore passphrase: set SMAINER_KEYSTORE_PASSPHRASE or run this in a terminal");
    }

    @Test
    void aWrongPassphraseGetsAClearMessage() {
        env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
        assertThat(cli("init")).isEqualTo(ProviderCli.OK);
        env.put(ProviderConfig.PASSPHRASE_ENV, "not the passphrase");

        assertThat(cli("register")).isEqualTo(ProviderCli.FAILED);

        assertThat(err().trim()).isEqualTo("provider register: wrong passphrase for keystore "
                + home.resolve(".smainer/provider.keystore"));
    }

    @Test
    void aMissingKeystoreSaysToRunInit() {
        env.put(ProviderConfig.PASSPHRASE_ENV, PASS);

        assertThat(cli("run")).isEqualTo(ProviderCli.FAILED);

        assertThat(err()).contains("no keystore at " + home.resolve(".smainer/provider.keystore"))
                .contains("provider init");
    }

    @Test
    void aBadRelayerUrlIsNamedBeforeAnythingElseHappens() {
        assertThat(cli("run", "--relayer-url", "htp:/relayer")).isEqualTo(ProviderCli.USAGE);
        assertThat(err()).contains("relayer_url: expected a relayer address").contains("got 'htp:/relayer'");

        env.put("SMAINER_RELAYER_URL", "relayer.example:8000");
        assertThat(cli("run")).isEqualTo(ProviderCli.USAGE);
        assertThat(err()).contains("relayer_url").contains("'relayer.example:8000'");
    }

    @Test
    void detectWithoutAGpuSaysWhyAndThatTheJavaRunnerServes() {
        assertThat(cli("detect", "--nvidia-smi", home.resolve("no-such-nvidia-smi").toString())).isEqualTo(ProviderCli.OK);

        assertThat(out()).contains("CPU      " + Runtime.getRuntime().availableProcessors() + " cores")
                .contains("GPU      none usable: ")
                .contains("nvidia-smi: not found or not runnable")
                .contains("Runner   java")
                .contains("Tier     basic");
    }

    @Test
    void detectFallsBackToNvidiaSmiAndQualifiesALargeGpuForPremium() throws Exception {
        Path smi = home.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho 'NVIDIA H100 80GB HBM3, 81559, 9.0'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwx------"));

        assertThat(cli("detect", "--nvidia-smi", smi.toString())).isEqualTo(ProviderCli.OK);

        assertThat(out()).contains("GPU 0    NVIDIA H100 80GB HBM3, 79.6 GiB, compute capability 9.0 (found by nvidia-smi)")
                .contains("Tier     premium");
    }

    @Test
    void statusNamesTheUrlWhenNothingAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        assertThat(cli("status", "--status-port", String.valueOf(port))).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("nothing answers at http://127.0.0.1:" + port).contains("provider run");

        assertThat(cli("status", "--url", "127.0.0.1:9470")).isEqualTo(ProviderCli.USAGE);
        assertThat(err()).contains("--url: expected an http(s) URL").contains("'127.0.0.1:9470'");
    }

    @Test
    void registerPublishesTheKeyOnTheLocalLedgerAndSkipsWhatIsDone() {
        Path ledgerFile = home.resolve("ledger.json");
        Ledger.builder().owner(ContractAddress.of(1)).relayer(ContractAddress.of(2)).treasury(ContractAddress.of(3))
                .build().save(ledgerFile);
        env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
        env.put("SMAINER_LEDGER_FILE", ledgerFile.toString());
        assertThat(cli("init", "--address", "0xabc")).isEqualTo(ProviderCli.OK);

        assertThat(cli("register")).as(err()).isEqualTo(ProviderCli.OK);
        assertThat(out()).contains("register_node            tx 0x").contains("set_provider_public_key  tx 0x");

        Keystore.Unlocked me = Keystore.open(home.resolve(".smainer/provider.keystore"), PASS.toCharArray(), CRYPTO);
        try (Escrow escrow = Ledger.load(ledgerFile).client(me.address())) {
            assertThat(escrow.nodeStatus(me.address())).isEqualTo(NodeStatus.ACTIVE);
            assertThat(escrow.providerPublicKey(me.address())).contains(me.keys().publicKey());
        }
        assertThat(cli("register")).isEqualTo(ProviderCli.OK);
        assertThat(out()).contains("register_node            already active").contains("set_provider_public_key  already");
    }

    @Test
    void stakeUnstakeWithdrawAndAppealActOnTheLocalLedgersStakingContract() {
        Path ledgerFile = home.resolve("ledger.json");
        ContractAddress verifier = ContractAddress.of(4);
        ContractAddress staking = ContractAddress.of(0x5a4e);
        // the command line acts at the system clock's time; the in-process steps here run 8 days earlier
        MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(8)));
        Ledger.builder().owner(ContractAddress.of(1)).relayer(ContractAddress.of(2)).treasury(ContractAddress.of(3))
                .staking(staking, verifier, TokenAmount.parseStrk("10")).clock(clock).build().save(ledgerFile);
        env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
        env.put("SMAINER_LEDGER_FILE", ledgerFile.toString());
        assertThat(cli("init", "--address", "0xabc")).isEqualTo(ProviderCli.OK);
        ContractAddress me = ContractAddress.parse("0xabc");
        Ledger funded = Ledger.load(ledgerFile, clock, CRYPTO);
        funded.mint(me, TokenAmount.parseStrk("50"));
        funded.save(ledgerFile);

        assertThat(cli("stake")).isEqualTo(ProviderCli.USAGE);
        assertThat(err()).contains("--amount: expected the STRK to stake");
        assertThat(cli("stake", "--amount", "ten")).isEqualTo(ProviderCli.USAGE);
        assertThat(cli("stake", "--amount", "5")).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("the staking contract refused: Below minimum stake");
        assertThat(cli("stake", "--amount", "12.5")).as(err()).isEqualTo(ProviderCli.OK);
        assertThat(out()).contains("stake for " + me.hex()).contains("stake      12.5 STRK")
                .contains("minimum 10 STRK").contains("0 in the contract's 90-day window; none pending");
        assertThat(cli("appeal")).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("refused: No active slash");

        Ledger chain = Ledger.load(ledgerFile, clock, CRYPTO);
        chain.staking(verifier).initiateSlash(me, Felt.of(0xe71d));
        chain.save(ledgerFile);
        assertThat(cli("appeal")).as(err()).isEqualTo(ProviderCli.OK);
        assertThat(out()).contains("pending: 20% for reason 0xe71d, appealed (paused)");
        assertThat(cli("withdraw")).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("refused: No withdrawal requested");
        assertThat(cli("unstake")).as(err()).isEqualTo(ProviderCli.OK);
        assertThat(out()).contains("stake      12.5 STRK");
        assertThat(cli("withdraw")).isEqualTo(ProviderCli.FAILED);
        assertThat(err()).contains("refused: Lockup period not over");
        Ledger earlier = Ledger.load(ledgerFile, clock, CRYPTO); // asked 8 days ago: the lockup is over now
        earlier.staking(me).requestUnstake();
        earlier.save(ledgerFile);
        assertThat(cli("withdraw")).as(err()).isEqualTo(ProviderCli.OK);
        assertThat(out()).contains("stake      0 STRK");
        assertThat(Ledger.load(ledgerFile).balanceOf(me)).isEqualTo(TokenAmount.parseStrk("50"));
    }

    @Test
    void registerWithoutALocalNetworkSaysHowToGetOne() {
        env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
        assertThat(cli("init")).isEqualTo(ProviderCli.OK);

        assertThat(cli("register")).isEqualTo(ProviderCli.FAILED);

        assertThat(err()).contains("no local network found: .smainer-local/accounts.json does not exist")
                .contains("./smainer relayer").contains("rpc_url");
    }
}
