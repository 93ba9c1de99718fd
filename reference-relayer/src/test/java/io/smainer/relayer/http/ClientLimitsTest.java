package io.smainer.relayer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.relayer.RelayerConfig;
import io.smainer.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final List<String> refused = new ArrayList<>();

    private ClientLimits limits(Map<String, String> settings) {
        return new ClientLimits(RelayerConfig.load(settings), clock, refused::add);
    }

    /** Submissions from one address, each naming a new demander: how many pass both limits. */
    private static int rotating(ClientLimits limits, Optional<String> client, String address, int start, int n) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            try {
                limits.submitArrived(client, address);
                limits.submitFor(client, ContractAddress.of(0x10000 + start + i));
                ok++;
            } catch (HttpFailure e) {
                // counted below
            }
        }
        return ok;
    }

    @Test
    void anAddressNamingANewDemanderEachTimeIsHeldToTheClientAddressLimit() {
        ClientLimits limits = limits(Map.of("limits.ip_rate_per_second", "10", "limits.ip_rate_burst", "20"));

        assertThat(rotating(limits, Optional.empty(), "203.0.113.9", 0, 100)).isEqualTo(20);
        assertThat(refused).hasSize(80).containsOnly("submit_ip");
        assertThatThrownBy(() -> limits.submitArrived(Optional.empty(), "203.0.113.9"))
                .isInstanceOfSatisfying(HttpFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(HttpFailure.Kind.RATE_LIMITED);
                    assertThat(e.retryAfter()).contains(Duration.ofMillis(100));
                    assertThat(e.getMessage()).contains("more than 10 task submissions a second (burst 20) from client "
                            + "address 203.0.113.9").contains("limits.ip_rate_per_second");
                });
        clock.advance(Duration.ofSeconds(1));
        assertThat(rotating(limits, Optional.empty(), "203.0.113.9", 100, 100)).as("refilled at 10/s").isEqualTo(10);
        assertThat(rotating(limits, Optional.empty(), "198.51.100.1", 200, 100)).as("another address").isEqualTo(20);
    }

    @Test
    void aClientWithAnApiKeyIsLimitedByItsKeyNotItsAddress() {
        ClientLimits limits = limits(Map.of("limits.ip_rate_per_second", "10", "limits.ip_rate_burst", "20",
                "limits.rate_per_second", "100", "limits.rate_burst", "300", "api_keys", "ops:0123456789abcdef0123"));

        assertThat(rotating(limits, Optional.of("ops"), "203.0.113.9", 0, 1000)).isEqualTo(300);
        assertThat(refused).containsOnly("key");
        // its address's budget was never spent: an anonymous client there still has it
        assertThat(rotating(limits, Optional.empty(), "203.0.113.9", 1000, 100)).isEqualTo(20);
    }

    @Test
    void theClientAddressLimitCanBeTurnedOffLeavingThePerDemanderLimit() {
        ClientLimits limits = limits(Map.of("limits.ip_rate_per_second", "0", "limits.rate_burst", "3"));

        assertThat(rotating(limits, Optional.empty(), "203.0.113.9", 0, 5000)).isEqualTo(5000);
        for (int i = 0; i < 3; i++) {
            limits.submitFor(Optional.empty(), ContractAddress.of(0x42));
        }
        assertThatThrownBy(() -> limits.submitFor(Optional.empty(), ContractAddress.of(0x42)))
                .hasMessageContaining("for addr");
    }

    @Test
    void theDefaultsLetOneHostSubmitHundredsOfTasksASecondForSeveralDemanders() {
        ClientLimits limits = limits(Map.of());
        int ok = 0;
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < 800; i++) {
                try {
                    limits.submitArrived(Optional.empty(), "203.0.113.9");
                    limits.submitFor(Optional.empty(), ContractAddress.of(0x100 + i % 5)); // 5 demanders, 160/s each
                    ok++;
                } catch (HttpFailure e) {
                    // counted below
                }
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(ok).isEqualTo(8000);
    }
}
