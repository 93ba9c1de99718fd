package io.smainer.provider.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.NodeStatus;
import io.smainer.escrow.local.TestRpcNode;
import io.smainer.fee.Tier;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerApp;
import io.smainer.relayer.RelayerConfig;
import io.smainer.testing.Await;
import io.smainer.testing.PrometheusParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider CLI end to end: {@code register} over Starknet JSON-RPC, and {@code run} against a real relayer. */
class ProviderCliIT {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final String PASS = "a long enough passphrase";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicReference<Runnable> sigterm = new AtomicReference<>();

    private ProviderCli cli() {
        out.reset();
        err.reset();
        return new ProviderCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, home, ProviderCli.Prompt.NONE, Main.gpuDiscovery(),
                Main::runners, Escrows::open, sigterm::set, CRYPTO, Clock.systemUTC());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(WAIT, condition, () -> what);
    }

    @Test
    void registersOnStarknetThroughAnRpcUrlWithAnImportedAccountKey() throws Exception {
        Ledger chain = Ledger.builder().owner(ContractAddress.of(1)).relayer(ContractAddress.of(2))
                .treasury(ContractAddress.of(3)).build();
        ContractAddress account = ContractAddress.parse("0x5eed");
        KeyPair key = KeyPair.generate(new SecureRandom(), CRYPTO);
        try (TestRpcNode node = TestRpcNode.builder().ledger(chain).start()) {
            node.addAccount(account, key.publicKey());
            env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
            env.put(ProviderCli.IMPORT_KEY_ENV, key.privateKey().hex());
            assertThat(cli().run("init", "--address", account.hex(), "--import", "yes")).as(err.toString()).isZero();
            assertThat(out()).contains(key.publicKey().hex());
            env.remove(ProviderCli.IMPORT_KEY_ENV);
            env.put("SMAINER_RPC_URL", node.url().toString());
            env.put("SMAINER_CHAIN_ID", chain.chainId().name());

            int code = cli().run("register");

            assertThat(code).as(err.toString()).isZero();
            assertThat(out()).contains("Registering " + account.hex() + " on Starknet SMAINER_LOCAL through http://127.0.0.1:")
                    .contains("register_node            tx 0x");
            try (Escrow view = chain.client(account)) {
                assertThat(view.nodeStatus(account)).isEqualTo(NodeStatus.ACTIVE);
                assertThat(view.providerPublicKey(account)).contains(key.publicKey());
            }
            assertThat(node.callCount("starknet_addInvokeTransaction")).isEqualTo(2);
        }
    }

    /**
     * The first run as README and the CLI's hints print it, on the local network of {@code ./smainer relayer}:
     * init imports development provider 0xa0's key from the accounts file, register finds the local node through
     * that file (the node is registered and its key published at the relayer's start, so nothing is sent), and a
     * keystore with another key for that account is told what to do.
     */
    @Test
    void theFirstRunOnTheLocalNetworkRegistersAgainstTheLocalNode() throws Exception {
        Path accounts = home.resolve(".smainer-local").resolve("accounts.json");
        try (RelayerApp app = RelayerApp.start(RelayerConfig.load(Map.of("host", "127.0.0.1", "port", "0",
                "local_chain.port", "0", "local_chain.accounts_file", accounts.toString())), Map.of(), text -> Optional.empty(),
                Clock.systemUTC())) {
            JsonObject provider = JsonParser.parseString(Files.readString(accounts)).getAsJsonObject()
                    .getAsJsonArray("accounts").get(1).getAsJsonObject();
            String address = provider.get("address").getAsString();
            env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
            env.put("SMAINER_LOCAL_ACCOUNTS_FILE", accounts.toString());
            env.put(ProviderCli.IMPORT_KEY_ENV, provider.get("private_key").getAsString());
            assertThat(cli().run("init", "--import", "yes", "--address", address)).as(err.toString()).isZero();
            assertThat(out()).contains("Next: 'provider register'");
            env.remove(ProviderCli.IMPORT_KEY_ENV);

            assertThat(cli().run("register")).as(err.toString()).isZero();
            assertThat(out()).contains("on Starknet SMAINER_LOCAL through http://127.0.0.1:")
                    .contains("register_node            already active")
                    .contains("set_provider_public_key  already " + provider.get("public_key").getAsString())
                    .contains("Next: 'provider run'");

            env.put(ProviderCli.IMPORT_KEY_ENV, KeyPair.generate(new SecureRandom(), CRYPTO).privateKey().hex());
            Path other = home.resolve("other.keystore");
            assertThat(cli().run("init", "--import", "yes", "--address", address, "--keystore", other.toString())).isZero();
            env.remove(ProviderCli.IMPORT_KEY_ENV);
            env.put("SMAINER_KEYSTORE", other.toString());
            int code = cli().run("register");
            assertThat(code).isNotZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not the key of account")
                    .contains("provider init --import yes --address " + ContractAddress.parse(address).hex());
        }
    }

    @Test
    void runServesTasksReportsItsStatusAndStopsCleanlyOnSigterm() throws Exception {
        ContractAddress owner = ContractAddress.of(0x1001);
        ContractAddress relayerAccount = ContractAddress.of(0x1002);
        ContractAddress demander = ContractAddress.of(0x2001);
        Ledger ledger = Ledger.builder().owner(owner).relayer(relayerAccount).treasury(ContractAddress.of(0x1003)).build();
        ledger.mint(demander, TokenAmount.parseStrk("100"));
        KeyPair demanderKey = KeyPair.generate(new SecureRandom(), CRYPTO);
        Relayer relayer = Relayer.builder().config(RelayerConfig.load(Map.of("host", "127.0.0.1", "port", "0",
                "demander_keys", demander.hex() + ":" + demanderKey.publicKey().hex(), "settlement.max_delay_millis", "20")))
                .escrow(ledger.client(relayerAccount)).crypto(CRYPTO).build().start();
        try (relayer; SmainerClient client = SmainerClient.builder().relayer(relayer.uri()).escrow(ledger.client(demander))
                .keyPair(demanderKey).chainId(ChainId.LOCAL).build()) {
            env.put(ProviderConfig.PASSPHRASE_ENV, PASS);
            assertThat(cli().run("init")).isZero();
            Keystore.PublicPart me = Keystore.peek(home.resolve(".smainer/provider.keystore"));
            try (Escrow own = ledger.client(me.address())) {
                own.registerNode();
                own.setProviderPublicKey(me.publicKey());
            }
            env.put("SMAINER_RELAYER_URL", relayer.uri().toString());
            env.put("SMAINER_STATUS_PORT", "0");
            env.put("SMAINER_CLOSE_GRACE_SECONDS", "2");
            ProviderCli running = cli();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> running.run("run", "--name", "cli-it"));
            await("provider ready", () -> running.daemon().map(d -> d.status().state() == ProviderNode.State.READY)
                    .orElse(false));
            ProviderDaemon daemon = running.daemon().orElseThrow();
            String statusUrl = "http://127.0.0.1:" + daemon.statusPort();

            JobSpec job = Jobs.sha256Batch(List.of("from the cli".getBytes(StandardCharsets.UTF_8)));
            CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.3"), Tier.BASIC, job);
            Api.TaskResult result = client.awaitResult(client.submit(funded.escrowId(), job).taskId(), WAIT);
            assertThat(result.result()).hasSize(32);
            await("report acknowledged", () -> daemon.status().pendingReports() == 0);

            ProviderCli asker = cli();
            assertThat(asker.run("status", "--url", statusUrl)).isZero();
            assertThat(out()).contains("Provider cli-it: ready").contains("1 completed").contains("runner     java");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(statusUrl + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, PrometheusParser.Family> families = PrometheusParser.text(metrics.body());
            assertThat(families.get("smainer_provider_tasks_completed").type()).isEqualTo("counter");
            assertThat(families.get("smainer_provider_tasks_completed").samples())
                    .containsEntry("smainer_provider_tasks_completed_total", 1.0);
            assertThat(families.get("smainer_provider_ready").samples()).containsEntry("smainer_provider_ready", 1.0);
            assertThat(families.get("smainer_provider_tasks_running").type()).isEqualTo("gauge");
            assertThat(families.get("smainer_provider_state").samples())
                    .containsEntry("smainer_provider_state{state=\"ready\"}", 1.0)
                    .containsEntry("smainer_provider_state{state=\"waiting_to_reconnect\"}", 0.0);
            assertThat(families).containsKeys("smainer_provider_info", "smainer_build_info", "jvm_memory_used_bytes");
            HttpResponse<String> om = http.send(HttpRequest.newBuilder(URI.create(statusUrl + "/metrics"))
                    .header("Accept", "application/openmetrics-text; version=1.0.0").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(PrometheusParser.openMetrics(om.body()).get("smainer_provider").type()).as("smainer_provider_info")
                    .isEqualTo("info");
            for (String probe : new String[] {"/health", "/readyz", "/livez"}) {
                assertThat(http.send(HttpRequest.newBuilder(URI.create(statusUrl + probe)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as(probe).isEqualTo(200);
            }
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(statusUrl + "/status"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(statusUrl + "/status"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");

            sigterm.get().run(); // what the JVM's shutdown hook does on SIGTERM

            assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
            assertThat(daemon.status().state()).isEqualTo(ProviderNode.State.CLOSED);
            assertThat(cli().run("status", "--url", statusUrl)).isEqualTo(ProviderCli.FAILED);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing answers at " + statusUrl);
        }
    }
}
