package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Ledger;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.LocalChain;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerConfig;
import io.smainer.relayer.intake.AccountKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./smainer submit} against a local network whose chain is served over Starknet JSON-RPC: the
 * demander funds its escrow through the Starknet client (not the ledger directly), a provider logs in with
 * a development account from the accounts file, and the result comes back checked.
 */
class SubmitCommandIT {

    @Test
    void submitFundsOverJsonRpcAndGetsACheckedResult(@TempDir Path dir) throws Exception {
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        ContractAddress relayerAccount = ContractAddress.of(0x5e1a7e5);
        Ledger ledger = Ledger.builder().owner(ContractAddress.of(0xa11)).relayer(relayerAccount)
                .treasury(ContractAddress.of(0x7ea5)).crypto(crypto).build();
        Path accounts = dir.resolve("local").resolve("accounts.json");
        try (LocalChain chain = LocalChain.start(ledger, 0, crypto);
                Relayer relayer = Relayer.builder()
                        .config(RelayerConfig.load(Map.of("host", "127.0.0.1", "port", "0", "settlement.max_delay_millis", "20")))
                        .escrow(ledger.client(relayerAccount)).crypto(crypto)
                        .accountKeys(AccountKeys.of(chain.demanderKeys())).build().start()) {
            chain.writeAccounts(accounts, relayerAccount, relayer.uri());
            assertThat(Files.getPosixFilePermissions(accounts)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            JsonObject provider = account(accounts, "provider");
            ContractAddress address = ContractAddress.parse(provider.get("address").getAsString());
            KeyPair key = KeyPair.fromPrivateKey(Felt.parse(provider.get("private_key").getAsString()), crypto);
            try (JavaJobRunner runner = JavaJobRunner.create();
                    ProviderNode node = ProviderNode.builder()
                            .relayer(URI.create("ws://127.0.0.1:" + relayer.port() + "/api/v1/ws"))
                            .account(address, key).runner(runner).tier(Tier.BASIC).crypto(crypto).build().start()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                int code = SubmitCommand.run(new String[] {"--accounts", accounts.toString(), "--kind", "sha256", "--n", "4",
                        "--wait", "60"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
                String out = bytes.toString(StandardCharsets.UTF_8);
                assertThat(code).as(out).isZero();
                assertThat(out).contains("escrow 1 funded with 0.1 STRK").contains("check: passed")
                        .contains("demander balance now 999.9 STRK");
                assertThat(chain.rpcUrl().getPort()).isPositive();
            }
        }
    }

    @Test
    void withoutALocalNetworkItSaysHowToStartOne(@TempDir Path dir) {
        assertThatThrownBy(() -> SubmitCommand.run(new String[] {"--accounts", dir.resolve("none.json").toString()},
                new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--accounts: cannot read")
                .hasMessageContaining("./smainer relayer");
    }

    private static JsonObject account(Path file, String role) throws Exception {
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        for (JsonElement a : root.getAsJsonArray("accounts")) {
            if (role.equals(a.getAsJsonObject().get("role").getAsString())) {
                return a.getAsJsonObject();
            }
        }
        throw new AssertionError("no " + role + " account in " + file);
    }
}
