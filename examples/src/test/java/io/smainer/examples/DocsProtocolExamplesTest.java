package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.fee.EffortPricing;
import io.smainer.job.Jobs;
import io.smainer.protocol.Message;
import io.smainer.protocol.MessageType;
import io.smainer.protocol.Messages;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.SettlementMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every WebSocket example in docs/protocol.md decodes, re-encodes byte for byte, and its signatures verify. */
class DocsProtocolExamplesTest {
    private static final Path PROTOCOL_MD = Path.of("..", "docs", "protocol.md");
    private static final Felt TEST_PUBLIC_KEY = StarkCrypto.starknetJvm().publicKey(Felt.parse("0x2dccce1da22003777062ee0870e9881b"));
    private final ProtocolCodec codec = ProtocolCodec.create();
    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();

    @Test
    void everyExampleRoundTripsAndEveryMessageTypeIsShown() throws IOException {
        List<String> examples = examples();
        Set<MessageType> shown = EnumSet.noneOf(MessageType.class);
        for (String json : examples) {
            Message m = codec.decode(json);
            assertThat(codec.encode(m)).isEqualTo(json);
            shown.add(MessageType.fromWire(m.type()));
        }
        assertThat(shown).containsExactlyInAnyOrder(MessageType.values());
    }

    @Test
    void theLoginExampleIsSignedByTheTestKey() throws IOException {
        Messages.NodeRegister login = only(Messages.NodeRegister.class);
        Felt hash = Snip12.loginHash(Snip12.Domain.smainer(ChainId.MAINNET), login.address(), login.nonce(), login.expiresAt());
        assertThat(crypto.verify(TEST_PUBLIC_KEY, hash, login.signature())).isTrue();
    }

    @Test
    void theCompletionExamplesCarryValidResultHashesAndReceipts() throws IOException {
        Messages.NodeRegister login = only(Messages.NodeRegister.class);
        List<Messages.TaskCompleted> done = all(Messages.TaskCompleted.class);
        assertThat(done).hasSize(2);
        Messages.TaskCompleted flat = done.get(0);
        assertThat(flat.resultHash()).isEqualTo(Receipts.resultHash(flat.result()));
        assertThat(crypto.verify(TEST_PUBLIC_KEY,
                Receipts.flatHash(crypto, U256.of(1042), login.address(), flat.resultHash()), flat.signature())).isTrue();
        Messages.TaskCompleted effort = done.get(1);
        assertThat(effort.resultHash()).isEqualTo(Receipts.resultHash(effort.result()));
        assertThat(crypto.verify(TEST_PUBLIC_KEY, Receipts.effortHash(crypto, U256.of(1043), login.address(),
                effort.resultHash(), effort.actualCost().orElseThrow()), effort.signature())).isTrue();
    }

    @Test
    void theAssignedJobIsAValidSha256BatchOfHelloAndWorld() throws IOException {
        List<Messages.TaskAssigned> all = all(Messages.TaskAssigned.class);
        assertThat(all).hasSize(2);
        Messages.TaskAssigned assigned = all.get(0);
        assertThat(assigned.settlement()).isEqualTo(SettlementMode.FLAT);
        assertThat(assigned.effortPrice()).isEmpty();
        assertThat(Jobs.readSha256Batch(assigned.job()))
                .containsExactly("hello".getBytes(StandardCharsets.US_ASCII), "world".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theEffortAssignmentsPricingGivesTheCostItsCompletionSigns() throws IOException {
        Messages.TaskAssigned assigned = all(Messages.TaskAssigned.class).get(1);
        Messages.TaskCompleted done = all(Messages.TaskCompleted.class).get(1);
        assertThat(assigned.settlement()).isEqualTo(SettlementMode.EFFORT);
        assertThat(assigned.taskId()).isEqualTo(done.taskId());
        Messages.EffortPrice price = assigned.effortPrice().orElseThrow();
        TokenAmount cost = EffortPricing.actualCost(price.basePrice(), price.tierMultiplier(),
                done.effort().orElseThrow().effortScore(), assigned.escrowAmount());
        assertThat(done.actualCost()).contains(cost);
    }

    private <T extends Message> T only(Class<T> type) throws IOException {
        List<T> found = all(type);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private <T extends Message> List<T> all(Class<T> type) throws IOException {
        List<T> found = new ArrayList<>();
        for (String json : examples()) {
            Message m = codec.decode(json);
            if (type.isInstance(m)) {
                found.add(type.cast(m));
            }
        }
        return found;
    }

    /** The JSON line after each {@code <!-- ws-example -->} marker and its code fence. */
    private static List<String> examples() throws IOException {
        List<String> lines = Files.readAllLines(PROTOCOL_MD);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("<!-- ws-example -->")) {
                assertThat(lines.get(i + 1)).isEqualTo("```json");
                out.add(lines.get(i + 2));
            }
        }
        return out;
    }
}
