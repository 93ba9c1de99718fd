package io.smainer.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.config.ConfigException;
import io.smainer.escrow.Ledger;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed setters an embedder uses end in the same checked settings the app reads. */
class RelayerBuilderTest {
    static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    final Ledger ledger = Ledger.builder().owner(ContractAddress.of(0x1001)).relayer(RELAYER)
            .treasury(ContractAddress.of(0x1003)).build();

    @Test
    void typedSettersBecomeTheSettings() {
        try (Relayer r = Relayer.builder().host("127.0.0.1").port(0).name("embedded")
                .demanderKey(ContractAddress.of(0xD0), Felt.of(0x1234)).demanderKey(ContractAddress.of(0xD1), Felt.of(0x5678))
                .minBasePrice(TokenAmount.parseStrk("0.2")).minBasePrice("word-count", TokenAmount.parseStrk("0.01"))
                .settlement(Duration.ofMillis(20), 10).rateLimits(500, 1000, 0).setting("max_attempts", "7")
                .escrow(ledger.client(RELAYER)).build()) {
            RelayerConfig c = r.config();
            assertThat(c.server().host()).isEqualTo("127.0.0.1");
            assertThat(c.server().port()).isZero();
            assertThat(c.server().name()).isEqualTo("embedded");
            assertThat(c.access().demanderKeys()).isEqualTo(Map.of(ContractAddress.of(0xD0), Felt.of(0x1234),
                    ContractAddress.of(0xD1), Felt.of(0x5678)));
            assertThat(c.access().minBaseFor("word-count")).isEqualTo(TokenAmount.parseStrk("0.01"));
            assertThat(c.access().minBaseFor("matmul-f32")).isEqualTo(TokenAmount.parseStrk("0.2"));
            assertThat(c.settlement().batchDelay()).isEqualTo(Duration.ofMillis(20));
            assertThat(c.settlement().batchSize()).isEqualTo(10);
            assertThat(c.limits().ipRatePerSecond()).isZero();
            assertThat(c.scheduling().maxAttempts()).isEqualTo(7);
        }
    }

    @Test
    void withoutSettersItHasTheDefaults() {
        try (Relayer r = Relayer.builder().escrow(ledger.client(RELAYER)).build()) {
            assertThat(r.config()).isEqualTo(RelayerConfig.defaults());
        }
    }

    @Test
    void aBadValueIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> Relayer.builder().port(70_000).escrow(ledger.client(RELAYER)).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> Relayer.builder().setting("no_such_setting", "1").escrow(ledger.client(RELAYER)).build())
                .hasMessageContaining("no_such_setting");
    }

    @Test
    void aWholeConfigAndSingleSettingsDoNotMix() {
        assertThatThrownBy(() -> Relayer.builder().config(RelayerConfig.defaults()).port(0).escrow(ledger.client(RELAYER))
                .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("not both").hasMessageContaining("port");
    }

    @Test
    void itsStartLineNamesNoChainItDidNotStart() {
        assertThat(RelayerConfig.defaults().describeRelayer()).doesNotContain("local_chain", "chain=", "accounts_file");
        assertThat(RelayerConfig.defaults().toString()).contains("local_chain.port=5050", "chain=local");
    }
}
