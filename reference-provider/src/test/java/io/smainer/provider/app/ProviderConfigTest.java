package io.smainer.provider.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.TokenAmount;
import io.smainer.config.ConfigException;
import io.smainer.fee.Tier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderConfigTest {
    @TempDir
    Path home;

    @Test
    void hasDefaultsForEverySettingButNoPassphrase() {
        ProviderConfig c = ProviderConfig.load(Optional.empty(), Map.of(), home);

        assertThat(c.node().relayerUrl()).isEqualTo(URI.create("ws://127.0.0.1:8000/api/v1/ws"));
        assertThat(c.node().keystore()).isEqualTo(home.resolve(".smainer/provider.keystore"));
        assertThat(c.status().port()).isEqualTo(ProviderConfig.DEFAULT_STATUS_PORT);
        assertThat(c.node().runner()).isEqualTo(ProviderConfig.RunnerChoice.AUTO);
        assertThat(c.node().tier()).isEmpty();
        assertThat(c.node().concurrency()).isEmpty();
        assertThat(c.ollama().url()).isEmpty();
        assertThat(c.node().closeGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.node().minEffortBasePrice()).isEqualTo(TokenAmount.ZERO);
        assertThat(c.describe()).contains("keystore passphrase=(from SMAINER_KEYSTORE_PASSPHRASE or a prompt; never shown)");
    }

    @Test
    void theEnvironmentOverridesTheFileWhichOverridesTheDefaults() throws Exception {
        Path file = home.resolve("provider.properties");
        Files.writeString(file, "status.port=9999\nname=from-file\nrunner=java\n");

        ProviderConfig c = ProviderConfig.load(Optional.of(file),
                Map.of("SMAINER_STATUS_PORT", "0", "SMAINER_TIER", "pro", "PATH", "/usr/bin"), home);

        assertThat(c.status().port()).isZero();
        assertThat(c.node().name()).isEqualTo("from-file");
        assertThat(c.node().runner()).isEqualTo(ProviderConfig.RunnerChoice.JAVA);
        assertThat(c.node().tier()).contains(Tier.PRO);
    }

    @Test
    void theProvidersOwnVariablesWinOverTheSharedOnesAndTheRelayersAreNotRead() throws Exception {
        Path mine = home.resolve("provider.properties");
        Files.writeString(mine, "name=from-my-file\n");
        Path relayers = home.resolve("relayer.properties");
        Files.writeString(relayers, "settlement.batch_size=17\n"); // a relayer's file: unknown keys here
        Map<String, String> env = Map.of("SMAINER_NAME", "shared", "SMAINER_RELAYER_NAME", "relayer-a",
                "SMAINER_TIER", "basic", "SMAINER_PROVIDER_TIER", "pro", "SMAINER_STATUS_PORT", "0",
                "SMAINER_RELAYER_STATUS_PORT", "1", "SMAINER_CONFIG", relayers.toString(),
                "SMAINER_PROVIDER_CONFIG", mine.toString(), "SMAINER_PROVIDER_RELAYER_URL", "ws://10.0.0.7:8000/api/v1/ws");

        ProviderConfig c = ProviderConfig.load(Optional.empty(), env, home);

        assertThat(c.node().name()).as("the environment wins over the file, the shared name too").isEqualTo("shared");
        assertThat(c.node().tier()).contains(Tier.PRO);
        assertThat(c.status().port()).as("the shared name still works").isZero();
        assertThat(c.node().relayerUrl().toString()).isEqualTo("ws://10.0.0.7:8000/api/v1/ws");
        assertThat(ProviderConfig.load(Optional.empty(), Map.of("SMAINER_PROVIDER_CONFIG", mine.toString(),
                "SMAINER_CONFIG", relayers.toString()), home).node().name()).isEqualTo("from-my-file");
    }

    @Test
    void takesAMinimumEffortBasePriceInBaseUnitsAndNamesABadOne() {
        ProviderConfig c = ProviderConfig.load(Optional.empty(), Map.of("SMAINER_PRICE_MIN_EFFORT_BASE", "50000000000000000"),
                home);
        assertThat(c.node().minEffortBasePrice()).isEqualTo(TokenAmount.parseStrk("0.05"));
        assertThat(c.describe()).contains("price.min_effort_base=50000000000000000");
        assertThatThrownBy(() -> ProviderConfig.of(Map.of("price.min_effort_base", "0.05 STRK"), home))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("price.min_effort_base: expected")
                .hasMessageContaining("got '0.05 STRK'");
    }

    @Test
    void readsTheFileNamedBySmainerConfig() throws Exception {
        Path file = home.resolve("p.properties");
        Files.writeString(file, "relayer_url=http://relayer.example:8001\n");

        ProviderConfig c = ProviderConfig.load(Optional.empty(), Map.of("SMAINER_CONFIG", file.toString()), home);

        assertThat(c.node().relayerUrl()).isEqualTo(URI.create("ws://relayer.example:8001/api/v1/ws"));
    }

    @Test
    void reportsEveryProblemAtOnceNamingEachSettingAndValue() {
        assertThatThrownBy(() -> ProviderConfig.of(Map.of(
                "relayer_url", "ftp://relayer:21",
                "status.port", "70000",
                "runner", "quantum",
                "tier", "platinum",
                "ollama.url", "localhost:11434",
                "concurrency", "0",
                "colour", "blue"), home))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(7))
                .hasMessageContaining("relayer_url: expected a relayer address such as ws://host:8000/api/v1/ws or "
                        + "http://host:8000, got 'ftp://relayer:21'")
                .hasMessageContaining("status.port: expected an integer in [0, 65535], got '70000'")
                .hasMessageContaining("runner: expected auto, java or gpu, got 'quantum'")
                .hasMessageContaining("tier: expected auto, basic, pro or premium, got 'platinum'")
                .hasMessageContaining("ollama.url: expected an http(s) URL")
                .hasMessageContaining("concurrency: expected an integer in [1, 1024], got '0'")
                .hasMessageContaining("colour: unknown setting");
    }

    @Test
    void masksAnRpcUrlsPathWhereProvidersPutApiKeys() {
        ProviderConfig c = ProviderConfig.of(Map.of("rpc_url", "https://starknet.example.com/v0_10/s3cr3tK3y"), home);

        assertThat(c.describe()).contains("rpc_url=https://starknet.example.com/****").doesNotContain("s3cr3tK3y");
        assertThat(c.toString()).doesNotContain("s3cr3tK3y");
        assertThatThrownBy(() -> ProviderConfig.of(Map.of("rpc_url", "ftp://x.example/s3cr3tK3y"), home))
                .hasMessageNotContaining("s3cr3tK3y");
    }

    @Test
    void aPassphraseInTheEnvironmentIsNotASettingAndOtherModulesVariablesAreIgnored() {
        ProviderConfig c = ProviderConfig.load(Optional.empty(), Map.of("SMAINER_KEYSTORE_PASSPHRASE", "hunter22hunter",
                "SMAINER_REDIS_URI", "redis://x"), home);

        assertThat(c.toString()).doesNotContain("hunter22hunter");
    }
}
