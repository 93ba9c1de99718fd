package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.local.TestRpcNode;
import io.smainer.fee.Tier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./smainer example starknet-rpc} against the SDK's Starknet JSON-RPC test double on a loopback
 * port (no outside network): every read the example makes goes through starknet-jvm and real JSON-RPC.
 */
class StarknetRpcExampleIT {
    private static final ContractAddress ACCOUNT = ContractAddress.of(0xACC0);
    private static final Felt KEY = Felt.parse("0x4a3f8e2d1c0b9a8776655443322110ffeeddccbbaa99");

    @Test
    void readsTheChainIdTheTaskCountTheLatestTaskAndOnChainQuotes() {
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        Ledger ledger = Ledger.builder().owner(ContractAddress.of(0x1001)).relayer(ContractAddress.of(0x1002))
                .treasury(ContractAddress.of(0x1003)).crypto(crypto).build();
        ledger.mint(ACCOUNT, TokenAmount.parseStrk("5"));
        ledger.client(ACCOUNT).createTask(ledger.token(), TokenAmount.parseStrk("0.1"), Tier.PRO, Felt.of(42));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (TestRpcNode node = TestRpcNode.builder().ledger(ledger).crypto(crypto).start()) {
            node.addAccount(ACCOUNT, crypto.publicKey(KEY));
            int code = StarknetRpcExample.run(Map.of("SMAINER_RPC_URL", node.url().toString(),
                    "SMAINER_ACCOUNT_ADDRESS", ACCOUNT.hex(), "SMAINER_PRIVATE_KEY", KEY.hex()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("is on chain SMAINER_LOCAL").contains("tasks     1 created so far")
                .contains("latest    task 1: CREATED, 0.22 STRK escrowed by " + ACCOUNT.hex() + " at tier pro")
                .contains("4.78 STRK, registry status")
                .containsPattern("premium\\s+x3.5\\s+escrow 0.35 STRK\\s+provider 0.308 STRK\\s+treasury 0.042 STRK");
        assertThat(text + err).doesNotContain(KEY.hex()).doesNotContain(KEY.value().toString());
    }
}
