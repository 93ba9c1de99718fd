package io.smainer.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.provider.internal.Backoff;
import io.smainer.provider.internal.RelayerUris;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProviderNodeBuilderTest {
    private static final KeyPair KEYS = KeyPair.generate(new SecureRandom(), StarkCrypto.defaultCrypto());

    @Test
    void addsTheWebSocketPathToABareRelayerAddress() {
        assertThat(RelayerUris.webSocketUri("relayer_url", "http://relayer.example:8000"))
                .isEqualTo(URI.create("ws://relayer.example:8000/api/v1/ws"));
        assertThat(RelayerUris.webSocketUri("relayer_url", "https://relayer.example/"))
                .isEqualTo(URI.create("wss://relayer.example/api/v1/ws"));
        assertThat(RelayerUris.webSocketUri("relayer_url", "ws://10.0.0.1:9000/custom/ws"))
                .isEqualTo(URI.create("ws://10.0.0.1:9000/custom/ws"));
    }

    @Test
    void refusesABadRelayerAddressNamingTheSettingAndTheAddress() {
        for (String bad : new String[] {"ftp://relayer:21", "relayer:8000", "not a url", "http://", ""}) {
            assertThatThrownBy(() -> ProviderNode.builder().relayer(bad))
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("relayer_url")
                    .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("relayer_url"));
        }
        assertThatThrownBy(() -> ProviderNode.builder().relayer("ftp://relayer:21")).hasMessageContaining("ftp://relayer:21");
    }

    @Test
    void refusesToBuildWithoutARunnerAnAccountOrASaneConcurrency() {
        assertThatThrownBy(() -> ProviderNode.builder().account(ContractAddress.of(1), KEYS).build())
                .hasMessageContaining("relayer_url");
        assertThatThrownBy(() -> ProviderNode.builder().relayer("ws://h:1").build()).hasMessageContaining("account");
        assertThatThrownBy(() -> ProviderNode.builder().relayer("ws://h:1").account(ContractAddress.of(1), KEYS).build())
                .hasMessageContaining("runner");
        assertThatThrownBy(() -> ProviderNode.builder().relayer("ws://h:1").account(ContractAddress.of(1), KEYS)
                .runner(new GatedRunner()).concurrency(0).build()).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> ProviderNode.builder().relayer("ws://h:1").account(ContractAddress.of(1), KEYS)
                .runner(new GatedRunner()).reconnectDelay(Duration.ofSeconds(5), Duration.ofSeconds(1)).build())
                .hasMessageContaining("reconnect_max_delay");
    }

    @Test
    void aBuiltNodeAdvertisesItsRunnersKindsAndConcurrency() {
        ProviderNode node = ProviderNode.builder().relayer("ws://h:1").account(ContractAddress.of(1), KEYS)
                .runner(new GatedRunner()).concurrency(3).name("n1").build();
        try {
            assertThat(node.capabilities().jobKinds()).containsExactlyInAnyOrder("echo", "gate", "fail", "effort");
            assertThat(node.capabilities().maxConcurrent()).isEqualTo(3);
            assertThat(node.status().state()).isEqualTo(ProviderNode.State.CREATED);
        } finally {
            node.close();
        }
        assertThat(node.status().state()).isEqualTo(ProviderNode.State.CLOSED);
    }

    @Test
    void backoffDoublesUpToItsCapWithJitterInTheUpperHalf() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(b.delay(0, bound -> 0)).isEqualTo(Duration.ofMillis(50));
        assertThat(b.delay(0, bound -> bound - 1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delay(2, bound -> bound - 1)).isEqualTo(Duration.ofMillis(400));
        assertThat(b.delay(3, bound -> bound - 1)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.delay(4, bound -> bound - 1)).isEqualTo(Duration.ofMillis(1000));
        assertThat(b.delay(100, bound -> 0)).isEqualTo(Duration.ofMillis(500));
    }
}
