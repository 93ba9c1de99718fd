package io.smainer.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Relayer configuration: layering, validation, masking. */
class ConfigTest {
    @Test
    void hasSafeDefaultsAndNoSecret() {
        RelayerConfig c = RelayerConfig.defaults();
        assertThat(c.port()).isEqualTo(8000);
        assertThat(c.heartbeat().toSeconds()).isEqualTo(30);
        assertThat(c.offlineAfter().toSeconds()).isEqualTo(90);
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.apiKeys()).isEmpty();
        assertThat(c.webhookSecrets()).isEmpty();
    }

    @Test
    void theEnvironmentOverridesTheFileWhichOverridesTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("relayer.properties");
        Files.writeString(file, "port=9000\nsettlement.batch_size=20\nname=from-file\n");
        RelayerConfig c = RelayerConfig.load(Optional.of(file), Map.of("SMAINER_PORT", "9100", "HOME", "/root",
                "SMAINER_SETTLEMENT_BATCH_SIZE", "30"));
        assertThat(c.port()).isEqualTo(9100);
        assertThat(c.batchSize()).isEqualTo(30);
        assertThat(c.name()).isEqualTo("from-file");
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
    void masksSecretsInItsDescription() {
        RelayerConfig c = RelayerConfig.load(Map.of("api_keys", "ops:0123456789abcdef0123", "webhook_secrets",
                "ops:fedcba9876543210fedcba"));
        assertThat(c.toString()).contains("ops:****").doesNotContain("0123456789abcdef0123")
                .doesNotContain("fedcba9876543210fedcba");
    }
}
