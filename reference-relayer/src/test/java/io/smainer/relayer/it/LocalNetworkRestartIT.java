package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.RelayerApp;
import io.smainer.relayer.RelayerConfig;
import io.smainer.testing.Await;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./smainer relayer} restarted: the local network's development keys are the same (derived from a seed),
 * the ledger of the last run is loaded (balances, the task created over JSON-RPC, the nodes), and a provider
 * whose key was imported from the first run's accounts file logs in again.
 */
class LocalNetworkRestartIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();

    @TempDir
    Path dir;

    private RelayerApp start() {
        Map<String, String> settings = Map.of("host", "127.0.0.1", "port", "0", "local_chain.port", "0",
                "local_chain.accounts_file", dir.resolve("accounts.json").toString(), "settlement.max_delay_millis", "20");
        return RelayerApp.start(RelayerConfig.load(settings), Map.of(), text -> Optional.empty(), Clock.systemUTC());
    }

    private JsonObject accounts() throws Exception {
        return JsonParser.parseString(Files.readString(dir.resolve("accounts.json"))).getAsJsonObject();
    }

    private static JsonObject account(JsonObject file, String role) {
        for (var e : file.getAsJsonArray("accounts")) {
            if (e.getAsJsonObject().get("role").getAsString().equals(role)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no " + role + " in the accounts file");
    }

    private static StarknetEscrow client(JsonObject file, JsonObject account) {
        return StarknetEscrow.builder().rpcUrl(URI.create(file.get("rpc_url").getAsString()))
                .account(ContractAddress.parse(account.get("address").getAsString()))
                .privateKey(Felt.parse(account.get("private_key").getAsString()))
                .contract(ContractAddress.parse(file.get("escrow_contract").getAsString()))
                .token(ContractAddress.parse(file.get("token").getAsString()))
                .chainId(new ChainId(file.get("chain_id").getAsString()))
                .pollInterval(Duration.ofMillis(10)).build();
    }

    private static void logsIn(RelayerApp app, JsonObject provider) {
        KeyPair key = KeyPair.fromPrivateKey(Felt.parse(provider.get("private_key").getAsString()), CRYPTO);
        try (JavaJobRunner runner = JavaJobRunner.builder().workerThreads(1).computeThreads(1).build();
                ProviderNode node = ProviderNode.builder().relayer(app.uri())
                        .account(ContractAddress.parse(provider.get("address").getAsString()), key).runner(runner)
                        .tier(Tier.BASIC).crypto(CRYPTO).build().start()) {
            Await.until(WAIT, () -> node.status().state() == ProviderNode.State.READY, () -> "provider login: " + node.status());
        }
    }

    /** A provider whose key is not the one published on-chain is told so, and what to do. */
    @Test
    void aProviderWithAnotherKeyIsToldWhatToDo() throws Exception {
        try (RelayerApp app = start()) {
            JsonObject provider = account(accounts(), "provider");
            ContractAddress address = ContractAddress.parse(provider.get("address").getAsString());
            try (JavaJobRunner runner = JavaJobRunner.builder().workerThreads(1).computeThreads(1).build();
                    ProviderNode node = ProviderNode.builder().relayer(app.uri())
                            .account(address, KeyPair.fromPrivateKey(Felt.of(0x5eed), CRYPTO)).runner(runner)
                            .tier(Tier.BASIC).crypto(CRYPTO).build().start()) {
                Await.until(WAIT, () -> node.status().lastError().orElse("").contains("invalid_signature"),
                        () -> "login refused: " + node.status());
                assertThat(node.status().lastError().orElseThrow())
                        .contains("registered on-chain for " + address.hex() + " is " + provider.get("public_key").getAsString())
                        .contains("provider register");
            }
        }
    }

    @Test
    void keysLedgerAndTasksSurviveARestartAndAProviderLogsInAgain() throws Exception {
        JsonObject first;
        U256 taskId;
        TokenAmount demanderBalance;
        try (RelayerApp app = start()) {
            first = accounts();
            JsonObject demander = account(first, "demander");
            try (StarknetEscrow escrow = client(first, demander)) {
                CreatedTask task = escrow.createTask(escrow.token(), TokenAmount.parseStrk("1"), Tier.BASIC, Felt.of(42));
                taskId = task.taskId();
                demanderBalance = escrow.balanceOf(escrow.caller());
            }
            logsIn(app, account(first, "provider"));
        }
        assertThat(dir.resolve("ledger.json")).exists();

        try (RelayerApp app = start()) {
            JsonObject second = accounts();
            assertThat(second.getAsJsonArray("accounts")).as("the same development keys").isEqualTo(first.getAsJsonArray("accounts"));
            try (StarknetEscrow escrow = client(second, account(second, "demander"))) {
                assertThat(escrow.getTask(taskId)).as("the task of the first run").isPresent();
                assertThat(escrow.balanceOf(escrow.caller())).isEqualTo(demanderBalance);
                assertThat(escrow.taskCount()).isEqualTo(taskId);
            }
            logsIn(app, account(first, "provider"));
        }
    }
}
