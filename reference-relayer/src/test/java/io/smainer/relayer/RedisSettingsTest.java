package io.smainer.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.config.ConfigException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Redis settings of {@link RelayerConfig}. */
class RedisSettingsTest {
    @Test
    void usesTheMemoryStoreUnlessARedisUriIsGiven() {
        RelayerConfig c = RelayerConfig.defaults();
        assertThat(c.store().redisUri()).isEmpty();
        assertThat(c.store().redisPrefix()).isEqualTo("smainer:");
        assertThat(c.toString()).contains("redis.uri=(none: in-memory store)");
    }

    @Test
    void readsTheUriAndPrefixFromTheEnvironment() {
        RelayerConfig c = RelayerConfig.load(Optional.empty(),
                Map.of("SMAINER_REDIS_URI", "redis://127.0.0.1:6380/2", "SMAINER_REDIS_PREFIX", "eu-1:"));
        assertThat(c.store().redisUri()).contains("redis://127.0.0.1:6380/2");
        assertThat(c.store().redisPrefix()).isEqualTo("eu-1:");
    }

    @Test
    void masksARedisPasswordInItsDescription() {
        RelayerConfig c = RelayerConfig.load(Map.of("redis.uri", "redis://default:hunter2-secret@10.0.0.5:6379/0"));
        assertThat(c.store().redisUri()).contains("redis://default:hunter2-secret@10.0.0.5:6379/0");
        assertThat(c.toString()).contains("redis.uri=redis://****@10.0.0.5:6379/0").doesNotContain("hunter2");
    }

    @Test
    void refusesAUriThatIsNotRedisWithoutEchoingIt() {
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("redis.uri", "http://user:pw-secret@host", "redis.prefix", "a b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis.uri: expected a redis:// or rediss:// URI, got (hidden)")
                .hasMessageContaining("redis.prefix")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw-secret"));
    }

    @Test
    void aClusterNeedsAPrefixWithAHashTagAndRefusesOtherwiseNamingTheSettings() {
        RelayerConfig c = RelayerConfig.load(Map.of("redis.uri", "redis://10.0.0.1:7000,10.0.0.2:7000", "redis.cluster",
                "true", "redis.prefix", "{smainer}:"));
        assertThat(c.store().redisCluster()).isTrue();
        assertThat(c.store().redisPrefix()).isEqualTo("{smainer}:");
        assertThat(RelayerConfig.defaults().store().redisCluster()).isFalse();
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("redis.uri", "redis://10.0.0.1:7000", "redis.cluster", "true")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis.prefix: with redis.cluster=true every key must be in one slot, so the prefix"
                        + " needs a hash tag such as {smainer}: (got smainer:)");
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("redis.uri", "redis://10.0.0.1:7000", "redis.cluster", "true",
                "redis.prefix", "{}:"))).isInstanceOf(ConfigException.class).hasMessageContaining("redis.prefix: with");
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("redis.cluster", "true", "redis.prefix", "{smainer}:")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.cluster: set redis.uri");
        assertThatThrownBy(() -> RelayerConfig.load(Map.of("redis.uri", "redis://10.0.0.1:7000", "redis.cluster", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.cluster");
    }
}
