package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.SmainerException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.config.Settings;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.escrow.testnode.StarknetTestNode;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.provider.ProviderNode;
import io.smainer.testing.Await;
import io.smainer.relayer.RelayerApp;
import io.smainer.relayer.RelayerConfig;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relayer app in {@code chain=starknet} mode against the SDK's Starknet JSON-RPC test node (no devnet
 * can be installed here): the escrow deployed on the node's ledger with the relayer account authorised, the
 * relayer's key in an encrypted keystore, a provider registered through RPC. A demander funds an escrow
 * through RPC, a {@link ProviderNode} runs the task, and the relayer settles it by an invoke transaction that
 * the node checks (signature, nonce) and executes on its ledger.
 */
class StarknetModeIT {
    private static final ContractAddress OWNER = ContractAddress.of(0x1001);
    private static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    private static final ContractAddress TREASURY = ContractAddress.of(0x1003);
    private static final ContractAddress DEMANDER = ContractAddress.of(0x2001);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x3001);
    private static final String PASSPHRASE = "relayer passphrase 1";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Function<String, Optional<char[]>> NO_TERMINAL = text -> Optional.empty();

    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    private final SecureRandom random = new SecureRandom();
    private final KeyPair relayerKey = KeyPair.generate(random, crypto);
    private final KeyPair demanderKey = KeyPair.generate(random, crypto);
    private final KeyPair providerKey = KeyPair.generate(random, crypto);
    private final Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).build();
    private StarknetTestNode node;
    private Path keystore;
    private Path properties;

    @TempDir
    Path dir;

    @BeforeEach
    void deployOnTheTestNode() throws Exception {
        node = StarknetTestNode.builder().ledger(ledger).crypto(crypto).start();
        node.addAccount(RELAYER, relayerKey.publicKey());
        node.addAccount(DEMANDER, demanderKey.publicKey());
        node.addAccount(PROVIDER, providerKey.publicKey());
        ledger.mint(DEMANDER, TokenAmount.parseStrk("100"));
        keystore = dir.resolve("relayer.keystore");
        Keystore.create(keystore, RELAYER, relayerKey, PASSPHRASE.toCharArray(), Keystore.MIN_ITERATIONS, random);
        properties = dir.resolve("relayer.properties");
        Files.writeString(properties, String.join("\n",
                "chain=starknet",
                "rpc_url=" + node.url(),
                "chain_id=" + ledger.chainId().name(),
                "contract_address=" + ledger.contract().hex(),
                "allowed_tokens=" + ledger.token().hex(),
                "keystore=" + keystore,
                "starknet.poll_millis=20",
                "host=127.0.0.1",
                "port=0",
                "demander_keys=" + DEMANDER.hex() + ":" + demanderKey.publicKey().hex(),
                "settlement.max_delay_millis=20",
                "local_chain.accounts_file=" + dir.resolve("accounts.json"),
                ""));
    }

    @AfterEach
    void stopTheNode() {
        node.close();
    }

    private StarknetEscrow account(ContractAddress address, KeyPair key) {
        return StarknetEscrow.builder().rpcUrl(node.url()).account(address).privateKey(key.privateKey())
                .contract(ledger.contract()).token(ledger.token()).chainId(ledger.chainId())
                .pollInterval(Duration.ofMillis(20)).crypto(crypto).build();
    }

    private RelayerApp start(Map<String, String> env) {
        return RelayerApp.start(RelayerConfig.load(Optional.of(properties), env), env, NO_TERMINAL, Clock.systemUTC());
    }

    private static Map<String, String> env(String passphrase) {
        return Map.of(Settings.PASSPHRASE_ENV, passphrase);
    }

    @Test
    void settlesATaskOnTheChainThroughJsonRpcWithTheKeystoreAccount() throws Exception {
        try (StarknetEscrow provider = account(PROVIDER, providerKey);
                StarknetEscrow demander = account(DEMANDER, demanderKey)) {
            provider.registerNode();
            provider.setProviderPublicKey(providerKey.publicKey());
            assertThat(ledger.nonce(RELAYER).value()).isZero();
            try (RelayerApp app = start(env(PASSPHRASE));
                    SmainerClient client = SmainerClient.builder().relayer(app.uri()).escrow(demander).keyPair(demanderKey)
                            .chainId(ledger.chainId()).crypto(crypto).build()) {
                assertThat(app.localChain()).isEmpty();
                assertThat(dir.resolve("accounts.json")).doesNotExist();
                ProviderNode providerNode = ProviderNode.builder().relayer(app.uri()).account(PROVIDER, providerKey)
                        .runner(JavaJobRunner.builder().workerThreads(1).computeThreads(1).build()).escrow(provider)
                        .concurrency(1).tier(Tier.PREMIUM).name("starknet-it").crypto(crypto).build().start();
                try {
                    Await.until(WAIT, () -> providerNode.status().state() == ProviderNode.State.READY, () -> "provider login");
                    JobSpec job = Jobs.sha256Batch(java.util.List.of("on starknet".getBytes(StandardCharsets.UTF_8)));
                    CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.PRO, job);
                    TokenAmount demanderAfterFunding = ledger.balanceOf(DEMANDER);

                    Api.TaskCreated created = client.submit(funded.taskId(), job);
                    Api.TaskResult result = client.awaitResult(created.taskId(), WAIT);

                    assertThat(Jobs.readSha256BatchOutput(job, result.result()).get(0)).isEqualTo(
                            MessageDigest.getInstance("SHA-256").digest("on starknet".getBytes(StandardCharsets.UTF_8)));
                    Await.until(WAIT, () -> demander.getTask(funded.taskId()).orElseThrow().status() == EscrowStatus.SETTLED,
                            () -> "escrow " + funded.taskId() + " settled on the node");
                    FlatSplit split = FeeMath.flatSplit(funded.escrowed());
                    assertThat(demander.balanceOf(PROVIDER)).isEqualTo(split.providerTotal());
                    assertThat(demander.balanceOf(TREASURY)).isEqualTo(split.treasury());
                    assertThat(demander.balanceOf(DEMANDER)).isEqualTo(demanderAfterFunding);
                    assertThat(split.providerTotal().plus(split.treasury())).isEqualTo(funded.escrowed());
                    // the settlement came over JSON-RPC as an invoke the node verified (signature and nonce) from the
                    // keystore's account, the only one the contract lets settle
                    assertThat(ledger.nonce(RELAYER).value()).isPositive();
                    assertThat(demander.eventsAfter(io.smainer.escrow.EventCursor.START)).anySatisfy(e -> assertThat(e)
                            .isInstanceOfSatisfying(io.smainer.escrow.EscrowEvent.TaskSettled.class,
                                    s -> assertThat(s.taskId()).isEqualTo(funded.taskId())));
                } finally {
                    providerNode.close(Duration.ZERO);
                }
            }
        }
    }

    @Test
    void aDemanderWithNoConfiguredKeyIsCheckedAgainstTheKeyItsAccountReports() throws Exception {
        // no demander_keys: the relayer reads the key from the account contract (get_public_key)
        Files.writeString(properties, Files.readString(properties).replaceAll("(?m)^demander_keys=.*\\n", ""));
        KeyPair strangerKey = KeyPair.generate(random, crypto);
        ContractAddress stranger = ContractAddress.of(0x2002);
        try (StarknetEscrow demander = account(DEMANDER, demanderKey)) {
            assertThat(demander.accountPublicKey(DEMANDER)).contains(demanderKey.publicKey());
            assertThat(demander.accountPublicKey(stranger)).isEmpty(); // not deployed
            try (RelayerApp app = start(env(PASSPHRASE));
                    SmainerClient client = SmainerClient.builder().relayer(app.uri()).escrow(demander).keyPair(demanderKey)
                            .chainId(ledger.chainId()).crypto(crypto).build();
                    SmainerClient wrongKey = SmainerClient.builder().relayer(app.uri()).escrow(demander)
                            .keyPair(strangerKey).chainId(ledger.chainId()).crypto(crypto).build()) {
                JobSpec job = Jobs.sha256Batch(java.util.List.of("key from the account".getBytes(StandardCharsets.UTF_8)));
                CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.BASIC, job);
                // signed by another key than the account reports: refused
                assertThatThrownBy(() -> wrongKey.submit(funded.taskId(), job)).hasMessageContaining("signature");
                Api.TaskCreated created = client.submit(funded.taskId(), job);
                assertThat(created.status()).isEqualTo(io.smainer.protocol.TaskStatus.PENDING);
            }
        }
    }

    @Test
    void refusesToStartWithAWrongPassphraseNamingTheVariable() {
        assertThatThrownBy(() -> start(env("not the passphrase")))
                .isInstanceOf(SmainerException.class)
                .hasMessageStartingWith("keystore: wrong passphrase for keystore " + keystore)
                .hasMessageContaining(Settings.PASSPHRASE_ENV)
                .hasMessageNotContaining("not the passphrase");
    }

    @Test
    void refusesToStartWithoutAPassphraseWhenNoOneCanBeAsked() {
        assertThatThrownBy(() -> start(Map.of()))
                .hasMessageStartingWith("keystore: no passphrase for keystore " + keystore)
                .hasMessageContaining(Settings.PASSPHRASE_ENV);
    }

    @Test
    void refusesToStartWithAMissingKeystoreAndSaysHowToCreateOne() throws Exception {
        Files.delete(keystore);
        assertThatThrownBy(() -> start(env(PASSPHRASE)))
                .hasMessageStartingWith("keystore: no keystore at " + keystore)
                .hasMessageContaining("relayer keystore --keystore");
    }

    @Test
    void refusesToStartWhenTheNodeIsOnAnotherChain() throws Exception {
        Files.writeString(properties, Files.readString(properties) + "chain_id=SN_SEPOLIA\n");
        assertThatThrownBy(() -> start(env(PASSPHRASE)))
                .hasMessageStartingWith("chain_id: the node at rpc_url")
                .hasMessageContaining("SN_SEPOLIA").hasMessageContaining(ledger.chainId().name());
    }

    @Test
    void refusesToStartWhenNothingAnswersAtTheRpcUrl() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Files.writeString(properties, Files.readString(properties) + "rpc_url=http://127.0.0.1:" + closedPort + "/rpc/s3cr3t\n");
        assertThatThrownBy(() -> start(env(PASSPHRASE)))
                .hasMessageStartingWith("rpc_url: no Starknet JSON-RPC node answers at http://127.0.0.1:" + closedPort + "/****")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void refusesToStartWhenTheKeystoresAccountIsNotTheEscrowsRelayer() {
        ledger.setRelayer(OWNER, ContractAddress.of(0x9999));
        assertThatThrownBy(() -> start(env(PASSPHRASE)))
                .hasMessageStartingWith("keystore: the account " + RELAYER.hex() + " in keystore " + keystore
                        + " is not the escrow's relayer")
                .hasMessageContaining(ContractAddress.of(0x9999).hex());
    }
}
