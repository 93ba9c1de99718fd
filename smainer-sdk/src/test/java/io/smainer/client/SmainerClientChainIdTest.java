package io.smainer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.crypto.KeyPair;
import io.smainer.escrow.Ledger;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The client signs for the escrow's chain: no second setting to keep in step, and a contradicting one is refused. */
class SmainerClientChainIdTest {
    private final Ledger ledger = Ledger.builder().chainId(ChainId.SEPOLIA).build();

    private SmainerClient.Builder builder() {
        return SmainerClient.builder().relayer(URI.create("http://127.0.0.1:9")).escrow(ledger.client(ContractAddress.of(0x20)))
                .keyPair(KeyPair.generate());
    }

    @Test
    void theChainIdComesFromTheEscrowAndAContradictingOneIsRefused() {
        assertThat(ledger.client(ContractAddress.of(0x20)).chainId()).contains(ChainId.SEPOLIA);
        try (SmainerClient client = builder().build()) {
            assertThat(client).isNotNull();
        }
        try (SmainerClient client = builder().chainId(ChainId.SEPOLIA).build()) {
            assertThat(client).isNotNull();
        }
        assertThatThrownBy(() -> builder().chainId(ChainId.MAINNET).build())
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("chain_id");
                    assertThat(e.getMessage()).contains(ChainId.SEPOLIA.toString());
                });
    }
}
