package io.smainer.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReceiptsTest {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final KeyPair PROVIDER_KEY = KeyPair.fromPrivateKey(Felt.parse("0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc"), CRYPTO);
    private static final KeyPair OTHER_KEY = KeyPair.fromPrivateKey(Felt.parse("0x1234567"), CRYPTO);
    private static final U256 TASK = U256.of(42);
    private static final ContractAddress PROVIDER = ContractAddress.parse("0x5a1e");
    private static final Felt RESULT = Receipts.resultHash("the result".getBytes(StandardCharsets.UTF_8));
    private static final TokenAmount COST = TokenAmount.ofBaseUnits(1_500_000_000_000_000L);

    @Test
    void resultHashIsSha256ReducedModuloThePrime() {
        // sha256("abc") = 0xba7816bf...f20015ad = 23 * P + 0x27816bf8...f2001596
        assertThat(Receipts.resultHash("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Felt.parse("0x27816bf8f01ce63414140de5dae2223b00361a396177a9cb410ff61f2001596"))
                .isNotEqualTo(Receipts.resultHash("abd".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void flatReceiptIsTheSameHashInBothImplementations() {
        Felt h1 = Receipts.flatHash(CRYPTO, TASK, PROVIDER, RESULT);
        StarkCrypto oracle = StarkCrypto.starknetJvm();
        assertThat(h1).isEqualTo(Receipts.flatHash(oracle, TASK, PROVIDER, RESULT));
        assertThat(h1).isEqualTo(oracle.pedersen(oracle.pedersen(Felt.of(42), PROVIDER.felt()), RESULT));
        Felt h2 = Receipts.effortHash(CRYPTO, TASK, PROVIDER, RESULT, COST);
        assertThat(h2).isEqualTo(Receipts.effortHash(oracle, TASK, PROVIDER, RESULT, COST));
        assertThat(h2).isEqualTo(oracle.pedersen(h1, Felt.of(1_500_000_000_000_000L)));
    }

    @Test
    void aSignedFlatReceiptVerifiesAndFailsWhenTaskProviderResultOrKeyChanges() {
        Felt h1 = Receipts.flatHash(CRYPTO, TASK, PROVIDER, RESULT);
        Signature sig = CRYPTO.sign(PROVIDER_KEY.privateKey(), h1);
        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(), h1, sig)).isTrue();
        assertThat(StarkCrypto.starknetJvm().verify(PROVIDER_KEY.publicKey(), h1, sig)).isTrue();

        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(), Receipts.flatHash(CRYPTO, U256.of(43), PROVIDER, RESULT), sig))
                .as("another task").isFalse();
        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(), Receipts.flatHash(CRYPTO, TASK, ContractAddress.parse("0x5a1f"), RESULT), sig))
                .as("another provider").isFalse();
        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(),
                Receipts.flatHash(CRYPTO, TASK, PROVIDER, Receipts.resultHash("another result".getBytes(StandardCharsets.UTF_8))), sig))
                .as("another result").isFalse();
        assertThat(CRYPTO.verify(OTHER_KEY.publicKey(), h1, sig)).as("another key").isFalse();
        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(), h1, CRYPTO.sign(OTHER_KEY.privateKey(), h1)))
                .as("signed by another key").isFalse();
    }

    @Test
    void aSignedEffortReceiptVerifiesAndFailsWhenTaskProviderResultCostOrKeyChanges() {
        Felt h2 = Receipts.effortHash(CRYPTO, TASK, PROVIDER, RESULT, COST);
        Signature sig = CRYPTO.sign(PROVIDER_KEY.privateKey(), h2);
        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(), h2, sig)).isTrue();
        assertThat(StarkCrypto.starknetJvm().verify(PROVIDER_KEY.publicKey(), h2, sig)).isTrue();
        assertThat(h2).isNotEqualTo(Receipts.flatHash(CRYPTO, TASK, PROVIDER, RESULT));

        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(), Receipts.effortHash(CRYPTO, U256.of(43), PROVIDER, RESULT, COST), sig))
                .as("another task").isFalse();
        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(),
                Receipts.effortHash(CRYPTO, TASK, ContractAddress.parse("0x5a1f"), RESULT, COST), sig)).as("another provider").isFalse();
        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(),
                Receipts.effortHash(CRYPTO, TASK, PROVIDER, Receipts.resultHash(new byte[] {1}), COST), sig)).as("another result").isFalse();
        assertThat(CRYPTO.verify(PROVIDER_KEY.publicKey(),
                Receipts.effortHash(CRYPTO, TASK, PROVIDER, RESULT, COST.plus(TokenAmount.ofBaseUnits(1))), sig)).as("another cost").isFalse();
        assertThat(CRYPTO.verify(OTHER_KEY.publicKey(), h2, sig)).as("another key").isFalse();
    }
}
