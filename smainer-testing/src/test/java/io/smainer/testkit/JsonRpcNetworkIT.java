package io.smainer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A local network whose ledger is also served as JSON-RPC: a Starknet client reads the chain the relayer settles on. */
class JsonRpcNetworkIT {
    @Test
    void theFundedTaskIsReadThroughTheJsonRpcNode() {
        try (LocalNetwork net = LocalNetwork.builder().javaProviders(1).jsonRpc(true).build()) {
            Api.TaskResult r = net.run(Jobs.sha256Batch(List.of("abc".getBytes(StandardCharsets.UTF_8))),
                    TokenAmount.parseStrk("0.1"));
            assertThat(r.result()).hasSize(32);
            KeyPair account = KeyPair.generate();
            net.rpcServer().orElseThrow().addAccount(LocalNetwork.DEMANDER, account.publicKey());
            try (StarknetEscrow chain = StarknetEscrow.builder().rpcUrl(net.rpcUrl().orElseThrow())
                    .account(LocalNetwork.DEMANDER).privateKey(account.privateKey()).contract(net.ledger().contract())
                    .token(net.ledger().token()).chainId(net.chainId()).build()) {
                assertThat(chain.taskCount()).isEqualTo(U256.of(1));
                assertThat(chain.getTask(U256.of(1)).orElseThrow().creator()).isEqualTo(LocalNetwork.DEMANDER);
                assertThat(chain.balanceOf(LocalNetwork.DEMANDER)).isEqualTo(net.ledger().balanceOf(LocalNetwork.DEMANDER));
                assertThat(chain.offers("settle_with_effort")).isTrue();
            }
        }
    }
}
