package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.local.TestRpcNode;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Quote;
import io.smainer.testkit.LocalNetwork;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The smoke test of {@code ./smainer example submit-task}: one matmul bought, checked and paid exactly. */
class SubmitTaskExampleIT {

    @Test
    void buysOneMatrixProductChecksItWithFreivaldsAndSeesTheExactPayout() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SubmitTaskExample.Outcome outcome = SubmitTaskExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        Quote quote = FeeMath.quote(SubmitTaskExample.BASE_PRICE, SubmitTaskExample.TIER);
        assertThat(outcome.escrow().escrowed()).isEqualTo(quote.escrow());
        assertThat(outcome.check().passed()).as(outcome.check().detail()).isTrue();
        assertThat(outcome.settled().taskId()).isEqualTo(outcome.escrow().escrowId());
        assertThat(outcome.settled().providerAmount()).isEqualTo(quote.provider());
        assertThat(outcome.settled().treasuryAmount()).isEqualTo(quote.treasury());
        assertThat(outcome.demanderBalance())
                .isEqualTo(LocalNetwork.DEFAULT_DEMANDER_FUNDS.minus(quote.escrow()));
        assertThat(out).contains("escrow 0.1 STRK").contains("Freivalds: PASSED, 20 rounds passed")
                .contains("the demander now holds " + TokenAmount.parseStrk("999.9").toStrkString());
    }

    @Test
    void withRelayerItPaysOverStarknetJsonRpcAndGetsTheSameCheckedResult() throws Exception {
        // A relayer and a provider on a ledger, and the SDK's Starknet JSON-RPC test double in front of that
        // ledger: the demander pays through starknet-jvm and real JSON-RPC, as it would on Starknet.
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        ContractAddress account = ContractAddress.of(0xACC1);
        Felt key = Felt.parse("0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc");
        Felt publicKey = crypto.publicKey(key);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (LocalNetwork net = LocalNetwork.builder().javaProviders(1).demander(account, publicKey).build();
                TestRpcNode node = TestRpcNode.builder().ledger(net.ledger()).crypto(crypto).start()) {
            net.ledger().mint(account, TokenAmount.parseStrk("5"));
            node.addAccount(account, publicKey);
            int code = SubmitTaskExample.run(new String[] {"--relayer", net.relayerUri().toString()},
                    Map.of("SMAINER_RPC_URL", node.url().toString(), "SMAINER_ACCOUNT_ADDRESS", account.hex(),
                            "SMAINER_PRIVATE_KEY", key.hex()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(net.ledger().balanceOf(account)).isEqualTo(TokenAmount.parseStrk("4.9"));
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("paying on SMAINER_LOCAL from " + account.hex())
                .contains("Freivalds: PASSED").contains("the demander now holds 4.9 STRK").doesNotContain(key.hex());
    }

    @Test
    void withRelayerButNoAccountItSaysWhatToSet() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SubmitTaskExample.run(new String[] {"--relayer", "http://127.0.0.1:1"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("submit-task --relayer: this example talks to a real")
                .contains("SMAINER_RPC_URL is not set");
    }
}
