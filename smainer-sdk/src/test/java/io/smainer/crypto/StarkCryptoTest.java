package io.smainer.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import org.junit.jupiter.api.Test;

class StarkCryptoTest {
    @Test
    void theDefaultIsTheFastImplementation() {
        assertThat(StarkCrypto.defaultCrypto()).isSameAs(StarkCrypto.fast());
        assertThat(StarkCrypto.fast().name()).isEqualTo("fast");
        assertThat(StarkCrypto.starknetJvm().name()).isEqualTo("starknet-jvm");
        assertThat(StarkCrypto.fast()).isNotSameAs(StarkCrypto.starknetJvm());
    }

    @Test
    void choosesAnImplementationByName() {
        assertThat(StarkCrypto.named("fast")).isSameAs(StarkCrypto.fast());
        assertThat(StarkCrypto.named("starknet-jvm")).isSameAs(StarkCrypto.starknetJvm());
        assertThat(StarkCrypto.named("  Starknet-JVM ")).isSameAs(StarkCrypto.starknetJvm());
        for (String name : new String[] {StarkCrypto.fast().name(), StarkCrypto.starknetJvm().name()}) {
            assertThat(StarkCrypto.named(name).name()).isEqualTo(name);
        }
    }

    @Test
    void refusesAnUnknownNameAndSaysWhichAreKnown() {
        assertThatThrownBy(() -> StarkCrypto.named("bouncycastle"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("crypto")
                .hasMessageContaining("fast, starknet-jvm")
                .hasMessageContaining("bouncycastle");
        assertThatThrownBy(() -> StarkCrypto.named(null)).isInstanceOf(InvalidFieldException.class);
        assertThatThrownBy(() -> StarkCrypto.named("")).isInstanceOf(InvalidFieldException.class);
    }
}
