package io.smainer.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The felt-array signature: its bounds, its header form, and its two JSON forms. */
class AccountSignatureTest {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    private static List<Felt> felts(int n) {
        List<Felt> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Felt.of(i));
        }
        return out;
    }

    @Test
    void twoToThirtyTwoFeltsAreASignatureAndOnlyTwoAreAStarkRS() {
        assertThat(AccountSignature.of(felts(2)).stark()).contains(new Signature(Felt.of(1), Felt.of(2)));
        assertThat(AccountSignature.of(felts(9)).stark()).isEmpty();
        assertThat(AccountSignature.of(felts(32)).size()).isEqualTo(32);
        for (int n : new int[] {0, 1, 33, 1000}) {
            assertThatThrownBy(() -> AccountSignature.of(felts(n))).isInstanceOf(InvalidFieldException.class)
                    .hasMessage("signature: expected 2 to 32 felts, got '" + n + " felts'");
        }
        List<Felt> withNull = new ArrayList<>(felts(3));
        withNull.set(1, null);
        assertThatThrownBy(() -> AccountSignature.of(withNull)).hasMessage("signature[1]: expected a felt, got nothing");
        assertThatThrownBy(() -> AccountSignature.of(Collections.nCopies(2, Felt.ONE)).felts().add(Felt.ONE))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theHeaderFormIsCommaSeparatedFeltsAndAnythingElseIsRefusedNamingTheHeader() {
        AccountSignature four = AccountSignature.of(felts(4));
        assertThat(four.toHeader()).isEqualTo("0x1,0x2,0x3,0x4");
        assertThat(AccountSignature.parse("X-H", " 0x1 , 0x2,3,0x4")).isEqualTo(four);
        for (String bad : new String[] {"0x1", "0x1,", "0x1,zz", "0x1,0x2,", String.join(",", Collections.nCopies(33, "0x1")),
                "0x1," + "f".repeat(3000), "0x1,0x" + "f".repeat(64)}) {
            assertThatThrownBy(() -> AccountSignature.parse("X-H", bad)).isInstanceOf(InvalidFieldException.class)
                    .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("X-H"));
        }
    }

    /** A request whose signature is the given JSON. */
    private static String body(String signatureJson) {
        String body = CODEC.toJson(new Api.SubmitTask(U256.of(1), JobSpec.of("echo", Map.of(), new byte[] {1}), null,
                ContractAddress.of(0xd0), Felt.ONE, 99, AccountSignature.of(felts(4)), Optional.empty()));
        assertThat(body).contains("\"signature\":[\"0x1\",\"0x2\",\"0x3\",\"0x4\"]");
        return body.replace("[\"0x1\",\"0x2\",\"0x3\",\"0x4\"]", signatureJson);
    }

    private static AccountSignature read(String signatureJson) {
        return CODEC.fromJson(body(signatureJson), Api.SubmitTask.class).signature();
    }

    @Test
    void aRequestCarriesTwoFeltsAsTheObjectEveryRelayerReadsAndMoreAsAnArray() {
        String two = "{\"r\":\"0x1\",\"s\":\"0x2\"}";
        String nine = "[\"0x1\",\"0x2\",\"0x3\",\"0x4\",\"0x5\",\"0x6\",\"0x7\",\"0x8\",\"0x9\"]";
        assertThat(CODEC.toJson(new Api.SubmitTask(U256.of(1), JobSpec.of("echo", Map.of(), new byte[] {1}), null,
                ContractAddress.of(0xd0), Felt.ONE, 99, new Signature(Felt.of(1), Felt.of(2)), Optional.empty())))
                .contains("\"signature\":" + two);
        assertThat(read(two)).isEqualTo(AccountSignature.of(felts(2)));
        assertThat(read("[\"0x1\",\"0x2\"]")).isEqualTo(AccountSignature.of(felts(2)));
        assertThat(read(nine)).isEqualTo(AccountSignature.of(felts(9)));
        assertThat(body(nine)).contains("\"signature\":" + nine);
    }

    @Test
    void aHostileSignatureIsRefusedNamingTheFieldAndTheFelt() {
        assertThat(read("[\"0x1\",\"0x2\",\"0x3\",\"0x4\"]")).isEqualTo(AccountSignature.of(felts(4)));
        String thirtyThree = "[" + String.join(",", Collections.nCopies(33, "\"0x1\"")) + "]";
        String[][] cases = {
            {thirtyThree, "signature", "more than 32 felts"},
            {"[\"0x1\"]", "signature", "1 felts"},
            {"[]", "signature", "0 felts"},
            {"[\"0x1\",7]", "signature[1]", "NUMBER"},
            {"[\"0x1\",\"0x" + "f".repeat(64) + "\"]", "signature[1]", "0x"},
            {"{\"r\":\"0x1\"}", "signature.s", "nothing"},
            {"{\"r\":\"0x1\",\"s\":\"0x2\",\"v\":\"0x3\"}", "signature.v", "a value"},
            {"\"0x1,0x2\"", "signature", "STRING"},
        };
        for (String[] c : cases) {
            String hostile = body(c[0]);
            assertThatThrownBy(() -> CODEC.fromJson(hostile, Api.SubmitTask.class)).as(c[0])
                    .isInstanceOf(ProtocolException.class)
                    .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo(c[1]))
                    .hasMessageContaining(c[2]);
        }
    }
}
