package io.smainer.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ChainId;
import io.smainer.chain.TokenAmount;
import io.smainer.config.ConfigException;
import io.smainer.relayer.scheduling.Scheduler;
import io.smainer.relayer.settlement.Settler;
import io.smainer.relayer.store.Retention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Relayer configuration: layering, validation, masking. */
class ConfigTest {
    @Test
    void hasSafeDefaultsAndNoSecret() {
        RelayerConfig c = RelayerConfig.defaults();
        assertThat(c.server().port()).isEqualTo(8000);
        assertThat(c.scheduling().heartbeat().toSeconds()).isEqualTo(30);
        assertThat(c.scheduling().offlineAfter().toSeconds()).isEqualTo(90);
        assertThat(c.scheduling().maxAttempts()).isEqualTo(3);
        assertThat(c.access().apiKeys()).isEmpty();
        assertThat(c.webhook().secrets()).isEmpty();
    }

    @Test
    void limitsSubmissionsPerClientAddressTrustsNoProxyAndCutsAccountChecksShortByDefault() {
        RelayerConfig c = RelayerConfig.defaults();
        assertThat(c.limits().ipRatePerSecond()).isEqualTo(1000);
        assertThat(c.limits().ipRateBurst()).isEqualTo(2000);
        assertThat(c.limits().trustedProxies()).isEmpty();
        assertThat(c.chain().accountCheckTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.chain().accountChecksInFlight()).isEqualTo(64);
        assertThat(c.toString()).contains("limits.ip_rate_per_second=1000", "limits.ip_rate_burst=2000")
                .contains("limits.trusted_proxies=(none: X-Forwarded-For ignored)");
    }

    @Test
    void readsTheClientAddressLimitAndTheTrustedProxiesAndNamesABadOne() {
        RelayerConfig c = RelayerConfig.load(Map.of("limits.ip_rate_per_second", "0", "limits.trusted_proxies",
                "10.0.0.5, 192.168.0.0/16", "starknet.account_check_timeout_millis", "1500"));
        assertThat(c.limits().ipRatePerSecond()).isZero();
        assertThat(c.toString()).contains("limits.ip_rate_per_second=0");
        assertThat(c.limits().trustedProxies()).containsExactly("10.0.0.5", "192.168.0.0/16");
        assertThat(c.chain().accountCheckTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("limits.trusted_proxies", "proxy.internal",
                "starknet.account_check_timeout_millis", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("limits.trusted_proxies").hasMessageContaining("'proxy.internal'")
                .hasMessageContaining("starknet.account_check_timeout_millis");
    }

    @Test
    void keepsFinishedTasksAnHourAndAtMostAHundredThousandByDefaultAndNamesABadRetention() {
        RelayerConfig c = RelayerConfig.defaults();
        assertThat(c.store().retention()).isEqualTo(Retention.DEFAULT);
        assertThat(c.store().retention().finishedFor()).isEqualTo(Duration.ofHours(1));
        assertThat(c.store().retention().maxFinished()).isEqualTo(100_000);
        assertThat(c.toString()).contains("store.finished_retention_seconds=3600", "store.max_finished_tasks=100000");
        RelayerConfig set = RelayerConfig.load(Map.of("store.finished_retention_seconds", "600",
                "store.max_finished_tasks", "5000"));
        assertThat(set.store().retention()).isEqualTo(new Retention(Duration.ofMinutes(10), 5000));
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("store.finished_retention_seconds", "0",
                "store.max_finished_tasks", "-3")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).contains(
                        "store.finished_retention_seconds: expected an integer in [1, 2678400], got '0'",
                        "store.max_finished_tasks: expected an integer in [1, 100000000], got '-3'"));
        assertThat(RelayerConfig.settings()).contains("store.finished_retention_seconds", "store.max_finished_tasks");
    }

    @Test
    void boundsTheBytesOfQueuedAndFinishedTasksTo256MiBByDefaultAndNamesABadBudget() {
        RelayerConfig c = RelayerConfig.defaults();
        assertThat(c.limits().maxQueuedBytes()).isEqualTo(268_435_456L);
        assertThat(c.store().retention().maxFinishedBytes()).isEqualTo(268_435_456L);
        assertThat(c.toString()).contains("store.max_finished_bytes=268435456", "limits.max_queued_bytes=268435456");
        RelayerConfig set = RelayerConfig.load(Map.of("store.max_finished_bytes", "2147483648",
                "limits.max_queued_bytes", "8388608"));
        assertThat(set.store().retention().maxFinishedBytes()).isEqualTo(2_147_483_648L);
        assertThat(set.limits().maxQueuedBytes()).isEqualTo(8_388_608L);
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("store.max_finished_bytes", "1000",
                "limits.max_queued_bytes", "lots")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).contains(
                        "store.max_finished_bytes: expected an integer in [1048576, 1099511627776], got '1000'",
                        "limits.max_queued_bytes: expected an integer in [1048576, 1099511627776], got 'lots'"));
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("limits.max_queued_bytes", "4194304")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "limits.max_queued_bytes: expected at least limits.max_body_bytes (8388608), so that any task the"
                                + " body limit lets in fits, got 4194304"));
        assertThat(RelayerConfig.settings()).contains("store.max_finished_bytes", "limits.max_queued_bytes");
    }

    @Test
    void theEnvironmentOverridesTheFileWhichOverridesTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("relayer.properties");
        Files.writeString(file, "port=9000\nsettlement.batch_size=20\nname=from-file\n");
        RelayerConfig c = RelayerConfig.load(Optional.of(file), Map.of("SMAINER_PORT", "9100", "HOME", "/root",
                "SMAINER_SETTLEMENT_BATCH_SIZE", "30"));
        assertThat(c.server().port()).isEqualTo(9100);
        assertThat(c.settlement().batchSize()).isEqualTo(30);
        assertThat(c.server().name()).isEqualTo("from-file");
    }

    @Test
    void theRelayersOwnVariablesWinOverTheSharedOnesAndTheProvidersAreNotRead(@TempDir Path dir) throws Exception {
        Path mine = dir.resolve("relayer.properties");
        Files.writeString(mine, "settlement.batch_size=17\n");
        Path providers = dir.resolve("provider.properties");
        Files.writeString(providers, "status.port=9470\n"); // a provider's file: unknown keys for the relayer
        Map<String, String> env = Map.of("SMAINER_NAME", "shared-name", "SMAINER_RELAYER_NAME", "relayer-a",
                "SMAINER_PORT", "9100", "SMAINER_PROVIDER_PORT", "9200", "SMAINER_PROVIDER_NAME", "provider-b",
                "SMAINER_CONFIG", providers.toString(), "SMAINER_RELAYER_CONFIG", mine.toString(),
                "SMAINER_RELAYER_PRICE_MIN_BASE_MATMUL", "7", "SMAINER_PRICE_MIN_BASE_MATMUL", "5");

        RelayerConfig c = RelayerConfig.load(Optional.empty(), env);

        assertThat(c.server().name()).isEqualTo("relayer-a");
        assertThat(c.server().port()).as("the shared name still works").isEqualTo(9100);
        assertThat(c.settlement().batchSize()).as("SMAINER_RELAYER_CONFIG over SMAINER_CONFIG").isEqualTo(17);
        assertThat(c.access().minBaseFor("matmul")).isEqualTo(TokenAmount.ofBaseUnits(7));
        assertThat(RelayerConfig.envName("settlement.batch_size")).isEqualTo("SMAINER_RELAYER_SETTLEMENT_BATCH_SIZE");
    }

    @Test
    void reportsEveryProblemAtOnceWithoutShowingSecrets() {
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("port", "70000", "max_attempts", "zero", "api_keys",
                "ops:short-secret", "colour", "blue")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(4);
                    assertThat(e.getMessage()).contains("port").contains("max_attempts").contains("api_keys")
                            .contains("colour").doesNotContain("short-secret");
                });
    }

    @Test
    void describesEverySettingFromTheSchemaWithTheComponentsOwnDefaults() {
        RelayerConfig c = RelayerConfig.defaults();
        assertThat(c.description().shown().keySet()).containsExactlyElementsOf(RelayerConfig.settings());
        assertThat(c.description().shown()).contains(
                Map.entry("max_attempts", Integer.toString(Scheduler.DEFAULT_MAX_ATTEMPTS)),
                Map.entry("settlement.batch_size", Integer.toString(Settler.DEFAULT_BATCH_SIZE)),
                Map.entry("settlement.lease_millis", Long.toString(Settler.DEFAULT_LEASE_TTL.toMillis())),
                Map.entry("store.max_finished_tasks", Integer.toString(Retention.DEFAULT_MAX_FINISHED)),
                Map.entry("redis.uri", "(none: in-memory store)"), Map.entry("chain", "local"));
        assertThat(c.scheduling().offlineAfter()).isEqualTo(Scheduler.DEFAULT_OFFLINE_AFTER);
        assertThat(c.scheduling().deadlineGrace()).isEqualTo(Scheduler.DEFAULT_DEADLINE_GRACE);
        assertThat(c.settlement().batchDelay()).isEqualTo(Settler.DEFAULT_MAX_DELAY);
    }

    @Test
    void masksSecretsInItsDescription() {
        RelayerConfig c = RelayerConfig.load(Map.of("api_keys", "ops:0123456789abcdef0123", "webhook_secrets",
                "ops:fedcba9876543210fedcba"));
        assertThat(c.toString()).contains("ops:****").doesNotContain("0123456789abcdef0123")
                .doesNotContain("fedcba9876543210fedcba");
    }

    @Test
    void settlesOnTheLocalLedgerUnlessToldOtherwise() {
        RelayerConfig c = RelayerConfig.defaults();
        assertThat(c.chain().mode()).isEqualTo(RelayerConfig.ChainMode.LOCAL);
        assertThat(c.chain().chainId()).isEqualTo(ChainId.LOCAL);
        assertThat(c.chain().rpcUrl()).isEmpty();
        assertThat(c.chain().keystore()).isEmpty();
        assertThat(c.toString()).contains("chain=local").doesNotContain("rpc_url");
    }

    @Test
    void starknetModeNeedsAnRpcUrlAndAKeystoreAndNamesBoth() {
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("chain", "starknet")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "rpc_url: expected an http(s) URL of a Starknet JSON-RPC endpoint with chain=starknet, got nothing",
                        "keystore: expected the settlement account's keystore file with chain=starknet (create one with "
                                + "'relayer keystore'), got nothing"));
    }

    @Test
    void refusesAnUnknownChainModeAndABadRpcUrlWithoutEchoingItsPath() {
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("chain", "devnet", "rpc_url", "ftp://rpc.example/k3y-s3cr3t",
                "contract_address", "0xZZ", "starknet.poll_millis", "1")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).contains("chain: expected local or starknet, got 'devnet'",
                            "rpc_url: expected an http(s) URL of a Starknet JSON-RPC endpoint, got 'ftp://rpc.example/****'",
                            "starknet.poll_millis: expected an integer in [10, 60000], got '1'");
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("contract_address: expected ")
                            .endsWith("got '0xZZ'"));
                    assertThat(e.getMessage()).doesNotContain("k3y-s3cr3t");
                });
    }

    @Test
    void readsStarknetModeFromTheEnvironmentExpectingMainnetAndNeverTakesThePassphraseAsASetting() {
        RelayerConfig c = RelayerConfig.load(Optional.empty(), Map.of("SMAINER_CHAIN", "starknet",
                "SMAINER_RPC_URL", "https://rpc.example.com/v0_10/k3y-s3cr3t", "SMAINER_KEYSTORE", "/etc/smainer/relayer.keystore",
                "SMAINER_KEYSTORE_PASSPHRASE", "hunter22hunter", "SMAINER_PRICE_MIN_BASE_MATMUL", "7"));
        assertThat(c.chain().mode()).isEqualTo(RelayerConfig.ChainMode.STARKNET);
        assertThat(c.chain().chainId()).isEqualTo(ChainId.MAINNET);
        assertThat(c.chain().keystore()).contains(Path.of("/etc/smainer/relayer.keystore"));
        assertThat(c.access().minBaseFor("matmul")).isEqualTo(TokenAmount.ofBaseUnits(7));
        assertThat(c.toString()).contains("chain=starknet", "rpc_url=https://rpc.example.com/****", "SMAINER_KEYSTORE_PASSPHRASE")
                .doesNotContain("k3y-s3cr3t").doesNotContain("hunter22hunter");
    }

    @Test
    void aStarknetChainIdGivenIsKept() {
        RelayerConfig c = RelayerConfig.load(Map.of("chain", "starknet", "rpc_url", "http://127.0.0.1:5050/rpc",
                "keystore", "r.keystore", "chain_id", "SN_SEPOLIA"));
        assertThat(c.chain().chainId()).isEqualTo(ChainId.SEPOLIA);
    }
}
