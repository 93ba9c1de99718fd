package io.smainer.escrow.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.local.LedgerRpcServer.RpcError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A v3 invoke as the node parses it: its {@code __execute__} calls, its version, its hash, its fee model. */
class InvokeTest {
    private static final ChainId CHAIN = new ChainId("SN_SEPOLIA");

    private static JsonObject tx(String version, long... calldata) {
        JsonObject t = new JsonObject();
        t.addProperty("type", "INVOKE");
        t.addProperty("version", version);
        t.addProperty("sender_address", "0xa1");
        JsonArray data = new JsonArray();
        for (long f : calldata) {
            data.add("0x" + Long.toHexString(f));
        }
        t.add("calldata", data);
        JsonArray sig = new JsonArray();
        sig.add("0x1");
        sig.add("0x2");
        t.add("signature", sig);
        t.addProperty("nonce", "0x7");
        JsonObject bounds = new JsonObject();
        for (String r : List.of("l1_gas", "l1_data_gas", "l2_gas")) {
            JsonObject b = new JsonObject();
            b.addProperty("max_amount", "0x10");
            b.addProperty("max_price_per_unit", "0x20");
            bounds.add(r, b);
        }
        t.add("resource_bounds", bounds);
        t.addProperty("tip", "0x0");
        t.add("paymaster_data", new JsonArray());
        t.add("account_deployment_data", new JsonArray());
        t.addProperty("nonce_data_availability_mode", "L1");
        t.addProperty("fee_data_availability_mode", "L1");
        return t;
    }

    @Test
    void decodesTheExecuteCalldataIntoCallsInOrder() {
        Invoke tx = Invoke.parse(tx("0x3", 2, 0xc1, 0x51, 2, 10, 11, 0xc2, 0x52, 0), CHAIN);

        assertThat(tx.sender()).isEqualTo(ContractAddress.of(0xa1));
        assertThat(tx.nonce()).isEqualTo(Felt.of(7));
        assertThat(tx.signature()).containsExactly(Felt.ONE, Felt.of(2));
        assertThat(tx.query()).isFalse();
        assertThat(tx.calls()).containsExactly(
                new ContractCall(ContractAddress.of(0xc1), Felt.of(0x51), List.of(Felt.of(10), Felt.of(11))),
                new ContractCall(ContractAddress.of(0xc2), Felt.of(0x52), List.of()));
        assertThat(tx.l2Gas()).isEqualTo(400_000L + 2 * 150_000L);
        assertThat(tx.fee().get("overall_fee").getAsString()).isEqualTo("0x" + Long.toHexString(tx.l2Gas() + 0x80));
    }

    @Test
    void theHashCoversTheChainTheNonceAndTheCalldataAndAQueryIsMarked() {
        Invoke base = Invoke.parse(tx("0x3", 1, 0xc1, 0x51, 0), CHAIN);

        assertThat(Invoke.parse(tx("0x3", 1, 0xc1, 0x51, 0), CHAIN).hash()).isEqualTo(base.hash());
        assertThat(Invoke.parse(tx("0x3", 1, 0xc1, 0x51, 0), new ChainId("SN_MAIN")).hash()).isNotEqualTo(base.hash());
        assertThat(Invoke.parse(tx("0x3", 1, 0xc1, 0x52, 0), CHAIN).hash()).isNotEqualTo(base.hash());
        JsonObject otherNonce = tx("0x3", 1, 0xc1, 0x51, 0);
        otherNonce.addProperty("nonce", "0x8");
        assertThat(Invoke.parse(otherNonce, CHAIN).hash()).isNotEqualTo(base.hash());
        Invoke query = Invoke.parse(tx("0x100000000000000000000000000000003", 1, 0xc1, 0x51, 0), CHAIN);
        assertThat(query.query()).isTrue();
        assertThat(query.hash()).isNotEqualTo(base.hash());
    }

    @Test
    void refusesCalldataThatDoesNotDecodeOtherVersionsAndOtherTypes() {
        assertThatThrownBy(() -> Invoke.parse(tx("0x3", 1, 0xc1, 0x51, 0, 99), CHAIN))
                .isInstanceOfSatisfying(RpcError.class, e -> {
                    assertThat(e.code()).isEqualTo(-32602);
                    assertThat(e.getMessage()).contains("__execute__ calldata does not decode: 1 felts left over");
                });
        assertThatThrownBy(() -> Invoke.parse(tx("0x3", 1, 0xc1, 0x51, 3, 1), CHAIN))
                .isInstanceOfSatisfying(RpcError.class, e -> assertThat(e.code()).isEqualTo(-32602));
        assertThatThrownBy(() -> Invoke.parse(tx("0x1", 0), CHAIN))
                .isInstanceOfSatisfying(RpcError.class, e -> {
                    assertThat(e.code()).isEqualTo(61);
                    assertThat(e.data().orElseThrow().getAsString()).isEqualTo(Felt.ONE.hex());
                });
        JsonObject declare = tx("0x3", 0);
        declare.addProperty("type", "DECLARE");
        assertThatThrownBy(() -> Invoke.parse(declare, CHAIN))
                .isInstanceOfSatisfying(RpcError.class, e -> assertThat(e.getMessage()).contains("only INVOKE"));
    }
}
