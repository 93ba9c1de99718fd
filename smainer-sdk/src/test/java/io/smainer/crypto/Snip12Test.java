package io.smainer.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import org.junit.jupiter.api.Test;

class Snip12Test {
    private static final Snip12.Domain DOMAIN = Snip12.Domain.smainer(ChainId.SEPOLIA);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x123456);

    @Test
    void loginHashChangesWithEveryBoundField() {
        Felt base = Snip12.loginHash(DOMAIN, PROVIDER, Felt.of(7), 1_800_000_000L);
        assertThat(Snip12.loginHash(DOMAIN, PROVIDER, Felt.of(7), 1_800_000_000L)).isEqualTo(base);
        assertThat(Snip12.loginHash(DOMAIN, PROVIDER, Felt.of(8), 1_800_000_000L)).isNotEqualTo(base);
        assertThat(Snip12.loginHash(DOMAIN, PROVIDER, Felt.of(7), 1_800_000_001L)).isNotEqualTo(base);
        assertThat(Snip12.loginHash(DOMAIN, ContractAddress.of(0x123457), Felt.of(7), 1_800_000_000L)).isNotEqualTo(base);
        assertThat(Snip12.loginHash(Snip12.Domain.smainer(ChainId.MAINNET), PROVIDER, Felt.of(7), 1_800_000_000L))
                .isNotEqualTo(base);
    }

    @Test
    void aSignedRequestVerifiesAndATamperedOneDoesNot() {
        StarkCrypto crypto = StarkCrypto.starknetJvm();
        KeyPair keys = KeyPair.fromPrivateKey(Felt.parse("0x2dccce1da22003777062ee0870e9881b"), crypto);
        Felt hash = Snip12.requestHash(DOMAIN, PROVIDER, U256.of(42), Felt.of(99), Felt.of(7), Felt.of(1), 1_800_000_000L);
        Signature sig = crypto.sign(keys.privateKey(), hash);
        assertThat(crypto.verify(keys.publicKey(), hash, sig)).isTrue();
        Felt other = Snip12.requestHash(DOMAIN, PROVIDER, U256.of(43), Felt.of(99), Felt.of(7), Felt.of(1), 1_800_000_000L);
        assertThat(crypto.verify(keys.publicKey(), other, sig)).isFalse();
        Felt otherTerms = Snip12.requestHash(DOMAIN, PROVIDER, U256.of(42), Felt.of(99), Felt.of(8), Felt.of(1),
                1_800_000_000L);
        assertThat(crypto.verify(keys.publicKey(), otherTerms, sig)).as("the terms are signed").isFalse();
    }
}
