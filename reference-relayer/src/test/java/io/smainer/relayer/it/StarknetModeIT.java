package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.SmainerException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.RelayerApiException;
import io.smainer.client.SmainerClient;
import io.smainer.config.Settings;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Keystore;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.local.LedgerRpcServer;
import io.smainer.escrow.local.TestRpcNode;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.RelayerApp;
import io.smainer.relayer.RelayerConfig;
import io.smainer.testing.Await;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    /** An account that does not expose its key (no get_public_key), only SNIP-6 is_valid_signature; not listed. */
    private static final ContractAddress SNIP6_DEMANDER = ContractAddress.of(0x2003);
    private static final String PASSPHRASE = "relayer passphrase 1";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Function<String, Optional<char[]>> NO_TERMINAL = text -> Optional.empty();

    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    private final SecureRandom random = new SecureRandom();
    private final KeyPair relayerKey = KeyPair.generate(random, crypto);
    private final KeyPair demanderKey = KeyPair.generate(random, crypto);
    private final KeyPair providerKey = KeyPair.generate(random, crypto);
    private final KeyPair snip6Key = KeyPair.generate(random, crypto);
    private final Ledger ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).build();
    private TestRpcNode node;
    private Path keystore;
    private Path properties;

    @TempDir
    Path dir;

    @BeforeEach
    void deployOnTheTestNode() throws Exception {
        node = TestRpcNode.builder().ledger(ledger).crypto(crypto).start();
        node.addAccount(RELAYER, relayerKey.publicKey());
        node.addAccount(DEMANDER, demanderKey.publicKey());
        node.addAccount(PROVIDER, providerKey.publicKey());
        node.addAccount(SNIP6_DEMANDER, snip6Key.publicKey(), LedgerRpcServer.AccountKind.SNIP6_ONLY);
        ledger.mint(DEMANDER, TokenAmount.parseStrk("100"));
        ledger.mint(SNIP6_DEMANDER, TokenAmount.parseStrk("100"));
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

    /** A provider node for PROVIDER on the relayer, started and logged in (one job at a time). */
    private ProviderNode loggedInProvider(RelayerApp app, StarknetEscrow provider, String name) {
        ProviderNode node = ProviderNode.builder().relayer(app.uri()).account(PROVIDER, providerKey)
                .runner(JavaJobRunner.builder().workerThreads(1).computeThreads(1).build()).escrow(provider)
                .concurrency(1).tier(Tier.PREMIUM).name(name).crypto(crypto).build().start();
        Await.until(WAIT, () -> node.status().state() == ProviderNode.State.READY, () -> "provider login");
        return node;
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
                ProviderNode providerNode = loggedInProvider(app, provider, "starknet-it");
                try {
                    JobSpec job = Jobs.sha256Batch(List.of("on starknet".getBytes(StandardCharsets.UTF_8)));
                    CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.PRO, job);
                    TokenAmount demanderAfterFunding = ledger.balanceOf(DEMANDER);

                    Api.TaskCreated created = client.submit(funded.escrowId(), job);
                    Api.TaskResult result = client.awaitResult(created.taskId(), WAIT);

                    assertThat(Jobs.readSha256BatchOutput(job, result.result()).get(0)).isEqualTo(
                            MessageDigest.getInstance("SHA-256").digest("on starknet".getBytes(StandardCharsets.UTF_8)));
                    Await.until(WAIT, () -> demander.getTask(funded.escrowId()).orElseThrow().status() == EscrowStatus.COMPLETED,
                            () -> "escrow " + funded.escrowId() + " settled on the node");
                    FlatSplit split = FeeMath.flatSplit(funded.escrowed());
                    assertThat(demander.balanceOf(PROVIDER)).isEqualTo(split.providerTotal());
                    assertThat(demander.balanceOf(TREASURY)).isEqualTo(split.treasury());
                    assertThat(demander.balanceOf(DEMANDER)).isEqualTo(demanderAfterFunding);
                    assertThat(split.providerTotal().plus(split.treasury())).isEqualTo(funded.escrowed());
                    // the settlement came over JSON-RPC as an invoke the node verified (signature and nonce) from the
                    // keystore's account, the only one the contract lets settle
                    assertThat(ledger.nonce(RELAYER).value()).isPositive();
                    assertThat(demander.eventsAfter(EventCursor.START)).anySatisfy(e -> assertThat(e)
                            .isInstanceOfSatisfying(EscrowEvent.TaskSettled.class,
                                    s -> assertThat(s.taskId()).isEqualTo(funded.escrowId())));
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
                JobSpec job = Jobs.sha256Batch(List.of("key from the account".getBytes(StandardCharsets.UTF_8)));
                CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.BASIC, job);
                // signed by another key than the account reports: refused
                assertThatThrownBy(() -> wrongKey.submit(funded.escrowId(), job)).hasMessageContaining("signature");
                Api.TaskCreated created = client.submit(funded.escrowId(), job);
                assertThat(created.status()).isEqualTo(TaskStatus.PENDING);
            }
        }
    }

    private SmainerClient client(RelayerApp app, StarknetEscrow escrow, KeyPair key) {
        return SmainerClient.builder().relayer(app.uri()).escrow(escrow).keyPair(key).chainId(ledger.chainId())
                .crypto(crypto).build();
    }

    /** A task request signed by a key, as SmainerClient sends it but with a nonce the test chooses. */
    private Api.SubmitTask request(ContractAddress demander, KeyPair key, U256 escrowId, JobSpec job, Felt nonce) {
        long expiresAt = Instant.now().plusSeconds(600).getEpochSecond();
        Felt hash = Snip12.requestHash(Snip12.Domain.smainer(ledger.chainId()), demander, escrowId, job.contentHash(),
                Api.SubmitTask.termsHash(SettlementMode.FLAT, Optional.empty()), nonce, expiresAt);
        return new Api.SubmitTask(escrowId, job, SettlementMode.FLAT, demander, nonce, expiresAt,
                crypto.sign(key.privateKey(), hash), Optional.empty());
    }

    private static HttpResponse<String> post(RelayerApp app, Api.SubmitTask body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(app.uri().resolve("/api/v1/tasks")).timeout(WAIT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ProtocolCodec.create().toJson(body))).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static String metrics(RelayerApp app) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(app.uri().resolve("/api/v1/metrics")).timeout(WAIT).GET().build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aDemanderWhoseAccountExposesNoKeyIsCheckedByItsAccountsIsValidSignatureAndItsTaskCompletes() throws Exception {
        try (StarknetEscrow provider = account(PROVIDER, providerKey);
                StarknetEscrow demander = account(SNIP6_DEMANDER, snip6Key)) {
            provider.registerNode();
            provider.setProviderPublicKey(providerKey.publicKey());
            assertThat(demander.accountPublicKey(SNIP6_DEMANDER)).as("no get_public_key").isEmpty();
            try (RelayerApp app = start(env(PASSPHRASE)); SmainerClient client = client(app, demander, snip6Key)) {
                ProviderNode providerNode = loggedInProvider(app, provider, "snip6-it");
                try {
                    JobSpec job = Jobs.sha256Batch(List.of("asked the account".getBytes(StandardCharsets.UTF_8)));
                    CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.PRO, job);
                    int signatureChecks = isValidSignatureCalls(SNIP6_DEMANDER);

                    Api.TaskCreated created = client.submit(funded.escrowId(), job);

                    assertThat(isValidSignatureCalls(SNIP6_DEMANDER) - signatureChecks)
                            .as("the relayer asked the account once").isEqualTo(1);
                    Await.until(WAIT, () -> client.task(created.taskId()).nodeId().isPresent(), () -> "task assigned");
                    Api.TaskResult result = client.awaitResult(created.taskId(), WAIT);
                    assertThat(Jobs.readSha256BatchOutput(job, result.result()).get(0)).isEqualTo(MessageDigest
                            .getInstance("SHA-256").digest("asked the account".getBytes(StandardCharsets.UTF_8)));
                    Await.until(WAIT, () -> demander.getTask(funded.escrowId()).orElseThrow().status() == EscrowStatus.COMPLETED,
                            () -> "escrow " + funded.escrowId() + " settled on the node");
                    assertThat(metrics(app)).as("the request, and the reads of the task: SmainerClient reuses its read"
                            + " signature and the relayer remembers it, one check for them all")
                            .contains("smainer_account_signature_checks_total{outcome=\"accepted\"} 2.0\n");
                } finally {
                    providerNode.close(Duration.ZERO);
                }
            }
        }
    }

    @Test
    void aSignatureByAnotherKeyIsRefusedByTheAccountNamingTheSignatureField() throws Exception {
        KeyPair otherKey = KeyPair.generate(random, crypto);
        try (StarknetEscrow demander = account(SNIP6_DEMANDER, snip6Key);
                RelayerApp app = start(env(PASSPHRASE));
                SmainerClient wrongKey = client(app, demander, otherKey);
                SmainerClient rightKey = client(app, demander, snip6Key)) {
            JobSpec job = Jobs.sha256Batch(List.of("wrong key".getBytes(StandardCharsets.UTF_8)));
            CreatedTask funded = rightKey.createEscrow(TokenAmount.parseStrk("0.5"), Tier.BASIC, job);

            assertThatThrownBy(() -> wrongKey.submit(funded.escrowId(), job)).isInstanceOfSatisfying(
                    RelayerApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.body().error()).isEqualTo("invalid_signature");
                        assertThat(e.body().field()).contains("signature");
                        assertThat(e.body().message()).contains("got one it refuses (is_valid_signature returned 0x0)");
                    });
            assertThat(metrics(app)).contains("smainer_account_signature_checks_total{outcome=\"refused\"} 1.0\n");
            // the refusal consumed nothing: the owner's own request for the same escrow is accepted
            assertThat(rightKey.submit(funded.escrowId(), job).status()).isEqualTo(TaskStatus.PENDING);
        }
    }

    @Test
    void whenTheChainCannotBeAskedTheRequestIsNotRefusedNothingIsRecordedAndTheSameRequestSucceedsLater()
            throws Exception {
        int port = node.port();
        try (StarknetEscrow demander = account(SNIP6_DEMANDER, snip6Key);
                RelayerApp app = start(env(PASSPHRASE));
                SmainerClient client = client(app, demander, snip6Key)) {
            JobSpec first = Jobs.sha256Batch(List.of("first".getBytes(StandardCharsets.UTF_8)));
            JobSpec second = Jobs.sha256Batch(List.of("second".getBytes(StandardCharsets.UTF_8)));
            CreatedTask escrowA = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.BASIC, first);
            CreatedTask escrowB = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.BASIC, second);
            // the account is known to report no key now (remembered for a minute): the next request goes to SNIP-6
            assertThat(client.submit(escrowA.escrowId(), first).status()).isEqualTo(TaskStatus.PENDING);
            Api.SubmitTask retried = request(SNIP6_DEMANDER, snip6Key, escrowB.escrowId(), second,
                    Felt.of(0x5ca1ab1e));

            String rpcUrl = node.url().toString();
            node.close();
            HttpResponse<String> down = post(app, retried);

            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("Retry-After")).isPresent();
            Api.ErrorBody error = ProtocolCodec.create().fromJson(down.body(), Api.ErrorBody.class);
            assertThat(error.error()).isEqualTo("account_check_unavailable");
            assertThat(error.message()).startsWith("demander: the chain could not be asked about account "
                    + SNIP6_DEMANDER.hex() + ", whether it accepts the signature (is_valid_signature)")
                    .contains("nothing was recorded").doesNotContain(rpcUrl);
            assertThat(metrics(app)).contains("smainer_account_signature_checks_total{outcome=\"unavailable\"} 1.0\n")
                    .contains("smainer_account_signature_checks_total{outcome=\"refused\"} 0.0\n");

            node = TestRpcNode.builder().ledger(ledger).crypto(crypto).port(port).start();
            node.addAccount(RELAYER, relayerKey.publicKey());
            node.addAccount(SNIP6_DEMANDER, snip6Key.publicKey(), LedgerRpcServer.AccountKind.SNIP6_ONLY);
            HttpResponse<String> back = post(app, retried);

            assertThat(back.statusCode()).as(back.body()).isEqualTo(201); // a new task: the nonce was unused, no task stored
            assertThat(ProtocolCodec.create().fromJson(back.body(), Api.TaskCreated.class).status())
                    .isEqualTo(TaskStatus.PENDING);
        }
    }

    @Test
    void anAddressThatCannotAnswerIsAnUnknownAccountNotABadSignature() throws Exception {
        JobSpec job = Jobs.sha256Batch(List.of("nobody".getBytes(StandardCharsets.UTF_8)));
        ContractAddress nobody = ContractAddress.of(0x2bad);
        try (RelayerApp app = start(env(PASSPHRASE))) {
            // no contract at the address
            HttpResponse<String> undeployed = post(app, request(nobody, snip6Key, U256.of(1), job, Felt.of(1)));
            // a contract without a signature check (the token)
            HttpResponse<String> noCheck = post(app, request(ledger.token(), snip6Key, U256.of(1), job, Felt.of(2)));

            for (HttpResponse<String> r : List.of(undeployed, noCheck)) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
                Api.ErrorBody e = ProtocolCodec.create().fromJson(r.body(), Api.ErrorBody.class);
                assertThat(e.error()).isEqualTo("unknown_account");
                assertThat(e.field()).contains("demander");
            }
            assertThat(ProtocolCodec.create().fromJson(undeployed.body(), Api.ErrorBody.class).message())
                    .isEqualTo("demander: no public key is registered with this relayer for " + nobody.hex()
                            + ", and no account contract is deployed there");
            assertThat(ProtocolCodec.create().fromJson(noCheck.body(), Api.ErrorBody.class).message())
                    .endsWith("and its account answers neither get_public_key nor is_valid_signature (SNIP-6)");
            assertThat(metrics(app)).contains("smainer_account_signature_checks_total{outcome=\"unsupported\"} 2.0\n");
        }
    }

    @Test
    void demanderAddressesRotatedFromOneClientAddressAreRefusedWith429BeforeAnyChainCall() throws Exception {
        Files.writeString(properties, Files.readString(properties)
                + "limits.ip_rate_per_second=1\nlimits.ip_rate_burst=10\n");
        JobSpec job = Jobs.sha256Batch(List.of("rotating".getBytes(StandardCharsets.UTF_8)));
        try (RelayerApp app = start(env(PASSPHRASE))) {
            int refused = 0;
            int answered = 0;
            for (int i = 0; i < 40; i++) {
                // a new address each time: the per-address limit never sees one twice
                ContractAddress junk = ContractAddress.of(0x7000 + i);
                int callsBefore = node.callCount("starknet_call");
                HttpResponse<String> r = post(app, request(junk, snip6Key, U256.of(1), job, Felt.of(i + 1)));
                int calls = node.callCount("starknet_call") - callsBefore;
                boolean askedAboutJunk = node.observedCalls().stream().anyMatch(o -> o.call().to().equals(junk));
                Api.ErrorBody e = ProtocolCodec.create().fromJson(r.body(), Api.ErrorBody.class);
                if (r.statusCode() == 429) {
                    refused++;
                    assertThat(e.error()).isEqualTo("rate_limited");
                    assertThat(e.message()).contains("from client address 127.0.0.1 without an API key")
                            .contains("limits.ip_rate_per_second");
                    assertThat(r.headers().firstValue("Retry-After")).contains("1");
                    assertThat(calls).as("request %d: no chain call for a refused request", i).isZero();
                    assertThat(askedAboutJunk).isFalse();
                } else {
                    answered++;
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(401); // no account at the address
                    assertThat(e.error()).isEqualTo("unknown_account");
                    assertThat(calls).as("what each junk request costs when it is not refused").isEqualTo(2);
                }
            }
            assertThat(answered).as("the burst, and what refilled at 1/s meanwhile").isBetween(10, 15);
            assertThat(refused).isEqualTo(40 - answered);
            assertThat(metrics(app)).contains("smainer_http_rate_limited_total{limit=\"submit_ip\"} " + refused + ".0\n");
        }
    }

    @Test
    void aNodeThatHangsOnTheAccountIsAnswered503AtTheAccountCheckDeadlineAndTheSameRequestSucceedsOnceItAnswers()
            throws Exception {
        Duration deadline = Duration.ofMillis(600);
        Files.writeString(properties, Files.readString(properties)
                + "starknet.account_check_timeout_millis=" + deadline.toMillis() + "\n");
        try (StarknetEscrow demander = account(SNIP6_DEMANDER, snip6Key);
                RelayerApp app = start(env(PASSPHRASE));
                SmainerClient client = client(app, demander, snip6Key)) {
            JobSpec first = Jobs.sha256Batch(List.of("hung first".getBytes(StandardCharsets.UTF_8)));
            JobSpec second = Jobs.sha256Batch(List.of("hung second".getBytes(StandardCharsets.UTF_8)));
            CreatedTask escrowA = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.BASIC, first);
            CreatedTask escrowB = client.createEscrow(TokenAmount.parseStrk("0.5"), Tier.BASIC, second);
            Api.SubmitTask a = request(SNIP6_DEMANDER, snip6Key, escrowA.escrowId(), first, Felt.of(0xa1));
            Api.SubmitTask b = request(SNIP6_DEMANDER, snip6Key, escrowB.escrowId(), second, Felt.of(0xb2));

            // the key lookup (get_public_key) hangs
            node.holdAccountCalls();
            long start = System.nanoTime();
            HttpResponse<String> lookupHung = post(app, a);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(lookupHung.statusCode()).as(lookupHung.body()).isEqualTo(503);
            assertThat(lookupHung.headers().firstValue("Retry-After")).isPresent();
            Api.ErrorBody error = ProtocolCodec.create().fromJson(lookupHung.body(), Api.ErrorBody.class);
            assertThat(error.error()).isEqualTo("account_check_unavailable");
            assertThat(error.message()).contains(SNIP6_DEMANDER.hex()).contains("its key (get_public_key)")
                    .contains("nothing was recorded");
            assertThat(node.heldAccountCalls()).isEqualTo(1);
            System.out.printf("get_public_key held: 503 after %d ms (deadline %d ms)%n", took.toMillis(), deadline.toMillis());
            assertThat(took).as("cut off at the account-check deadline, not the client's 30 s request limit")
                    .isGreaterThanOrEqualTo(deadline).isLessThan(Duration.ofSeconds(10));

            node.releaseAccountCalls();
            HttpResponse<String> answered = post(app, a);
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(201); // same nonce: it was unused

            // the account is now known to report no key: the next request asks it (SNIP-6), which hangs
            node.holdAccountCalls();
            start = System.nanoTime();
            HttpResponse<String> snip6Hung = post(app, b);
            took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(snip6Hung.statusCode()).as(snip6Hung.body()).isEqualTo(503);
            assertThat(ProtocolCodec.create().fromJson(snip6Hung.body(), Api.ErrorBody.class).message())
                    .contains("whether it accepts the signature (is_valid_signature)");
            assertThat(node.heldAccountCalls()).isEqualTo(2);
            System.out.printf("is_valid_signature held: 503 after %d ms (deadline %d ms)%n", took.toMillis(),
                    deadline.toMillis());
            assertThat(took).isGreaterThanOrEqualTo(deadline).isLessThan(Duration.ofSeconds(10));
            assertThat(metrics(app)).contains("smainer_account_signature_checks_total{outcome=\"unavailable\"} 1.0\n");

            node.releaseAccountCalls();
            HttpResponse<String> back = post(app, b);
            assertThat(back.statusCode()).as(back.body()).isEqualTo(201);
            assertThat(client.task(ProtocolCodec.create().fromJson(back.body(), Api.TaskCreated.class).taskId()).status())
                    .isEqualTo(TaskStatus.PENDING);
        }
    }

    private int isValidSignatureCalls(ContractAddress account) {
        Felt selector = Abi.selector("is_valid_signature");
        return (int) node.observedCalls().stream()
                .filter(o -> o.view() && o.call().to().equals(account) && o.call().selector().equals(selector)).count();
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
