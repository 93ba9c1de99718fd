package io.smainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    private static final Settings SCHEMA = Settings.builder().keys(List.of("port", "api_key", "rpc_url", "batch.size", "mode",
            "address")).prefix("min.").hidden("api_key").masked("rpc_url", Settings::maskUrl).build();

    enum Mode { LOCAL, STARKNET }

    @TempDir
    Path dir;

    @Test
    void theEnvironmentOverridesTheFileAndOnlyVariablesNamingASettingAreRead() throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "PORT = 9000\nbatch.size=5\n");
        Settings.Reader r = SCHEMA.load(Optional.of(file), Map.of("SMAINER_PORT", " 9100 ", "SMAINER_MIN_MATMUL", "7",
                "SMAINER_KEYSTORE_PASSPHRASE", "not a setting", "SMAINER_OTHER_APP", "x", "HOME", "/root"));

        assertThat(r.get("port", 1, Settings.intIn(0, 65535))).isEqualTo(9100);
        assertThat(r.get("batch.size", 1, Settings.intIn(1, 10))).isEqualTo(5);
        assertThat(r.get("min.matmul", "0", v -> v)).isEqualTo("7");
        assertThat(r.given()).containsExactlyInAnyOrder("port", "batch.size", "min.matmul");
        r.done();
    }

    @Test
    void readsTheFileNamedBySmainerConfigWhenNoneIsGiven() throws Exception {
        Path file = dir.resolve("named.properties");
        Files.writeString(file, "mode=starknet\n");
        Settings.Reader r = SCHEMA.load(Optional.empty(), Map.of(Settings.CONFIG_ENV, file.toString()));
        assertThat(r.get("mode", Mode.LOCAL, Settings.oneOf(Mode.class))).isEqualTo(Mode.STARKNET);
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheSettingWhatWasExpectedAndWhatCame() {
        Path missing = dir.resolve("missing.properties");
        Settings.Reader r = SCHEMA.load(Optional.of(missing), Map.of());
        Settings.Reader s = SCHEMA.read(orderedOf("colour", "blue", "port", "70000", "api_key", "short-s3cret", "rpc_url",
                "ftp://h.example/k3y", "mode", "devnet", "address", "0xZZ"));
        s.get("port", 0, Settings.intIn(0, 65535));
        s.get("api_key", "", v -> {
            throw new IllegalArgumentException("at least 16 characters");
        });
        s.get("rpc_url", URI.create("http://x"), Settings.httpUrl("an http(s) URL"));
        s.get("mode", Mode.LOCAL, Settings.oneOf(Mode.class));
        s.get("address", ContractAddress.ZERO, ContractAddress::parse);

        assertThatThrownBy(r::done).isInstanceOf(ConfigException.class)
                .hasMessageContaining("config file " + missing + ": cannot be read");
        assertThatThrownBy(s::done).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).hasSize(6);
            assertThat(e.problems().subList(0, 5)).containsExactly(
                    "colour: unknown setting (known: port, api_key, rpc_url, batch.size, mode, address)",
                    "port: expected an integer in [0, 65535], got '70000'",
                    "api_key: expected at least 16 characters, got (hidden)",
                    "rpc_url: expected an http(s) URL, got 'ftp://h.example/****'",
                    "mode: expected local or starknet, got 'devnet'");
            assertThat(e.problems().get(5)).startsWith("address: expected ").endsWith(", got '0xZZ'")
                    .doesNotContain("address: expected address");
            assertThat(e.getMessage()).doesNotContain("short-s3cret").doesNotContain("k3y");
        });
    }

    @Test
    void describesEverySettingReadWithItsEffectiveValueInSchemaOrderAndNeverAHiddenOne() {
        Settings schema = Settings.builder().keys(List.of("port", "api_key", "rpc_url", "keys", "mode", "proxies"))
                .hidden("api_key", "keys").masked("rpc_url", Settings::maskUrl).masked("keys", Settings::maskPairValues)
                .unset("proxies", "(none: header ignored)").build();
        Settings.Reader r = schema.read(Map.of("rpc_url", "https://rpc.example.com/v0_8/k3y-s3cr3t", "api_key",
                "0123456789abcdef", "keys", "ops:fedcba9876543210,web:0011223344556677"));
        r.get("mode", Mode.LOCAL, Settings.oneOf(Mode.class));
        r.get("port", 8000, Settings.intIn(0, 65535));
        r.get("api_key", Optional.empty(), Optional::of);
        r.get("rpc_url", Optional.empty(), Optional::of);
        r.get("keys", Map.of(), v -> Map.of("parsed", v));
        r.get("proxies", List.of(), List::of);

        assertThat(r.description().shown()).containsExactly(Map.entry("port", "8000"), Map.entry("api_key", "(set, hidden)"),
                Map.entry("rpc_url", "https://rpc.example.com/****"), Map.entry("keys", "ops:****,web:****"),
                Map.entry("mode", "local"), Map.entry("proxies", "(none: header ignored)"));
        assertThat(r.description().only(k -> k.startsWith("p")).toString())
                .isEqualTo("port=8000, proxies=(none: header ignored)");
        assertThat(r.description().toString()).doesNotContain("k3y-s3cr3t", "0123456789abcdef", "fedcba9876543210");
    }

    @Test
    void masksAUrlsUserInfoPathAndQuery() {
        assertThat(Settings.maskUrl(URI.create("https://u:p@rpc.example.com:8443/v0_10/key?x=1")))
                .isEqualTo("https://rpc.example.com:8443/****");
        assertThat(Settings.maskUrl(URI.create("http://127.0.0.1:5050"))).isEqualTo("http://127.0.0.1:5050");
        assertThat(Settings.maskUrl("not a url")).isEqualTo("(unparseable URL)");
        assertThat(Settings.envName("settlement.batch_size")).isEqualTo("SMAINER_SETTLEMENT_BATCH_SIZE");
    }

    @Test
    void anApplicationsOwnVariablesWinOverTheSharedOnesAndAreNotReadAsSharedKeys() {
        Settings schema = Settings.builder().app("relayer").keys(List.of("port", "relayer_url", "name"))
                .prefix("price.min_base.").build();

        Map<String, String> read = schema.fromEnvironment(Map.of("SMAINER_PORT", "1", "SMAINER_RELAYER_PORT", "2",
                "SMAINER_RELAYER_URL", "ws://x", "SMAINER_NAME", "shared", "SMAINER_PROVIDER_NAME", "not mine",
                "SMAINER_RELAYER_PRICE_MIN_BASE_ECHO", "5", "SMAINER_RELAYER_CONFIG", "/x", "OTHER", "y"));

        assertThat(read).containsOnly(Map.entry("port", "2"), Map.entry("name", "shared"),
                Map.entry("price.min_base.echo", "5"));
        assertThat(schema.appEnvName("relayer_url")).isEqualTo("SMAINER_RELAYER_RELAYER_URL");
        assertThat(schema.appConfigEnv()).isEqualTo("SMAINER_RELAYER_CONFIG");
        Settings plain = Settings.builder().keys(List.of("relayer_url")).build();
        assertThat(plain.fromEnvironment(Map.of("SMAINER_RELAYER_URL", "ws://x"))).containsOnly(Map.entry("relayer_url", "ws://x"));
        assertThat(plain.appEnvName("relayer_url")).isEqualTo("SMAINER_RELAYER_URL");
    }

    private static Map<String, String> orderedOf(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
